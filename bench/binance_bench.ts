/**
 * `deno bench` for the Binance hot path on the real ETHUSDT diffs (../shared/fixtures, read in
 * place): one iteration = every diff after the snapshot bridge (6467), so divide time/iter by
 * 6467 for the per-diff figure. Setup (fresh book + snapshot) is excluded with `b.start()`.
 *
 * Run: `deno bench --allow-read bench/binance_bench.ts`
 * @module
 */
import { DepthDiff, ParsedFrame, parseFrame } from "../venues/binance/mod.ts";
import { loadEthFixture, SYNC_AT, syncedBook as synced } from "./_eth_fixture.ts";

const fx = loadEthFixture("binance_bench (benches skipped)");
const diffs = fx?.diffs ?? [];
const ignore = fx === undefined;
const syncedBook = () => synced(fx!.snapshotText, diffs);

const out = new ParsedFrame();
let sink = 0;

Deno.bench({
  name: "parseFrame + BookSync.onDiff (6467 diffs)",
  group: "binance",
  baseline: true,
  ignore,
  fn(b) {
    const sync = syncedBook();
    b.start();
    for (let i = SYNC_AT; i < diffs.length; i++) {
      parseFrame(diffs[i]!, out);
      sync.onDiff(out.diff);
    }
    b.end();
    sink += sync.applied;
  },
});

Deno.bench({
  name: "parseFrame only (6467 diffs)",
  group: "binance",
  ignore,
  fn() {
    for (let i = SYNC_AT; i < diffs.length; i++) sink += parseFrame(diffs[i]!, out);
  },
});

Deno.bench({
  name: "BookSync.onDiff only, pre-parsed (6467 diffs)",
  group: "binance",
  ignore,
  fn(b) {
    const pre: DepthDiff[] = [];
    for (let i = SYNC_AT; i < diffs.length; i++) {
      parseFrame(diffs[i]!, out);
      const d = new DepthDiff(out.diff.nBids + out.diff.nAsks);
      d.copyFrom(out.diff);
      pre.push(d);
    }
    const sync = syncedBook();
    b.start();
    for (let i = 0; i < pre.length; i++) sync.onDiff(pre[i]!);
    b.end();
    sink += sync.applied;
  },
});

Deno.bench({
  name: "JSON.parse only (6467 diffs)",
  group: "binance",
  ignore,
  fn() {
    for (let i = SYNC_AT; i < diffs.length; i++) sink += JSON.parse(diffs[i]!).data.u & 1;
  },
});
