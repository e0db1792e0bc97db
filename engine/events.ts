/**
 * The logger event schema: event kinds, resync reasons and the fixed binary record layout
 * shared by the producer (`Logger`) and the logger Worker.
 *
 * Record layout (little-endian, `RECORD_SIZE` bytes):
 * | offset | type | field |
 * |---|---|---|
 * | 0 | u8 | kind ({@linkcode EventKind}) |
 * | 1 | u8 | flags (bit 0: text was truncated) |
 * | 2 | u16 | source id (interned name, 0 = none) |
 * | 4 | u16 | label id (interned name, 0 = none) |
 * | 6 | u16 | text length in bytes |
 * | 8 | f64 | monotonic time, ns ({@linkcode Clock.monoNs}) |
 * | 16..63 | 6 × f64 | numeric fields a–f, meaning per kind (see {@linkcode EventKind}) |
 * | 64.. | bytes | UTF-8 text, at most `RECORD_SIZE - 64` bytes |
 * @module
 */
import type { Clock } from "./clock.ts";

/**
 * Event kinds. Numeric fields per kind:
 * - `EngineStarted`/`EngineStopped`: source = handler.
 * - `Connected`: text = URL. `Disconnected`: a = close code, text = reason.
 * - `Reconnecting`: a = attempt, b = delay ms.
 * - `Subscribed`: text = subscription.
 * - `SnapshotApplied`: a = bid levels, b = ask levels, c = update id.
 * - `Synchronized`: a = update id, b = buffered diffs applied.
 * - `Resync`: a = {@linkcode ResyncReason}, b = expected update id, c = received, text = detail.
 * - `DiffStats`: a = received, b = applied, c = skipped (stale), d = levels changed, e = last update id.
 * - `Latency`: label = what was timed, a = value ns.
 * - `LatencySummary`: label, a = count, b = p50, c = p90, d = p99, e = p99.9, f = max (ns).
 * - `MetricsFlushed`: a = events seen by the logger so far.
 * - `QueueDepth`: a = depth, b = capacity, c = dropped.
 * - `Counter`: label, a = value.
 * - `Warning`/`Error`/`Info`: text.
 * - `Shutdown`: the producer's last record.
 * - `Intern`: a = id, text = the name (internal: teaches the Worker a name).
 * - `IoStats`: a = bytes received, b = capture bytes written, c = REST weight spent (all
 *   cumulative); metrics only, printed with `--verbose`.
 */
export const EventKind = {
  EngineStarted: 1,
  EngineStopped: 2,
  Connected: 3,
  Disconnected: 4,
  Reconnecting: 5,
  Subscribed: 6,
  SnapshotApplied: 7,
  Synchronized: 8,
  Resync: 9,
  DiffStats: 10,
  Latency: 11,
  LatencySummary: 12,
  MetricsFlushed: 13,
  QueueDepth: 14,
  Counter: 15,
  Warning: 16,
  Error: 17,
  Info: 18,
  Shutdown: 19,
  Intern: 20,
  IoStats: 21,
} as const;

/** A value of {@linkcode EventKind}. */
export type EventKind = typeof EventKind[keyof typeof EventKind];

/** Snake-case names of the event kinds, as used in JSONL output. Index by kind. */
export const EVENT_NAMES: readonly string[] = [
  "unknown",
  "engine_started",
  "engine_stopped",
  "connected",
  "disconnected",
  "reconnecting",
  "subscribed",
  "snapshot_applied",
  "synchronized",
  "resync",
  "diff_stats",
  "latency",
  "latency_summary",
  "metrics_flushed",
  "queue_depth",
  "counter",
  "warning",
  "error",
  "info",
  "shutdown",
  "intern",
  "io_stats",
];

/** Why a book was resynchronised (field `a` of a `Resync` event). */
export const ResyncReason = {
  /** A diff's first update id skipped past the book's update id + 1. */
  Gap: 1,
  /** The snapshot was older than the first buffered diff. */
  StaleSnapshot: 2,
  /** The connection dropped; the book is rebuilt after reconnecting. */
  Disconnect: 3,
  /** The venue announced a shutdown of the connection. */
  ServerShutdown: 4,
  /** The book crossed (best bid >= best ask). */
  Crossed: 5,
  /** No diff bridged the snapshot's update id. */
  NoBridge: 6,
  /** A value cannot be held exactly at the instrument's scale (beyond 2^53 units). */
  Precision: 7,
  /** No data for the instrument for the stale limit while its connection was open. */
  Stale: 8,
} as const;

/** A value of {@linkcode ResyncReason}. */
export type ResyncReason = typeof ResyncReason[keyof typeof ResyncReason];

/** Names of resync reasons. Index by reason. */
export const RESYNC_NAMES: readonly string[] = [
  "unknown",
  "gap",
  "stale_snapshot",
  "disconnect",
  "server_shutdown",
  "crossed",
  "no_bridge",
  "precision",
  "stale",
];

/** Bytes per logger record. */
export const RECORD_SIZE = 256;
/** Byte offset of the text inside a record. */
export const TEXT_OFFSET = 64;
/** Maximum text bytes per record. */
export const TEXT_CAPACITY = RECORD_SIZE - TEXT_OFFSET;
/** Record flag: the text was truncated (the text ends with the marker "…"). */
export const FLAG_TRUNCATED = 1;

/** A decoded record. The Worker reuses one instance; copy fields you keep. */
export interface LogEvent {
  /** Event kind. */
  kind: number;
  /** Record flags. */
  flags: number;
  /** Interned source id (0 = none). */
  sourceId: number;
  /** Interned label id (0 = none). */
  labelId: number;
  /** Source name ("" when none), e.g. "binance:BTCUSDT". */
  source: string;
  /** Label name ("" when none), e.g. "apply". */
  label: string;
  /** Monotonic time of the event in ns. */
  t: number;
  /** Numeric field a. */
  a: number;
  /** Numeric field b. */
  b: number;
  /** Numeric field c. */
  c: number;
  /** Numeric field d. */
  d: number;
  /** Numeric field e. */
  e: number;
  /** Numeric field f. */
  f: number;
  /** Text ("" when none). */
  text: string;
}

/** A fresh zeroed {@linkcode LogEvent}. Allocates. */
export function newLogEvent(): LogEvent {
  return {
    kind: 0,
    flags: 0,
    sourceId: 0,
    labelId: 0,
    source: "",
    label: "",
    t: 0,
    a: 0,
    b: 0,
    c: 0,
    d: 0,
    e: 0,
    f: 0,
    text: "",
  };
}

/** Clock alias re-exported for callers building loggers. */
export type { Clock };
