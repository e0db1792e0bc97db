/**
 * Private: the Binance adapter of the one replay driver — how a Binance capture becomes
 * normalized records. The capture goes through the SAME code as live: parse
 * (`venues/binance/parse.ts`, with the replay's fast line path), sync (`BookSync`), book
 * (`L2Book`) and emission (`MarketStream`, `emitDepthDiff`), and every message goes to the
 * stage (`_stage.ts`) with its context (`_context.ts`).
 *
 * - Streams every input line by line (memory flat in the file size; `.gz` supported).
 * - Snapshots are fed the way live fetches them: when `BookSync.needsSnapshot` says so, the next
 *   unused snapshot whose `diffLinesBefore` has been reached is parsed and applied; a stale one is
 *   skipped with a warning and the next is tried. So resyncs are crossed with the capture's
 *   extra snapshots. An applied snapshot is one `snapshot` message (the snapshot plus any buffered
 *   diffs BookSync applied with it); a resync a `clear`. If no later snapshot crosses the gap the
 *   replay WARNS (at the gap and at the end) and counts the lines it could not replay.
 * - Trades (when the stage matches them) are merged by time: before a diff with event time `E`,
 *   every trade with `T <= E + afterMs` is emitted as a `trade` message at its trade time `T`.
 * - A truncated last line (a killed capture) is never parsed: replay stops at the last complete
 *   line and warns. Malformed lines are counted and warned about (the first few verbatim).
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { FrameKind, ParsedFrame, parseFrameInPlace } from "../venues/binance/parse.ts";
import { BookSync, DiffResult, SnapshotResult } from "../venues/binance/sync.ts";
import { emitDepthDiff } from "../venues/binance/emit.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import { MarketStream } from "../market/stream.ts";
import { ResyncReason } from "../engine/events.ts";
import { type LineReader, NsTime, parseNs } from "./lines.ts";
import { type CaptureFiles, captureScale, streamPaths } from "./reader.ts";
import type { ReplayOptions } from "./replay.ts";
import { readSnapshot } from "./_snapshot.ts";
import { TradeFeed, type TradeTarget } from "./_trade_feed.ts";
import { warnMalformed } from "./_warn.ts";
import { binanceFailure } from "./_diagnose.ts";
import { captureMarket } from "./_market.ts";
import { fastDepthLine } from "./_fast_frame.ts";
import { closeInputs, type DriverStart, openDiffInputs, warnInputEnd } from "./_driver.ts";
import type { CaptureSource, L3Stage } from "./_stage.ts";
import { ContextTracker } from "./_context.ts";
import { TRADE_WINDOW_AFTER_MS } from "./trade_window.ts";

/**
 * Open the Binance capture `files`: trades are read when `wantTrades` and the capture has a trades
 * file. Its `read` puts the capture into a stage, filling `run.stats` (all but the event and trade
 * totals, which the stage gives at the end), and closes the inputs; it does not finish the stage.
 */
export function openBinance(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  wantTrades: boolean,
): Promise<CaptureSource> {
  const useTrades = wantTrades && files.trades !== undefined;
  return Promise.resolve({ useTrades, read: (stage) => readBinance(files, opts, run, stage) });
}

async function readBinance(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  stage: L3Stage,
): Promise<void> {
  const { stats, warn } = run;
  const { rules, symbol } = await captureMarket(files);
  const book = new L2Book(4096);
  const sync = new BookSync(book, { rules });
  // The capture's scale (metadata.json), for the frames, the snapshots and the trades alike.
  const scale = captureScale(files);
  const inst = new InstrumentTable().add("binance", rules, symbol, scale.priceDecimals, scale.qtyDecimals);
  const stream = new MarketStream(inst, book);
  const tracker = new ContextTracker(book);
  // The ids of the venue message being emitted (the context of its records).
  let fid = 0;
  let lid = 0;
  const sink = {
    write(batch: RecordBatch): void {
      if (batch.messageKind !== RecordKind.Trade) tracker.update(fid, lid, fid === lid);
      stage.write(batch, tracker.ctx);
    },
  };
  // Direct path (set once the stream's listeners are known): see the applied-diff branch.
  let direct = false;
  const frame = new ParsedFrame(1024);
  frame.priceDecimals = stats.priceDecimals = scale.priceDecimals;
  frame.qtyDecimals = stats.qtyDecimals = scale.qtyDecimals;
  const diff: DepthDiff = frame.diff;
  const recv = new NsTime();
  const every = opts.progressEvery ?? 4096;
  const afterMs = opts.tradeWindow?.afterMs ?? TRADE_WINDOW_AFTER_MS;
  // The receive time of the message at hand (the diff line's; a snapshot's own when known).
  let recvSec = 0;
  let recvSubNs = 0;
  // Trades become `trade` messages at their trade time.
  const tradeTarget: TradeTarget = {
    push(price: number, qty: number, bidConsumed: boolean, timeMs: number, id: number): void {
      stream.trade(price, qty, !bidConsumed, id, timeMs, recvSec, recvSubNs);
    },
  };

  let dr: LineReader | undefined;
  let rr: LineReader | undefined;
  let trades: TradeFeed | undefined;
  let nextSnap = 0;
  let gapLine = 0;
  let gapId = 0;
  let hadSync = false; // a snapshot was applied
  let firstId = 0; // U of the first depth frame
  let lastId = 0; // u of the last one
  let snapshotId = 0; // lastUpdateId of the last snapshot applied
  let recvOk = false;
  let recvLost = 0; // first diff line without a receive time

  // Feed snapshots while BookSync wants one and one is due. Emits a snapshot message on success.
  const feedSnapshots = async (final: boolean): Promise<void> => {
    while (sync.needsSnapshot && nextSnap < files.snapshots.length) {
      const ref = files.snapshots[nextSnap]!;
      if (!final && ref.diffLinesBefore > stats.diffLines) return;
      nextSnap++;
      const snap = await readSnapshot(ref.path, scale.priceDecimals, scale.qtyDecimals);
      if (typeof snap === "string") {
        stats.snapshotsUnused++;
        warn(`snapshot ${ref.path} unusable: ${snap}`);
        continue;
      }
      sync.snapshotRequested();
      const res = sync.onSnapshot(snap);
      if (res === SnapshotResult.Stale) {
        stats.snapshotsUnused++;
        warn(
          `snapshot ${ref.path} (lastUpdateId ${snap.lastUpdateId}) is older than the buffered diffs: skipped`,
        );
        continue;
      }
      if (res !== SnapshotResult.Applied) {
        stats.snapshotsUnused++;
        warn(
          `snapshot ${ref.path} (lastUpdateId ${snap.lastUpdateId}) does not bridge the buffered diffs: ` +
            `discarded, waiting for a later one`,
        );
        continue;
      }
      stats.snapshotsApplied++;
      snapshotId = snap.lastUpdateId;
      if (hadSync) stats.gapsCrossed++;
      hadSync = true;
      // Receive time: the REST response's (metadata.json) when known, else the current one.
      if (ref.recvNs !== undefined) {
        const b = new TextEncoder().encode(ref.recvNs);
        if (parseNs(b, 0, b.length, recv)) {
          recvSec = recv.sec;
          recvSubNs = recv.subNs;
        }
      }
      fid = lid = book.updateId;
      stream.snapshot(book.updateId, 0, recvSec, recvSubNs);
    }
  };

  const before = opts.beforeLine;
  try {
    await opts.onStream?.(stream);
    direct = !stream.active && stage.updateLevels !== undefined;
    stream.addSink(sink);
    [dr, rr] = await openDiffInputs(files);
    recvOk = rr !== undefined;
    if (stage.useTrades) trades = await TradeFeed.open(streamPaths(files, files.trades!), scale);
    // Direct path: trades straight into the stage's trade window (the `trade` records skipped).
    const target = direct && stage.tradeTarget !== undefined ? stage.tradeTarget : tradeTarget;
    for (;;) {
      // Binance's exact line shape parses (and finds its end) on the fast path; anything else is
      // read as a line and goes through the general scanner, which decides.
      const nl = fastDepthLine(dr.buf, dr.cursor, dr.filled, frame);
      if (nl >= 0) dr.advanceTo(nl);
      else if (!(dr.next() || (await dr.nextLine()))) break;
      stats.diffLines++;
      stats.diffBytes += dr.end - dr.start + 1;
      if (recvOk) {
        if ((rr!.next() || (await rr!.nextLine())) && parseNs(rr!.buf, rr!.start, rr!.end, recv)) {
          recvSec = recv.sec;
          recvSubNs = recv.subNs;
        } else {
          recvOk = false;
          recvSec = recvSubNs = 0;
          recvLost = stats.diffLines;
        }
      }
      if (before !== undefined) {
        const p = before(recvSec, recvSubNs);
        if (p !== undefined) await p;
      }
      if (stats.diffLines % every === 0) opts.onProgress?.(stats);
      const kind = nl >= 0 ? FrameKind.Depth : parseFrameInPlace(dr.buf, dr.start, dr.end, frame);
      if (kind !== FrameKind.Depth) {
        if (kind === FrameKind.Malformed) {
          const why = `malformed frame (${frame.reason})`;
          warnMalformed(stats, warn, `${files.diffs}:${dr.lineNo}`, why, dr.buf, dr.start, dr.end);
        } else stats.unknown++;
        continue;
      }
      stats.depthFrames++;
      if (trades) {
        while (!trades.pull(diff.eventTimeMs + afterMs, target, stats, warn)) await trades.refill(warn);
      }
      const id0 = book.updateId;
      const bridged0 = sync.isSynced;
      if (stats.depthFrames === 1) firstId = diff.firstId;
      lastId = diff.lastId;
      const res = sync.onDiff(diff);
      if (res === DiffResult.Applied) {
        stats.applied++;
        fid = diff.firstId;
        lid = diff.lastId;
        if (direct) {
          // Nothing but the stage listens: the update's header only (its seq taken), and the
          // stage reads the levels from the diff the records would copy them from.
          stream.beginBook(RecordKind.Update, diff.lastId, diff.eventTimeMs, recvSec, recvSubNs);
          stage.updateLevels!(stream.batch, tracker.update(fid, lid, fid === lid), diff);
        } else emitDepthDiff(stream, diff, recvSec, recvSubNs);
        opts.onApplied?.(diff.firstId, diff.lastId);
      } else if (res === DiffResult.Resync) {
        stats.resyncs++;
        gapLine = dr.lineNo;
        gapId = diff.firstId;
        fid = diff.firstId;
        lid = diff.lastId;
        // The book was valid: a `clear`; else nothing to clear, but pending trades expire.
        if (stream.view.valid) stream.clear(sync.lastResyncReason, diff.eventTimeMs, recvSec, recvSubNs);
        else stage.dropTrades();
        const why = sync.lastResyncReason === ResyncReason.Crossed
          ? "the book crossed (best bid >= best ask) after it"
          : bridged0
          ? `gap in update ids (the book was at ${id0})`
          : `it does not bridge the snapshot (lastUpdateId ${id0})`;
        warn(
          `${files.diffs}:${dr.lineNo}: book discarded at update id ${diff.firstId}: ${why}; ` +
            `waiting for a later snapshot`,
        );
      } else {
        if (res === DiffResult.Skipped) stats.skipped++;
        else {
          stats.buffered++;
          if (hadSync && !sync.isSynced) stats.linesUnreplayed++;
        }
        stage.unchanged();
      }
      if (sync.needsSnapshot) await feedSnapshots(false);
    }
    if (sync.needsSnapshot) await feedSnapshots(true);
    // Trades after the last diff: read them so they are counted (as unmatched).
    if (trades) { while (!trades.pull(Infinity, target, stats, warn)) await trades.refill(warn); }
    stats.snapshotsUnused += files.snapshots.length - nextSnap;
    await warnInputEnd(files, dr, rr, recvOk, recvLost, stats.diffLines, "diff", warn);
    // Ever synchronized: a diff was applied after a snapshot (from the buffer or live).
    const everSynced = sync.applied > 0;
    let gap: string | undefined;
    if (everSynced && !sync.isSynced && stats.resyncs > stats.gapsCrossed) {
      stats.endedInGap = true;
      gap = `gap at update id ${gapId} (line ${gapLine}) was not recovered from (no later snapshot): ` +
        `${stats.linesUnreplayed} diff lines after it were not replayed`;
    } else if (everSynced && !sync.isSynced) {
      warn(
        `the last snapshot (lastUpdateId ${book.updateId}) was never bridged by a diff: ` +
          `no diff reached past it, so the events after it are missing`,
      );
    }
    const lostIn = dr.error ? dr : trades?.error ? trades : undefined;
    stats.failure = await binanceFailure(files, stats, {
      everSynced,
      snapshotId,
      firstId,
      lastId,
      gap,
      lost: lostIn && `${lostIn.path} could not be read past line ${lostIn.lineNo} (${lostIn.error})`,
    });
  } finally {
    await closeInputs(dr, rr, trades);
  }
}
