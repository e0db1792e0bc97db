/**
 * Private: the configuration and counters of `BinanceMultiHandler` (re-exported by
 * `multi_handler.ts`).
 * @module
 */
import type { BackoffOptions } from "../backoff.ts";
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { SnapshotPolicy } from "./snapshot_order.ts";
import type { SubscribeMode } from "./stream_plan.ts";

/** Configuration of `BinanceMultiHandler`. */
export interface BinanceMultiConfig {
  /** Symbols, any case, in priority order (the first are synchronized first). */
  symbols: string[];
  /** WebSocket base (default `wss://stream.binance.com:9443`), or a full stream URL with one symbol. */
  wsUrl?: string;
  /** REST base URL (default `https://api.binance.com`). */
  restUrl?: string;
  /** "url" (default): `/stream?streams=…`; "message": `/ws` + SUBSCRIBE messages. */
  subscribe?: SubscribeMode;
  /** Streams per connection (default 1024, the venue's limit). */
  perConnection?: number;
  /** Streams per SUBSCRIBE message (default 200). */
  perMessage?: number;
  /** SUBSCRIBE messages per second per connection (default 4: the venue allows 5, pongs included). */
  controlPerSecond?: number;
  /** Connection attempts per 5 minutes (default 300, the venue's per-IP limit). */
  connectsPer5Min?: number;
  /** Also `<s>@trade`. */
  trades?: boolean;
  /** REST snapshot depth (default 1000, weight 50). */
  snapshotLimit?: number;
  /** Share of the venue's `REQUEST_WEIGHT` budget the snapshots use (default 0.95). */
  budgetFraction?: number;
  /** Snapshot order (default "priority"; "fifo" only for comparison). */
  snapshotPolicy?: SnapshotPolicy;
  /** `REQUEST_WEIGHT` per minute; when set, `exchangeInfo` is not asked. */
  weightPerMinute?: number;
  /** Stop after this many market-data messages (all symbols). */
  maxMessages?: number;
  /** Reconnect backoff (default base 250 ms, max 30 s). */
  backoff?: BackoffOptions;
  /** Renew a connection after this long, ms (default 23.5 h). */
  maxConnectionMs?: number;
  /** Wait at most this long for a close at stop, ms (default 2000). */
  closeTimeoutMs?: number;
  /** Abort a REST request after this long, ms (default 10 000). */
  snapshotTimeoutMs?: number;
  /** Redirects followed per connect (default 3). */
  maxRedirects?: number;
  /**
   * No frame on a connection for this long: its symbols are stale, it reconnects. No depth frame
   * of one synchronized symbol for this long: that symbol is marked stale (its book is kept). ms,
   * default 10 000.
   */
  staleAfterMs?: number;
  /** Stats and warm-up lines at most this often, ms (default 1000). */
  statsIntervalMs?: number;
  /** The instrument table (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws. */
  onSubscriberError?: SubscriberErrorHandler;
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
  /** Monotonic ns from start until every symbol was synchronized once (NaN until then). */
  warmupNs: number;
}
