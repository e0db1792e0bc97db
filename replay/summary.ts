/**
 * Replay counters and the closing summary printed on stderr.
 * @module
 */
import { type EventSink, type InferredEvent, KIND_NAMES } from "./schema.ts";
import type { Venue } from "./reader.ts";

/** Names of Hyperliquid level-change kinds, indexed as `venues/hyperliquid/diff.ts` `LevelChange`. */
const HL_CHANGE_NAMES = ["none", "insert", "change", "delete", "exit", "enter"];

/**
 * Counters of one replay. For Hyperliquid the diff counters mean: `diffLines` = message lines,
 * `depthFrames` = l2Book frames of the replayed coin, `applied` = books diffed against the
 * previous one, `skipped` = books of another coin, `unknown` = other frames (trades, pong, …).
 */
export class ReplayStats {
  /** The venue replayed. */
  venue: Venue = "binance";
  /** Complete diff lines read. */
  diffLines = 0;
  /** Depth frames parsed. */
  depthFrames = 0;
  /** Diffs applied to the book. */
  applied = 0;
  /** Diffs skipped as stale (`u <= book id`). */
  skipped = 0;
  /** Hyperliquid: connections seen (each starts with a fresh snapshot). */
  connections = 0;
  /** Hyperliquid: diffed books identical to the previous one. */
  unchanged = 0;
  /** Hyperliquid: level changes by `LevelChange` code (none, insert, change, delete, exit, enter). */
  levelChanges: number[] = [0, 0, 0, 0, 0, 0];
  /** Trades at or before the time of the snapshot they precede (already in the book): not matched. */
  tradesBeforeBook = 0;
  /** Hyperliquid: trades finer than the book's scale (no level can be at them): not matched. */
  tradesUnscaled = 0;
  /** Hyperliquid: rescales of the instrument (a value the scale in force could not hold). */
  rescales = 0;
  /** Diffs buffered while waiting for a snapshot. */
  buffered = 0;
  /** Lines that were not valid frames. */
  malformed = 0;
  /** Valid frames of another kind (ignored). */
  unknown = 0;
  /** Complete trade lines read. */
  tradeLines = 0;
  /** Trades parsed. */
  trades = 0;
  /** Trade quantity matched to decreases as fills, lots. */
  tradeQtyMatched = 0;
  /** Trade quantity never matched, lots. */
  tradeQtyUnmatched = 0;
  /** Prices of the events are integers × 10^priceDecimals (the capture's scale). */
  priceDecimals = 8;
  /** Quantities of the events are integers × 10^qtyDecimals. */
  qtyDecimals = 8;
  /** Snapshots applied. */
  snapshotsApplied = 0;
  /** Snapshot files not used (stale, unreadable, or never needed). */
  snapshotsUnused = 0;
  /** Times the book was discarded (gap, no bridge, crossed). */
  resyncs = 0;
  /** Resyncs recovered from: a later snapshot rebuilt the book after the gap. */
  gapsCrossed = 0;
  /** True when the replay ended with a gap it could not cross. */
  endedInGap = false;
  /** Diff lines read while the book was not usable (after an uncrossed gap). */
  linesUnreplayed = 0;
  /** Events written, by {@linkcode InferredKind}. */
  events: number[] = [0, 0, 0, 0, 0];
  /** Bytes of diff input read (uncompressed). */
  diffBytes = 0;
  /** Elapsed wall time, ns (from the replay's Clock). */
  elapsedNs = 0;
  /** Warnings issued (also passed to `onWarning`). */
  warnings: string[] = [];
  /**
   * Why the replay failed, one line (the book was never synchronized, a gap was never recovered
   * from, or input was lost to a read error); undefined when it did not. The CLI exits 1 on it.
   */
  failure: string | undefined;

  /** Total events written. */
  get totalEvents(): number {
    let s = 0;
    for (const n of this.events) s += n;
    return s;
  }
}

/** An {@linkcode EventSink} that counts events by kind into `stats` and forwards them. */
export class CountingSink implements EventSink {
  readonly #inner: EventSink;
  readonly #counts: number[];
  /** Count into `stats.events`, forward to `inner`. */
  constructor(inner: EventSink, stats: ReplayStats) {
    this.#inner = inner;
    this.#counts = stats.events;
  }
  /** Count and forward. */
  write(ev: InferredEvent): void {
    this.#counts[ev.kind]!++;
    this.#inner.write(ev);
  }
}

/** A sink that forwards every event to several sinks (e.g. a writer and an accuracy collector). */
export class TeeSink implements EventSink {
  readonly #sinks: EventSink[];
  /** Forward to each of `sinks`, in order. */
  constructor(...sinks: EventSink[]) {
    this.#sinks = sinks;
  }
  /** Forward. */
  write(ev: InferredEvent): void {
    for (let i = 0; i < this.#sinks.length; i++) this.#sinks[i]!.write(ev);
  }
}

/** A sink that drops every event. */
export const NULL_SINK: EventSink = { write: () => {} };

/** `n` and `word`, the word in the plural unless `n` is 1 (`plural` given, or `word` + "s"). */
export function count(n: number, word: string, plural = word + "s"): string {
  return `${n} ${n === 1 ? word : plural}`;
}

function rate(n: number, ns: number): string {
  if (ns <= 0) return "-";
  const r = (n * 1e9) / ns;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}

/** The last two summary lines of either venue: events by kind, then timings over `messages` lines. */
function formatTail(s: ReplayStats, messages: number): string {
  const ms = s.elapsedNs / 1e6;
  const kinds = KIND_NAMES.map((k, i) => `${k}=${s.events[i]}`).join(" ");
  return `replay: events ${s.totalEvents} (${kinds})\n` +
    `replay: ${ms.toFixed(1)} ms, ${rate(messages, s.elapsedNs)} msg/s, ` +
    `${rate(s.totalEvents, s.elapsedNs)} events/s, ${(s.diffBytes / 1e6 / (ms / 1e3 || 1)).toFixed(1)} MB/s` +
    (s.warnings.length > 0 ? `, ${count(s.warnings.length, "warning")}` : "");
}

/** The closing summary, several lines, for stderr. Allocates. */
export function formatSummary(s: ReplayStats): string {
  if (s.venue === "hyperliquid") return formatHl(s);
  return [
    `replay: ${s.diffLines} diff lines (${s.depthFrames} depth frames: ${s.applied} applied, ${s.skipped} skipped, ` +
    `${s.buffered} buffered), ${s.malformed} malformed, ${s.unknown} other`,
    tradeLine(s, ""),
    `replay: snapshots applied=${s.snapshotsApplied} unused=${s.snapshotsUnused}; gaps/resyncs=${s.resyncs} ` +
    `recovered=${s.gapsCrossed}; scale 10^-${s.priceDecimals} / 10^-${s.qtyDecimals}${
      s.endedInGap ? ` ENDED IN GAP (${count(s.linesUnreplayed, "line")} not replayed)` : ""
    }`,
    formatTail(s, s.diffLines + s.tradeLines),
  ].join("\n");
}

// Trades: lines, trades, and the traded quantity matched to decreases as fills or not.
function tradeLine(s: ReplayStats, extra: string): string {
  if (s.tradeLines === 0) return "replay: no trades read";
  return `replay: ${count(s.tradeLines, "trade line")}, ${
    count(s.trades, "trade")
  }${extra}; traded quantity ` +
    `matched to fills ${s.tradeQtyMatched / 10 ** s.qtyDecimals}, unmatched ${
      s.tradeQtyUnmatched / 10 ** s.qtyDecimals
    }`;
}

function formatHl(s: ReplayStats): string {
  const changes = HL_CHANGE_NAMES.slice(1).map((k, i) => `${k}=${s.levelChanges[i + 1]}`).join(" ");
  return [
    `replay: hyperliquid: ${s.diffLines} message lines (${s.depthFrames} l2Book: ${
      count(s.snapshotsApplied, "snapshot")
    }, ` +
    `${s.applied} diffed, ${s.unchanged} unchanged; ${s.skipped} of another coin), ${s.malformed} malformed, ` +
    `${s.unknown} other`,
    `replay: level changes ${changes}`,
    tradeLine(
      s,
      ` (${s.tradesBeforeBook} before a snapshot${
        s.tradesUnscaled > 0 ? `, ${s.tradesUnscaled} finer than the book's scale` : ""
      })`,
    ),
    `replay: connections=${s.connections} (each starts with a fresh snapshot)` +
    (s.rescales > 0
      ? `; rescaled ${
        count(s.rescales, "time")
      } (each restarts the book): now 10^-${s.priceDecimals} / 10^-${s.qtyDecimals}`
      : ""),
    formatTail(s, s.diffLines),
  ].join("\n");
}
