/**
 * What the logger Worker tells the server about the instruments: the JSON shape behind `/healthz`
 * and the live page, and the names of the sync states.
 * @module
 */

/** Sync state of an instrument's book. */
export type SyncStateName = "never" | "synchronized" | "resyncing" | "stale";

/** Sync state names, by numeric state (0 never, 1 synchronized, 2 resyncing, 3 stale). */
export const SYNC_STATE_NAMES: readonly SyncStateName[] = ["never", "synchronized", "resyncing", "stale"];

/** One instrument as the Worker sees it. */
export interface InstrumentSnapshot {
  /** Handler source name, e.g. "binance:BTCUSDT". */
  name: string;
  /** Venue label. */
  venue: string;
  /** Market label ("spot", "perp"). */
  market: string;
  /** Symbol label. */
  symbol: string;
  /** Sync state now (stale also when no message came for the stale threshold). */
  state: SyncStateName;
  /** Market-data messages received. */
  messages: number;
  /** Frames applied to the book. */
  applied: number;
  /** Resyncs, all reasons. */
  resyncs: number;
  /** Reconnects scheduled. */
  reconnects: number;
  /** Seconds since the last market-data message, null before the first. */
  lastMessageAgeS: number | null;
  /** Wire-to-book latency (apply latency when the venue has none): bucket bounds in s and counts. */
  latency: { boundsS: readonly number[]; counts: number[]; count: number; sumS: number };
}

/** A reply of the Worker to a metrics request. */
export interface MetricsSnapshot {
  /** The request sequence number this answers. */
  seq: number;
  /** The `/metrics` body, when asked for. */
  text?: string;
  /** Every instrument, in order of first appearance. */
  instruments: InstrumentSnapshot[];
  /** Log ring depth, capacity and records dropped so far. */
  queue: { depth: number; capacity: number; dropped: number };
}

/** Venue and symbol from a source name "venue:SYMBOL"; market from the venue. */
export function instrumentLabels(name: string): { venue: string; market: string; symbol: string } {
  const i = name.indexOf(":");
  const venue = i < 0 ? name : name.slice(0, i);
  const symbol = i < 0 ? "" : name.slice(i + 1);
  return { venue, market: MARKETS[venue] ?? "unknown", symbol };
}

/** The market each venue handler trades (Binance spot diff-depth, Hyperliquid perpetuals). */
const MARKETS: Record<string, string> = { binance: "spot", hyperliquid: "perp" };
