/**
 * Configuration and counters of `HyperliquidMultiHandler`.
 * @module
 */
import type { BackoffOptions } from "../backoff.ts";
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { HeartbeatOptions } from "./heartbeat.ts";
import type { HlChannel } from "./subscription_plan.ts";

/** Everything {@linkcode HyperliquidMultiHandler} needs. */
export interface HyperliquidMultiConfig {
  /** Coins, as the venue spells them (`BTC`, `PURR/USDC`, `@107`, `xyz:MSTR`). */
  coins: string[];
  /** Channels per coin (default `l2book`, `fast`, `bbo`). */
  channels?: HlChannel[];
  /** WebSocket URL (default: testnet, as `HyperliquidHandler`). */
  wsUrl?: string;
  /** Subscriptions per connection (default 1000). */
  perSocket?: number;
  /** Messages sent per minute across connections (default 2000). */
  messagesPerMinute?: number;
  /** New connections per minute (default 30). */
  connectsPerMinute?: number;
  /** Stop after this many market-data messages (books, bbos, trades) over all coins. */
  maxMessages?: number;
  /** Heartbeat periods (per connection). */
  heartbeat?: HeartbeatOptions;
  /** Reconnect schedule (per connection). */
  backoff?: BackoffOptions;
  /** Handler name (default "hyperliquid:<first coin>+<n>"). */
  name?: string;
  /** Bound on `stop()`'s wait for the close handshakes, ms (default 3000). */
  closeTimeoutMs?: number;
  /** The instrument table the coins are registered in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws. */
  onSubscriberError?: SubscriberErrorHandler;
}

/** Counters of a {@linkcode HyperliquidMultiHandler}. */
export interface MultiStats {
  /** Messages applied per book channel: slow l2Book, fast l2Book, bbo. */
  books: number;
  /** Fast l2Book messages. */
  fastBooks: number;
  /** bbo messages. */
  bbos: number;
  /** trades messages. */
  tradeMessages: number;
  /** Frames for a coin this handler does not serve (skipped). */
  unknownCoin: number;
  /** Malformed frames. */
  malformed: number;
  /** `error` frames. */
  venueErrors: number;
  /** Subscriptions acknowledged (all connections, all connects). */
  subscribed: number;
  /** Connections opened. */
  connections: number;
  /** Reconnects scheduled. */
  reconnects: number;
  /** Heartbeat timeouts. */
  pongTimeouts: number;
}
