/**
 * The replay driver (Binance; a Hyperliquid capture is handed to `hyperliquid.ts`): a capture
 * through the SAME parse (`venues/binance/parse.ts`), sync
 * (`venues/binance/sync.ts` `BookSync`) and book (`venues/book.ts`) code as live, then L3
 * inference (`l3.ts`) into an {@linkcode EventSink}.
 *
 * - Streams every input line by line (memory flat in the file size; `.gz` supported).
 * - Snapshots are fed the way live fetches them: when `BookSync.needsSnapshot` says so, the next
 *   unused snapshot whose `diffLinesBefore` has been reached is parsed and applied; a stale one is
 *   skipped with a warning and the next is tried. So resyncs are crossed with the capture's
 *   extra snapshots.
 * - On a snapshot, L3 gets one `Snapshot` event per level of the synced book (the snapshot plus
 *   any buffered diffs BookSync applied with it). On a resync, `Clear` events; if no later
 *   snapshot crosses the gap the replay WARNS (at the gap and at the end) and counts the lines
 *   it could not replay.
 * - Trades (optional) are merged by time: before a diff with event time `E`, every trade with
 *   `T <= E + afterMs` enters the trade window (`trade_window.ts`); decreases then match them by
 *   time, price and side.
 * - L3 inference runs behind an `L3Stage` (`_stage.ts`): on this thread for
 *   {@linkcode replayCapture}, or in a Worker fed through an SPSC ring (`_pipe_stage.ts`) for the
 *   two-thread replay; the driver below is the same for both.
 * - A truncated last line (a killed capture) is never parsed: replay stops at the last complete
 *   line and warns. Malformed lines are counted and warned about (the first few verbatim).
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { FrameKind, ParsedFrame, parseFrameInPlace } from "../venues/binance/parse.ts";
import { BookSync, DiffResult, SnapshotResult } from "../venues/binance/sync.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import type { Clock } from "../engine/clock.ts";
import type { CancelModel } from "./l3.ts";
import { type LineReader, NsTime, parseNs } from "./lines.ts";
import { type CaptureFiles, streamPaths } from "./reader.ts";
import type { EventSink } from "./schema.ts";
import type { ReplayStats } from "./summary.ts";
import { readSnapshot } from "./_snapshot.ts";
import { TradeFeed } from "./_trade_feed.ts";
import { warnMalformed } from "./_warn.ts";
import { replayHyperliquid } from "./hyperliquid.ts";
import { binanceFailure } from "./_diagnose.ts";
import { captureMarket } from "./_market.ts";
import { ResyncReason } from "../engine/events.ts";
import { fastDepthLine } from "./_fast_frame.ts";
import {
  closeInputs,
  type DriverStart,
  finishStats,
  openDiffInputs,
  startReplay,
  warnInputEnd,
} from "./_driver.ts";
import { type L3Stage, LocalStage } from "./_stage.ts";
import { TRADE_WINDOW_AFTER_MS, type TradeWindowOptions } from "./trade_window.ts";

/** Options of {@linkcode replayCapture}. */
export interface ReplayOptions {
  /** Where events go. */
  sink: EventSink;
  /** Cancel model (default "tail"). */
  cancelModel?: CancelModel;
  /** Use the trades file for fill attribution (default: true when the capture has one). */
  useTrades?: boolean;
  /** Clock for the elapsed time (default the system clock). */
  clock?: Clock;
  /** Called for each warning (they are also collected in the stats). */
  onWarning?: (msg: string) => void;
  /** Called every {@linkcode ReplayOptions.progressEvery} diff lines (e.g. a terminal progress line). */
  onProgress?: (stats: ReplayStats) => void;
  /** Diff lines between progress calls (default 4096). */
  progressEvery?: number;
  /**
   * Called after every applied diff with its `U` and `u` (e.g. for accuracy scoring). Hyperliquid:
   * after every l2Book of the replayed coin (snapshot or diffed), with its `time` (ms) twice.
   */
  onApplied?: (firstId: number, lastId: number) => void;
  /** The trade matching window, ms before and after each update's event time (`trade_window.ts`). */
  tradeWindow?: TradeWindowOptions;
}

/** Replay `files` into `opts.sink`. Returns the counters (warnings included). */
export async function replayCapture(files: CaptureFiles, opts: ReplayOptions): Promise<ReplayStats> {
  if (files.venue === "hyperliquid") return replayHyperliquid(files, opts);
  const run = startReplay(files, opts, "binance");
  const useTrades = (opts.useTrades ?? true) && files.trades !== undefined;
  const stage = new LocalStage(
    opts.sink,
    opts.cancelModel ?? "tail",
    useTrades,
    run.stats.events,
    opts.tradeWindow,
  );
  return await replayBinance(files, opts, run, stage);
}

/**
 * The Binance driver: reads, parses and syncs on this thread and tells `stage` what happened
 * (see `_stage.ts`). `stage.trades` decides whether the trades file is read. Closes the inputs
 * and always finishes the stage (so a Worker stage is never left waiting), then fills the
 * closing counters from its totals.
 */
export async function replayBinance(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  stage: L3Stage,
): Promise<ReplayStats> {
  const { stats, warn } = run;
  const book = new L2Book(4096);
  const sync = new BookSync(book, { rules: await captureMarket(files) });
  const window = stage.trades;
  const frame = new ParsedFrame(1024);
  const diff: DepthDiff = frame.diff;
  const recv = new NsTime();
  const every = opts.progressEvery ?? 4096;
  const afterMs = opts.tradeWindow?.afterMs ?? TRADE_WINDOW_AFTER_MS;
  // The receive time events carry (what `stage.setRecv` last got).
  let recvSec = 0;
  let recvSubNs = 0;

  let finished = false;
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

  // Feed snapshots while BookSync wants one and one is due. Emits Snapshot events on success.
  const feedSnapshots = async (final: boolean): Promise<void> => {
    while (sync.needsSnapshot && nextSnap < files.snapshots.length) {
      const ref = files.snapshots[nextSnap]!;
      if (!final && ref.diffLinesBefore > stats.diffLines) return;
      nextSnap++;
      const snap = await readSnapshot(ref.path);
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
      stage.snapshot(book, recvSec, recvSubNs);
    }
  };

  try {
    [dr, rr] = await openDiffInputs(files);
    recvOk = rr !== undefined;
    if (window) trades = await TradeFeed.open(streamPaths(files, files.trades!));
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
        stage.setRecv(recvSec, recvSubNs);
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
        while (!trades.pull(diff.eventTimeMs + afterMs, window!, stats, warn)) await trades.refill(warn);
      }
      const bb0 = book.bids.bestPrice();
      const ba0 = book.asks.bestPrice();
      const id0 = book.updateId;
      const bridged0 = sync.isSynced;
      if (stats.depthFrames === 1) firstId = diff.firstId;
      lastId = diff.lastId;
      const res = sync.onDiff(diff);
      if (res === DiffResult.Applied) {
        stats.applied++;
        stage.applied(diff, bb0, ba0, book.bids.bestPrice(), book.asks.bestPrice());
        opts.onApplied?.(diff.firstId, diff.lastId);
      } else if (res === DiffResult.Resync) {
        stats.resyncs++;
        gapLine = dr.lineNo;
        gapId = diff.firstId;
        stage.resync(diff.lastId, diff.eventTimeMs);
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
    if (trades) { while (!trades.pull(Infinity, window!, stats, warn)) await trades.refill(warn); }
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
    finished = true;
  } finally {
    await closeInputs(dr, rr, trades);
    // On an error the stage is still finished (a Worker stage then stops), but the error wins.
    if (!finished) await stage.finish().catch(() => {});
  }
  const totals = await stage.finish();
  for (let k = 0; k < stats.events.length; k++) stats.events[k] = totals.events[k]!;
  if (window) {
    stats.tradeQtyMatched = totals.tradeQtyMatched;
    stats.tradeQtyUnmatched = totals.tradeQtyUnmatched;
  }
  return finishStats(run, undefined);
}
