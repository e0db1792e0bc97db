/**
 * Private: the configuration and counters of `BinanceMultiHandler` (re-exported by
 * `multi_handler.ts`).
 * @module
 */
import type { BinanceCommonConfig } from "./_config_common.ts";
import type { SnapshotPolicy } from "./snapshot_order.ts";
import type { SubscribeMode } from "./stream_plan.ts";

/** Configuration of `BinanceMultiHandler` (the common keys: `_config_common.ts`). */
export interface BinanceMultiConfig extends BinanceCommonConfig {
  /** Symbols, any case, in priority order (the first are synchronized first). */
  symbols: string[];
  /** WebSocket base (default `wss://stream.binance.com:9443`, USD-M `wss://fstream.binance.com`), or a full stream URL with one symbol. */
  wsUrl?: string;
  /** "url" (default): `/stream?streams=…`; "message": `/ws` + SUBSCRIBE messages. */
  subscribe?: SubscribeMode;
  /** Streams per connection (default 1024, the venue's limit). */
  perConnection?: number;
  /** Streams per SUBSCRIBE message (default 200). */
  perMessage?: number;
  /** SUBSCRIBE messages per second per connection (default the venue's limit − 1: spot 4, USD-M 9; pongs count). */
  controlPerSecond?: number;
  /** Connection attempts per 5 minutes (default 300, the venue's per-IP limit). */
  connectsPer5Min?: number;
  /** Share of the venue's `REQUEST_WEIGHT` budget the snapshots use (default 0.95). */
  budgetFraction?: number;
  /** Snapshot order (default "priority"; "fifo" only for comparison). */
  snapshotPolicy?: SnapshotPolicy;
  /** `REQUEST_WEIGHT` per minute; when set, `exchangeInfo` is not asked (precision from the wire). */
  weightPerMinute?: number;
  /** Shortest wait after a 418 ban, ms (default 120 000; the ban's `Retry-After` when longer). */
  banMinMs?: number;
  /**
   * Most entries a connection's inbox may hold when a poll starts (default 65 536): beyond it the
   * connection's backlog is shed — its frames skipped (still captured), its symbols cleared and
   * resynchronized — with a warning, counted in `shed` / `shedFrames`.
   */
  maxBacklog?: number;
}

/** Counters of `BinanceMultiHandler`. */
export interface BinanceMultiStats {
  /** Depth and trade frames processed. */
  messages: number;
  /** Malformed frames. */
  malformed: number;
  /** Depth or trade frames of a symbol not asked for. */
  unknownSymbol: number;
  /** Binary frames ignored. */
  binary: number;
  /** Error replies (e.g. to a SUBSCRIBE). */
  errorReplies: number;
  /** Connections opened. */
  connections: number;
  /** Symbols synchronized at least once. */
  everSynced: number;
  /** Backlogs shed (a connection's inbox past `maxBacklog` at a poll). */
  shed: number;
  /** Frames skipped by the sheds. */
  shedFrames: number;
  /** Monotonic ns from start until every symbol was synchronized once (NaN until then). */
  warmupNs: number;
}

/** Counters of a handler that has not started. */
export function newMultiStats(): BinanceMultiStats {
  return {
    messages: 0,
    malformed: 0,
    unknownSymbol: 0,
    binary: 0,
    errorReplies: 0,
    connections: 0,
    everSynced: 0,
    shed: 0,
    shedFrames: 0,
    warmupNs: NaN,
  };
}
