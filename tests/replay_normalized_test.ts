/**
 * `replay --session` on a normalized capture (`records.jsonl`, `replay/_normalized_source.ts`):
 * one made from the real ETHUSDT capture replays to the same L3 events and final book as the
 * capture itself, on one thread and on two; one made by `consume --capture-dir` from a live run
 * replays to the publisher's `--book-out`; bad input (a cut last line, a malformed line, a lost
 * line, a format this replay does not read) gives the warnings and exit codes of other captures.
 */
import assert from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { replayPiped } from "../replay/pipeline.ts";
import { type CaptureFiles, resolveSession } from "../replay/reader.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { formatMessageJson, recvNsString } from "../market/json.ts";
import { RecordKind } from "../market/record.ts";
import { commonMetadata } from "../venues/capture_metadata.ts";
import { CaptureWriter } from "../venues/capture_writer.ts";
import {
  NORMALIZED_CAPTURE_FORMAT,
  type NormalizedCaptureMetadata,
  RECORDS_STEM,
} from "../publish/normalized_capture_format.ts";
import { bookToJson } from "../venues/book_json.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { assertSameBook, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { ETH_DIR, haveFixture, RebuildingSink, replayTask } from "./_replay_helpers.ts";

const present = haveFixture();

/**
 * Replay `files` with the live code and write every message its stream emits as a normalized
 * capture in `session` (the layout and writer of `consume --capture-dir`; each line's consumer
 * receive time is the record's own).
 */
async function writeNormalized(files: CaptureFiles, session: string): Promise<number> {
  const writer = await CaptureWriter.create(session);
  const lines = writer.lines(RECORDS_STEM);
  let meta: NormalizedCaptureMetadata | undefined;
  let books = 0;
  let trades = 0;
  let lastBookSeq = 0;
  await replayCapture(files, {
    sink: { write: () => {} },
    onStream: (s) => {
      const i = s.instrument;
      meta = {
        ...commonMetadata(NORMALIZED_CAPTURE_FORMAT, i.venue, i.symbol, i.symbol, "n1", "test", 0),
        market: i.market,
        source: { nats: [], stream: "test", subjects: `md.${i.venue}.${i.market}.${i.symbol}`, startSeq: 0 },
        bookMessages: 0,
        lastBookSeq: 0,
        missing: [],
        runIds: ["r1"],
      };
      s.subscribe((b) => {
        if (b.messageKind === RecordKind.Trade) trades++;
        else {
          books++;
          lastBookSeq = b.seq;
        }
        lines.append(formatMessageJson(b.view, b.count, i), Number(recvNsString(b.recvSec, b.recvSubNs)));
      });
    },
  });
  assert.ok(meta, "the replay opened its stream");
  writer.setMetadata(() => ({
    ...meta!,
    messages: books + trades,
    trades,
    bookMessages: books,
    lastBookSeq,
    complete: true,
  }));
  await writer.close();
  return books + trades;
}

/** Events as JSONL, the final book rebuilt from them, the counters and warnings. */
async function replayed(
  files: CaptureFiles,
): Promise<{ text: string; book: string; stats: ReplayStats; warned: string[] }> {
  const t = new MemoryTarget();
  const w = createWriter("jsonl", t);
  const rebuilt = new RebuildingSink();
  const warned: string[] = [];
  const stats = await replayCapture(files, {
    sink: { write: (ev) => (w.write(ev), rebuilt.write(ev)) },
    onWarning: (m) => warned.push(m),
  });
  w.flush();
  const book = JSON.stringify(
    bookToJson(rebuilt.book, { venue: "binance", symbol: "X", priceScale: 8, qtyScale: 8 }),
  );
  return { text: t.text(), book, stats, warned };
}

Deno.test({
  name:
    "a normalized capture of the real ETHUSDT capture replays to its L3 events and final book, on 1 and 2 threads",
  ignore: !present,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-" });
    try {
      const orig = await resolveSession(ETH_DIR);
      const session = `${dir}/ETHUSDT/n1`;
      const n = await writeNormalized(orig, session);
      const files = await resolveSession(session);
      assert.equal(files.normalized, session);
      const a = await replayed(orig);
      const b = await replayed(files);
      assert.deepEqual(b.warned, []);
      assert.equal(b.stats.diffLines, n);
      assert.equal(b.book, a.book, "final book");
      assert.equal(b.text, a.text, "the same L3 events, byte for byte");
      assert.equal(b.stats.events.join(), a.stats.events.join());
      assert.equal(b.stats.tradeQtyMatched, a.stats.tradeQtyMatched);
      assert.equal(b.stats.tradeQtyUnmatched, a.stats.tradeQtyUnmatched);
      assert.equal(b.stats.snapshotsApplied, 1);
      assert.equal(b.stats.applied, a.stats.applied);
      assert.equal(b.stats.tradeLines, a.stats.trades);
      // Two threads, through the CLI: the same bytes.
      const out = `${dir}/events.jsonl`;
      const r = await replayTask(
        ["--session", session, "--threads", "2", "--out-format", "jsonl", "--out", out],
        dir,
      );
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /normalized binance capture: \d+ record lines/);
      assert.match(r.err, /2 threads/);
      assert.equal(await Deno.readTextFile(out), a.text);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
