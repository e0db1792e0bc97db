/**
 * The one replay driver, for every venue: a venue adapter turns the capture into the SAME
 * normalized records as live (`_binance_source.ts`: parse + `BookSync` + `emitDepthDiff`;
 * `_hl_source.ts`: `HlParser` + `BookDiffer` at the capture's precision), and one consumer
 * ({@linkcode RecordL3}, `record_l3.ts`) turns the records into L3 events: trade window, fill
 * attribution, L3 inference, the {@linkcode EventSink}.
 *
 * The consumer runs behind an `L3Stage` (`_stage.ts`): on this thread for
 * {@linkcode replayCapture}, or in a Worker fed through an SPSC ring of records for the two-thread
 * replay (`pipeline.ts`); adapters and consumer are the same for both, so are the bytes written.
 * What each venue's capture means (snapshots, resyncs, reconnects, trades merged by time) is in
 * its adapter's doc; what each record becomes, in `record_l3.ts`.
 * @module
 */
import type { Clock } from "../engine/clock.ts";
import type { MarketStream } from "../market/stream.ts";
import type { CancelModel } from "./l3.ts";
import type { CaptureFiles } from "./reader.ts";
import type { EventSink } from "./schema.ts";
import type { ReplayStats } from "./summary.ts";
import { type DriverStart, finishStats, startReplay } from "./_driver.ts";
import { type CaptureSource, type L3Stage, LocalStage } from "./_stage.ts";
import type { TradeWindowOptions } from "./trade_window.ts";
import { openBinance } from "./_binance_source.ts";
import { openHyperliquid } from "./_hl_source.ts";

export type { RecordL3 } from "./record_l3.ts";

/** Options of {@linkcode replayCapture}. */
export interface ReplayOptions {
  /** Where events go. */
  sink: EventSink;
  /** Cancel model (default "tail"). */
  cancelModel?: CancelModel;
  /** Use the trades for fill attribution (default: true when the capture has any). */
  useTrades?: boolean;
  /** Clock for the elapsed time (default the system clock). */
  clock?: Clock;
  /** Called for each warning (they are also collected in the stats). */
  onWarning?: (msg: string) => void;
  /** Called every {@linkcode ReplayOptions.progressEvery} data lines (e.g. a terminal progress line). */
  onProgress?: (stats: ReplayStats) => void;
  /** Data lines between progress calls (default 4096). */
  progressEvery?: number;
  /**
   * Called after every applied diff with its `U` and `u` (e.g. for accuracy scoring). Hyperliquid:
   * after every l2Book of the replayed coin (snapshot or diffed), with its `time` (ms) twice.
   */
  onApplied?: (firstId: number, lastId: number) => void;
  /** The trade matching window, ms before and after each update's event time (`trade_window.ts`). */
  tradeWindow?: TradeWindowOptions;
  /**
   * Called once with the instrument's normalized stream before its first message (add sinks or
   * subscribers: `--publish`, tests); awaited.
   */
  onStream?: (stream: MarketStream) => Promise<void> | void;
  /**
   * Called before each data line with its receive time (0 when unknown); a promise returned is
   * awaited first (`--pace recorded`, a full publish ring: `publish.ts`).
   */
  beforeLine?: (recvSec: number, recvSubNs: number) => Promise<void> | undefined;
}

/** Open `files` with its venue's adapter (trades read when `wantTrades` and the capture has any). */
export function openCapture(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  wantTrades: boolean,
): Promise<CaptureSource> {
  return files.venue === "hyperliquid"
    ? openHyperliquid(files, opts, run, wantTrades)
    : openBinance(files, opts, run, wantTrades);
}

/**
 * Read `source` into `stage` and finish it (always: a Worker stage is never left waiting), then
 * fill the closing counters from its totals.
 */
export async function runStage(
  source: CaptureSource,
  run: DriverStart,
  stage: L3Stage,
): Promise<ReplayStats> {
  const stats = run.stats;
  try {
    await source.read(stage);
  } catch (e) {
    // On an error the stage is still finished (a Worker stage then stops), but the error wins.
    await stage.finish().catch(() => {});
    throw e;
  }
  const totals = await stage.finish();
  for (let k = 0; k < stats.events.length; k++) stats.events[k] = totals.events[k]!;
  if (source.useTrades) {
    stats.tradeQtyMatched = totals.tradeQtyMatched;
    stats.tradeQtyUnmatched = totals.tradeQtyUnmatched;
  }
  return finishStats(run);
}

/** Replay `files` (either venue) into `opts.sink` on this thread. Returns the counters (warnings included). */
export async function replayCapture(files: CaptureFiles, opts: ReplayOptions): Promise<ReplayStats> {
  const run = startReplay(files, opts, files.venue === "hyperliquid" ? "hyperliquid" : "binance");
  const source = await openCapture(files, opts, run, opts.useTrades ?? true);
  const stage = new LocalStage(opts.sink, {
    cancelModel: opts.cancelModel,
    useTrades: source.useTrades,
    events: run.stats.events,
    tradeWindow: opts.tradeWindow,
  });
  return await runStage(source, run, stage);
}
