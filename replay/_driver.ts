/**
 * The steps the venue adapters of the replay driver (`_binance_source.ts`, `_hl_source.ts`) share
 * OUTSIDE their per-line loops: set-up (stats, clock, warning sink, the capture's notes), opening
 * and closing the inputs, the end-of-input warnings and the closing counters. The per-line code
 * stays in each adapter (no indirection on the hot path).
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { LineReader } from "./lines.ts";
import { type CaptureFiles, recvPathFor, streamPaths, type Venue } from "./reader.ts";
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

/** Give the total of malformed lines when not all were quoted, and stop the clock. */
export function finishStats(s: DriverStart): ReplayStats {
  const stats = s.stats;
  warnMalformedTotal(stats, s.warn);
  stats.elapsedNs = s.clock.monoNs() - s.t0;
  return stats;
}
