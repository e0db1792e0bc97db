/**
 * `deno bench` for the Binance hot path on the real ETHUSDT diffs (../shared/fixtures, read in
 * place): one iteration = every diff after the snapshot bridge (6467), so divide time/iter by
 * 6467 for the per-diff figure. Setup (fresh book + snapshot) is excluded with `b.start()`.
 *
 * Run: `deno bench --allow-read bench/binance_bench.ts`
 * @module
 */
import { L2Book } from "../venues/book.ts";
import {
  BookSync,
  DepthDiff,
  isParseError,
  ParsedFrame,
  parseFrame,
  parseSnapshot,
} from "../venues/binance/mod.ts";

const DIR = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
let diffs: string[] = [];
let snapshotText = "";
try {
  diffs = Deno.readTextFileSync(new URL("diffs.jsonl", DIR)).split("\n").filter((l) => l !== "");
  snapshotText = Deno.readTextFileSync(new URL("snapshot.json", DIR));
} catch {
  console.warn(`binance_bench: fixture absent at ${DIR.pathname}; benches skipped`);
}
const ignore = diffs.length === 0;
const SYNC_AT = 3;

function syncedBook(): BookSync {
  const snap = parseSnapshot(snapshotText);
  if (isParseError(snap)) throw new Error(snap.error);
  const sync = new BookSync(new L2Book());
  const pf = new ParsedFrame();
  for (let i = 0; i < SYNC_AT; i++) {
    parseFrame(diffs[i]!, pf);
    sync.onDiff(pf.diff);
    if (sync.needsSnapshot) sync.snapshotRequested();
  }
  sync.onSnapshot(snap);
  return sync;
}

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
