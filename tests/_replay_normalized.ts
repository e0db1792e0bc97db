/**
 * Test helpers for the normalized-capture replay tests: write a capture's records as a normalized
 * capture (the layout and writer of `consume --capture-dir`), and replay a capture into JSONL
 * events, the book rebuilt from them, the replay's own final book, counters and warnings.
 * @module
 */
import assert from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import type { CaptureFiles } from "../replay/reader.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { formatMessageJson, recvNsString } from "../market/json.ts";
import { RecordKind } from "../market/record.ts";
import type { BookView } from "../market/book_view.ts";
import { commonMetadata } from "../venues/capture_metadata.ts";
import { CaptureWriter } from "../venues/capture_writer.ts";
import {
  NORMALIZED_CAPTURE_FORMAT,
  type NormalizedCaptureMetadata,
  RECORDS_STEM,
} from "../publish/normalized_capture_format.ts";
import { bookToJson } from "../venues/book_json.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

/**
 * Replay `files` with the live code and write every message its stream emits as a normalized
 * capture in `session` (the layout and writer of `consume --capture-dir`; each line's consumer
 * receive time is the record's own).
 */
export async function writeNormalized(files: CaptureFiles, session: string): Promise<number> {
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

/** What {@linkcode replayed} gives. */
export interface Replayed {
  /** Events as JSONL. */
  text: string;
  /** The book rebuilt from the events (`RebuildingSink`), as `--book-out` JSON. */
  book: string;
  /** The replay's own L2 book at the end (its stream's view): update id, then levels. */
  l2: string;
  /** The replay's counters. */
  stats: ReplayStats;
  /** Its warnings. */
  warned: string[];
  /** `(firstId, lastId)` of every applied update. */
  ids: number[];
  /** The event-rebuilding sink. */
  rebuilt: RebuildingSink;
}

/** Replay `files` on one thread (`rebuild`: check every event with a `RebuildingSink`). */
export async function replayed(files: CaptureFiles, rebuild = true): Promise<Replayed> {
  const t = new MemoryTarget();
  const w = createWriter("jsonl", t);
  const rebuilt = new RebuildingSink();
  const warned: string[] = [];
  const ids: number[] = [];
  let view: BookView | undefined;
  const stats = await replayCapture(files, {
    sink: { write: (ev) => (w.write(ev), rebuild && rebuilt.write(ev)) },
    onStream: (s) => void (view = s.view),
    onWarning: (m) => warned.push(m),
    onApplied: (U, u) => void ids.push(U, u),
  });
  w.flush();
  const book = JSON.stringify(
    bookToJson(rebuilt.book, { venue: "binance", symbol: "X", priceScale: 8, qtyScale: 8 }),
  );
  const l2: (number | boolean)[] = [view?.valid ?? false, view?.updateId ?? -1];
  for (const bid of [true, false]) {
    for (let i = 0; view && i < view.depth(bid); i++) l2.push(view.priceAt(bid, i), view.qtyAt(bid, i));
  }
  return { text: t.text(), book, l2: l2.join(), stats, warned, ids, rebuilt };
}
