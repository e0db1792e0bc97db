/**
 * Real Binance USD-M futures data (../shared/fixtures/binance-usdm-ethusdt-20240808, read in
 * place): the futures sync rules (`BookSync` `rules: "usdm"`) and the replay of the recording
 * (market detected from `pu`) rebuild a book whose top equals Binance's own bookTicker (latest
 * with `u <=` the frame's `u`) after every one of the 6581 applied frames; `deno task replay`
 * exits 0 on it.
 */
import assert from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
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
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { RebuildingSink } from "./_replay_helpers.ts";
import { TickerCheck } from "./_book_ticker.ts";
import { PROJECT_ROOT, runTask } from "./_task.ts";

const DIR = new URL("../../shared/fixtures/binance-usdm-ethusdt-20240808/", import.meta.url);
let present = false;
try {
  present = Deno.statSync(new URL("diffs.jsonl", DIR)).isFile;
} catch {
  console.warn(`binance_usdm_fixture_test: ${DIR.pathname} is absent; skipping the USD-M real-data tests`);
}

Deno.test({
  name: "USD-M ETHUSDT fixture: futures rules apply 6581 frames, top == bookTicker after every one",
  ignore: !present,
  fn() {
    const tk = new TickerCheck(new URL("bookticker.jsonl", DIR));
    const snapshot = parseSnapshot(Deno.readTextFileSync(new URL("snapshot.json", DIR)));
    assert.ok(!isParseError(snapshot), "the futures snapshot (with E and T) parses");
    const book = new L2Book();
    const sync = new BookSync(book, { rules: "usdm" });
    const out = new ParsedFrame();
    const diffs = Deno.readTextFileSync(new URL("diffs.jsonl", DIR)).split("\n").filter((l) => l !== "");
    assert.equal(diffs.length, 6586);
    for (let i = 0; i < diffs.length; i++) {
      assert.equal(parseFrame(diffs[i]!, out), FrameKind.Depth, out.reason);
      assert.ok(out.diff.prevId > 0, "every futures frame carries pu");
      const r = sync.onDiff(out.diff);
      assert.notEqual(r, DiffResult.Resync, `no resync on the real stream (frame ${i + 1})`);
      if (r === DiffResult.Applied) tk.check(book);
      if (sync.needsSnapshot) sync.snapshotRequested();
      // The snapshot arrives after the third frame: frames 1-3 are dropped from the buffer,
      // 4-5 are skipped live (u < lastUpdateId), the 6th bridges it.
      if (i === 2) assert.equal(sync.onSnapshot(snapshot), SnapshotResult.Applied);
    }
    assert.equal(sync.applied, 6581);
    assert.equal(sync.skipped, 5);
    assert.equal(tk.compared, 6581);
    assert.equal(tk.mismatches, 0, `${tk.mismatches} mismatches; last: ${tk.lastMismatch}`);
    assert.equal(sync.resyncs, 0);
    assert.equal(sync.crossed, 0);
  },
});

Deno.test({
  name:
    "replay of the USD-M fixture: detected by pu, the book rebuilt from events equals bookTicker at 6581 frames",
  ignore: !present,
  async fn() {
    const files = await resolveSession(DIR.pathname);
    const tk = new TickerCheck(new URL("bookticker.jsonl", DIR));
    const sink = new RebuildingSink();
    const stats = await replayCapture(files, { sink, onApplied: (_U, u) => tk.check(sink.book, u) });
    assert.equal(stats.failure, undefined);
    assert.equal(stats.applied, 6581);
    // The snapshot is fed at the first frame (buffered, then dropped); frames 2-5 are skipped live.
    assert.equal(stats.buffered, 1);
    assert.equal(stats.skipped, 4);
    assert.equal(stats.resyncs, 0);
    assert.equal(tk.compared, 6581);
    assert.equal(tk.mismatches, 0, `${tk.mismatches} mismatches; last: ${tk.lastMismatch}`);
    assert.equal(stats.trades, 14076, "every futures @trade frame parses and feeds the trade window");
    assert.equal(stats.malformed, 0);
    assert.ok(stats.tradeQtyMatched > 0, "futures trades are matched to fills");
  },
});

Deno.test({
  name: "deno task replay on the USD-M fixture exits 0",
  ignore: !present,
  async fn() {
    await Deno.mkdir(`${PROJECT_ROOT}out`, { recursive: true });
    const outFile = `out/usdm-fixture-${Deno.pid}.bin`;
    try {
      const r = await runTask([
        "replay",
        "--session",
        DIR.pathname,
        "--out",
        outFile,
        "--out-format",
        "bincode",
      ]);
      assert.equal(r.code, 0, r.err);
      assert.doesNotMatch(r.err, /FAILED|warning/);
      assert.match(r.err, /6581 applied/);
    } finally {
      await Deno.remove(`${PROJECT_ROOT}${outFile}`).catch(() => {});
    }
  },
});
