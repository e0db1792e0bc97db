/**
 * End-to-end check on real recorded Binance data (../shared/fixtures, read in place): the REST
 * snapshot and the depth@100ms diffs go through `parseFrame` / `parseSnapshot` and `BookSync`;
 * after every applied diff the book's top must equal the latest bookTicker Binance published
 * with `u <=` the diff's `u`, and the book must never cross.
 */
import assert from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { TickerCheck } from "./_book_ticker.ts";
import {
  BookSync,
  DiffResult,
  FrameKind,
  isParseError,
  ParsedFrame,
  parseFrame,
  parseSnapshot,
  SnapshotResult,
} from "../venues/binance/mod.ts";

const DIR = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
let present = false;
try {
  present = Deno.statSync(new URL("diffs.jsonl", DIR)).isFile;
} catch {
  console.warn(`binance_fixture_test: ${DIR.pathname} is absent; skipping the real-data book test`);
}

function lines(name: string): string[] {
  return Deno.readTextFileSync(new URL(name, DIR)).split("\n").filter((l) => l !== "");
}

Deno.test({
  name: "Binance ETHUSDT fixture: the rebuilt top equals Binance's bookTicker after every applied diff",
  ignore: !present,
  fn() {
    const tk = new TickerCheck(new URL("bookticker.jsonl", DIR));
    const snapshot = parseSnapshot(Deno.readTextFileSync(new URL("snapshot.json", DIR)));
    assert.ok(!isParseError(snapshot), "snapshot parses");

    const book = new L2Book();
    const sync = new BookSync(book);
    const out = new ParsedFrame();
    const check = () => tk.check(book);

    const diffs = lines("diffs.jsonl");
    for (let i = 0; i < diffs.length; i++) {
      assert.equal(parseFrame(diffs[i]!, out), FrameKind.Depth, out.reason);
      const r = sync.onDiff(out.diff);
      if (r === DiffResult.Applied) check();
      assert.notEqual(r, DiffResult.Resync, `no resync on the real stream (diff ${i})`);
      if (sync.needsSnapshot) sync.snapshotRequested();
      // The snapshot arrives after the third frame, while diffs are being buffered.
      if (i === 2) {
        assert.equal(sync.onSnapshot(snapshot), SnapshotResult.Applied);
        if (sync.applied > 0) check();
      }
    }
    assert.equal(sync.applied, 6468);
    assert.equal(tk.compared, 6468);
    assert.equal(tk.mismatches, 0, `${tk.mismatches} mismatches; last: ${tk.lastMismatch}`);
    assert.equal(sync.skipped, 2);
    assert.equal(sync.resyncs, 0);
    assert.equal(sync.crossed, 0);
    assert.equal(sync.isSynced, true);
  },
});
