/**
 * The steps the two replay drivers (`replay.ts` for Binance, `hyperliquid.ts`) share OUTSIDE
 * their per-line loops: set-up (stats, clock, warning sink, the capture's notes), opening and
 * closing the inputs, seeding L3 from a synced book, the end-of-input warnings and the closing
 * counters. The per-line and per-event code stays in each driver (no indirection on the hot path).
 * @module
 */
import type { L2Book } from "../venues/book.ts";
import { type Clock, systemClock } from "../engine/clock.ts";
import type { L3Book } from "./l3.ts";
import type { TradeWindow } from "./trade_window.ts";
import { LineReader } from "./lines.ts";
import { type CaptureFiles, recvPathFor, streamPaths, type Venue } from "./reader.ts";
import { Side } from "./schema.ts";
import { ReplayStats } from "./summary.ts";
import { printable, warnMalformedTotal } from "./_warn.ts";

/** The options both drivers read here (a subset of `ReplayOptions`). */
export interface DriverOptions {
  /** Clock for the elapsed time (default the system clock). */
  clock?: Clock;
  /** Called for each warning (they are also collected in the stats). */
  onWarning?: (msg: string) => void;
}

/** What {@linkcode startReplay} sets up. */
export interface DriverStart {
  /** The counters of this replay. */
  stats: ReplayStats;
  /** The clock the elapsed time is read from. */
  clock: Clock;
  /** Start time, ns (`clock.monoNs()`). */
  t0: number;
  /** Collect a warning into `stats.warnings` and pass it to `onWarning`. */
  warn: (msg: string) => void;
}

/**
 * New counters for `venue`, the start time and the warning sink (every warning made one printable
 * line: `_warn.ts`); warns the capture's notes, and once when the data file has no receive-time
 * file (every event's receive time is then 0).
 */
export function startReplay(files: CaptureFiles, opts: DriverOptions, venue: Venue): DriverStart {
  const stats = new ReplayStats();
  stats.venue = venue;
  const clock = opts.clock ?? systemClock;
  const t0 = clock.monoNs();
  const warn = (msg: string) => {
    const m = printable(msg);
    stats.warnings.push(m);
    opts.onWarning?.(m);
  };
  for (const n of files.notes) warn(n);
  if (files.diffsRecv === undefined) {
    warn(
      `no receive-time file for ${files.diffs} (expected ${recvPathFor(files.diffs)}[.gz]): ` +
        `every event's recv_time_ns is 0`,
    );
  }
  return { stats, clock, t0, warn };
}

/** Open the data file and, when the capture has one, its receive-time file. */
export async function openDiffInputs(files: CaptureFiles): Promise<[LineReader, LineReader | undefined]> {
  const dr = await LineReader.open(streamPaths(files, files.diffs), 1 << 20);
  const rr = files.diffsRecv ? await LineReader.open(streamPaths(files, files.diffsRecv)) : undefined;
  return [dr, rr];
}

/** Close every input that is open, in order. */
export async function closeInputs(...inputs: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const r of inputs) await r?.close();
}

/** Drop what L3 holds (a `Clear` per side) unless it is already empty. */
export function clearL3(l3: L3Book): void {
  if (l3.levels(Side.Bid) + l3.levels(Side.Ask) > 0) l3.clear();
}

/** One `Snapshot` event per level of `book`, bids then asks, best first. */
export function snapshotBook(l3: L3Book, book: L2Book): void {
  for (let s = 0; s < 2; s++) {
    const side = book.side(s === 0);
    for (let i = 0; i < side.size; i++) l3.snapshotLevel(s as Side, side.priceAt(i), side.qtyAt(i));
  }
}

/**
 * Warn about how the inputs ended: a read error, a truncated last line, lines from `recvLost` on
 * without a receive time (a killed capture's receive-time file may lag its data file: the lines
 * are kept), extra receive times. `what` names the data lines ("diff", "message").
 */
export async function warnInputEnd(
  files: CaptureFiles,
  dr: LineReader,
  rr: LineReader | undefined,
  recvOk: boolean,
  recvLost: number,
  lines: number,
  what: string,
  warn: (msg: string) => void,
): Promise<void> {
  // After a read error a cut last line and surplus receive times are its consequences, not news.
  if (dr.error) warn(`${files.diffs}: read error after line ${dr.lineNo}: ${dr.error}`);
  else if (dr.truncatedBytes > 0) {
    warn(
      `${files.diffs}: last line truncated (${dr.truncatedBytes} bytes without a newline): ` +
        `replayed up to line ${dr.lineNo}, the last complete one`,
    );
  }
  if (recvLost > 0) {
    warn(
      `${files.diffsRecv}: no receive time for ${what} lines ${recvLost}..${lines} ` +
        `(missing or not an integer): their recv_time_ns is 0`,
    );
  }
  if (!dr.error && rr && recvOk && (rr.next() || (await rr.nextLine()))) {
    warn(`${files.diffsRecv}: more lines than ${files.diffs} (${dr.lineNo}); extra receive times ignored`);
  }
}

/**
 * Close the trade window into the trade counters (when trades were used), give the total of
 * malformed lines when not all were quoted, and stop the clock.
 */
export function finishStats(s: DriverStart, window: TradeWindow | undefined): ReplayStats {
  const stats = s.stats;
  warnMalformedTotal(stats, s.warn);
  if (window) {
    window.clear();
    stats.tradeQtyMatched = window.matchedQty;
    stats.tradeQtyUnmatched = window.unmatchedQty;
  }
  stats.elapsedNs = s.clock.monoNs() - s.t0;
  return stats;
}
