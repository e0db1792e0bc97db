/**
 * Private: the normalized-capture adapter of the one replay driver — how a normalized capture
 * (`consume --capture-dir`, read by `readNormalizedCapture`) becomes the records the consumer
 * (`record_l3.ts`) takes. The records are already normalized: they are applied to a
 * {@linkcode BookReplica} (the `seq` checks every consumer owes the stream) and re-emitted
 * through a `MarketStream` over its book, each handed to the stage with its context
 * (`_context.ts`), as the venue adapters do.
 *
 * - Streams `records.jsonl` line by line (memory flat in the capture's size).
 * - `snapshot` → a snapshot message of the replica's book (levels best first); `update` → the
 *   same levels; `clear` → a `clear` with its reason; `trade` → a trade at its exchange time with
 *   the taker side it carries (no side heuristic). Event receive times are the records'
 *   `recv_time_ns` (the publisher's wire receive time), not `records.recv_ns` (the consumer's).
 * - A `seq` jump (a line lost or skipped) invalidates the book: a `clear` (reason gap) and a
 *   warning; updates until the next snapshot are not replayed. A book message not newer than the
 *   last snapshot (a snapshot copy overtook it) is skipped.
 * - The venue ids a record does not carry: a Binance spot update's first id `U` is the previous
 *   book message's `u` + 1 (a synchronized spot stream has no hole in ids), so "one venue event"
 *   (`U == u`) is known; on USD-M (`pu`, ids with holes) it is not (never one event). A clear
 *   carries the last id applied (a live replay's carries the id of the diff that caused it).
 *   Hyperliquid records are windows of `HL_BOOK_DEPTH` levels per side.
 * - Lines that are not this instrument's normalized messages are counted as malformed and warned
 *   about (the first few verbatim); a truncated last line is not parsed (warned).
 * @module
 */
import { InstrumentTable, type MarketName } from "../market/instrument.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import { BookReplica, ReplicaResult } from "../market/replica.ts";
import { MarketStream } from "../market/stream.ts";
import { ResyncReason } from "../engine/events.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { type NormalizedCaptureReader, readNormalizedCapture } from "../publish/normalized_capture.ts";
import { HL_BOOK_DEPTH } from "../venues/hyperliquid/types.ts";
import type { CaptureFiles } from "./reader.ts";
import type { ReplayOptions } from "./replay.ts";
import type { DriverStart } from "./_driver.ts";
import type { CaptureSource, L3Stage } from "./_stage.ts";
import { ContextTracker } from "./_context.ts";
import { Align, NormalizedScale } from "./_normalized_scale.ts";
import { warnMalformed } from "./_warn.ts";

/**
 * Open the normalized capture `files` (`files.normalized` is its folder; throws a TypeError
 * naming the file when it cannot be read). Trades are replayed when `wantTrades` and the capture
 * holds any (metadata.json `trades`, unless it is not complete). Its `read` puts the capture into
 * a stage, filling `run.stats`, and closes the input; it does not finish the stage.
 */
export async function openNormalized(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  wantTrades: boolean,
): Promise<CaptureSource> {
  const reader = await readNormalizedCapture(files.normalized!, { ownPrecision: true });
  const useTrades = wantTrades && files.trades !== undefined;
  return { useTrades, read: (stage) => readRecords(reader, files, opts, run, stage) };
}

async function readRecords(
  r: NormalizedCaptureReader,
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  stage: L3Stage,
): Promise<void> {
  const { stats, warn } = run;
  const m = r.metadata;
  const hl = files.venue === "hyperliquid";
  const spot = !hl && m.market !== "usdm";
  const replica = new BookReplica(0);
  const book = replica.book;
  const inst = new InstrumentTable().add(
    m.venue,
    m.market as MarketName,
    m.instrument,
    JSON_SCALE,
    JSON_SCALE,
  );
  const scale = new NormalizedScale(inst, book);
  const stream = new MarketStream(inst, book);
  const tracker = new ContextTracker(book, hl ? HL_BOOK_DEPTH : Infinity);
  let fid = 0;
  let lid = 0;
  stream.addSink({
    write(batch: RecordBatch): void {
      if (batch.messageKind !== RecordKind.Trade) tracker.update(fid, lid, !hl && fid === lid);
      stage.write(batch, tracker.ctx);
    },
  });
  stats.priceDecimals = stats.qtyDecimals = JSON_SCALE;
  stats.normalized = true;
  const every = opts.progressEvery ?? 4096;
  const before = opts.beforeLine;
  const where = files.diffs;
  r.onSkip = (line, why, buf, start, end) => {
    stats.diffLines++;
    stats.diffBytes += end - start + 1;
    warnMalformed(stats, warn, `${where}:${line}`, why, buf, start, end);
  };
  let prevId = -1; // the previous book message's id while the book is valid (else -1)
  let jumps = 0;
  let unheld = 0;
  // Bring the message and the book to one scale: a rescaled book that is kept is re-emitted as a
  // snapshot at the new scale (L3 restarts from it, its events saying the new decimals); a
  // message no scale holds: false (the caller drops it).
  const aligned = (replacesBook: boolean, rs: number, rn: number): boolean => {
    const was = stream.view.valid;
    const a = scale.align(r.batch, replacesBook);
    if (a === Align.Same) return true;
    if (a === Align.Rescaled) {
      stats.rescales++;
      if (!replacesBook && was) {
        fid = lid = book.updateId;
        stream.snapshot(book.updateId, r.batch.eventTimeMs, rs, rn);
      }
      return true;
    }
    const b = r.batch;
    if (++unheld <= 5) {
      warn(
        `${where}:${r.line}: a value cannot be held with the book at 10^-${scale.scale.priceDecimals} / ` +
          `10^-${scale.scale.qtyDecimals} (beyond 2^53); ${
            b.messageKind === RecordKind.Trade
              ? "trade not replayed"
              : "book discarded, waiting for a later snapshot"
          }`,
      );
    }
    return false;
  };
  try {
    await opts.onStream?.(stream);
    const b = r.batch;
    while (await r.next()) {
      stats.diffLines++;
      stats.diffBytes += r.lineBytes;
      const rs = b.recvSec;
      const rn = b.recvSubNs;
      if (before !== undefined) {
        const p = before(rs, rn);
        if (p !== undefined) await p;
      }
      if (stats.diffLines % every === 0) opts.onProgress?.(stats);
      const kind = b.messageKind;
      if (kind === RecordKind.Trade) {
        stats.tradeLines++;
        stats.trades++;
        // A window venue's snapshot holds the trades before it: those while no book is held
        // are not matched (as the Hyperliquid adapter drops those before a snapshot).
        if (hl && !stream.view.valid) stats.tradesBeforeBook++;
        else if (stage.useTrades && aligned(false, rs, rn)) {
          stream.trade(b.price(0), b.qty(0), b.isBid(0), b.updateId, b.eventTimeMs, rs, rn);
        }
        continue;
      }
      stats.depthFrames++;
      const id = b.updateId;
      if (kind === RecordKind.Clear) {
        // Emitted while the book still holds what it clears; the replica then drops it.
        fid = lid = id;
        if (stream.view.valid) stats.resyncs++;
        stream.clear(b.reason, b.eventTimeMs, rs, rn);
        replica.apply(b);
        prevId = -1;
        continue;
      }
      const seq0 = replica.bookSeq;
      if (!aligned(kind === RecordKind.Snapshot, rs, rn)) {
        // No scale holds it: the book is cleared and stays invalid until the next snapshot.
        if (b.seq > replica.bookSeq) replica.bookSeq = b.seq;
        if (stream.view.valid) {
          stats.resyncs++;
          fid = lid = id;
          stream.clear(ResyncReason.Precision, b.eventTimeMs, rs, rn);
        }
        book.clear();
        replica.valid = false;
        prevId = -1;
        continue;
      }
      const res = replica.apply(b);
      if (res === ReplicaResult.Applied && kind === RecordKind.Snapshot) {
        if (stats.snapshotsApplied > 0 && !stream.view.valid) stats.gapsCrossed++;
        stats.snapshotsApplied++;
        fid = lid = id;
        stream.snapshot(id, b.eventTimeMs, rs, rn);
        prevId = id;
        if (hl) opts.onApplied?.(id, id);
      } else if (res === ReplicaResult.Applied) {
        stats.applied++;
        lid = id;
        fid = spot && prevId >= 0 && id > prevId ? prevId + 1 : id;
        stream.beginBook(RecordKind.Update, id, b.eventTimeMs, rs, rn);
        if (!b.isEmpty(0)) {
          for (let i = 0; i < b.count; i++) stream.level(b.isBid(i), b.price(i), b.qty(i));
        }
        stream.end();
        prevId = id;
        opts.onApplied?.(fid, lid);
      } else if (res === ReplicaResult.Invalid && stream.view.valid) {
        // A seq jump: messages are missing, the book is not valid until the next snapshot.
        stats.resyncs++;
        fid = lid = id;
        if (++jumps <= 5) {
          warn(
            `${where}:${r.line}: book seq ${b.seq} after ${seq0}: ${b.seq - seq0 - 1} book messages ` +
              `missing; book discarded, waiting for a later snapshot`,
          );
        }
        stream.clear(ResyncReason.Gap, b.eventTimeMs, rs, rn);
        prevId = -1;
      } else {
        stats.skipped++; // before any snapshot, after a clear, or older than the last snapshot
        if (!stream.view.valid && stats.snapshotsApplied > 0) stats.linesUnreplayed++;
        stage.unchanged();
      }
    }
    if (jumps > 5) warn(`${jumps} seq jumps in total`);
    if (unheld > 5) warn(`${unheld} messages no scale could hold in total`);
    if (r.error) warn(`${where}: read error after line ${r.line}: ${r.error}`);
    else if (r.truncatedBytes > 0) {
      warn(
        `${where}: last line truncated (${r.truncatedBytes} bytes without a newline): ` +
          `replayed up to line ${r.line}, the last complete one`,
      );
    }
    if (!r.error && (await r.extraLines())) {
      warn(`${where}: records.jsonl and records.recv_ns have different line counts: replayed the shorter`);
    }
    if (stats.snapshotsApplied === 0) {
      stats.failure = `the book was never synchronized: no snapshot message in ${where}`;
    } else if (r.error) {
      stats.failure = `input lost: ${where} could not be read past line ${r.line} (${r.error})`;
    } else if (!stream.view.valid && stats.resyncs > stats.gapsCrossed) stats.endedInGap = true;
  } finally {
    await r.close();
  }
  stats.connections = m.runIds?.length ?? 0;
  stats.priceDecimals = scale.scale.priceDecimals;
  stats.qtyDecimals = scale.scale.qtyDecimals;
}
