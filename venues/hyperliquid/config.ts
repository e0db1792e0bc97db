/**
 * Configuration of the Hyperliquid handlers (one coin: {@linkcode HyperliquidConfig}; many coins
 * and channels: {@linkcode HyperliquidMultiConfig}, both on {@linkcode HlCommonConfig}) and
 * validation of the `l2Book` subscription.
 * @module
 */
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { BackoffOptions } from "../backoff.ts";
import type { RotatePolicy } from "../capture_rotation.ts";
import type { Decimals } from "../binance/precision.ts";
import type { HeartbeatOptions } from "./heartbeat.ts";
import type { HlChannel } from "./subscription_plan.ts";
import { HL_BOOK_DEPTH, type L2BookSubscriptionWire } from "./types.ts";

/** Default WebSocket endpoint (testnet). */
export const HL_DEFAULT_WS_URL = "wss://api.hyperliquid-testnet.xyz/ws";

/** What both handlers take. */
export interface HlCommonConfig {
  /** WebSocket URL (default {@linkcode HL_DEFAULT_WS_URL}). */
  wsUrl?: string;
  /** `nSigFigs` of every `l2Book` subscription: 2, 3, 4 or 5 (absent = full precision). */
  nSigFigs?: number;
  /** `mantissa`: 1, 2 or 5, only with `nSigFigs` 5. */
  mantissa?: number;
  /** Stop after this many market-data messages (books, bbos, trades; all coins). */
  maxMessages?: number;
  /** Capture root directory (`--capture-dir`): one session per coin; no capture when absent. */
  captureDir?: string;
  /** Capture session label. */
  captureSession?: string;
  /** Rotate capture files into parts (`--rotate`). */
  captureRotate?: RotatePolicy;
  /** Gzip capture parts as they close (`--gzip`). */
  captureGzip?: boolean;
  /** Heartbeat periods (per connection). */
  heartbeat?: HeartbeatOptions;
  /** Reconnect schedule, per connection (default: base 250 ms, cap 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** Handler name. */
  name?: string;
  /** Bound on `stop()`'s wait for the close handshakes, ms (default 3000). */
  closeTimeoutMs?: number;
  /** The instrument table the coins are registered in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws (it has been removed); default: a line on stderr. */
  onSubscriberError?: SubscriberErrorHandler;
  /**
   * With the connection open, no book message of a coin for this long marks it stale, ms
   * (default 10 000; pongs do not count: a feed can stop while the socket answers pings). The
   * one-coin handler reconnects; the many-coin handler clears and resubscribes that coin only.
   */
  staleAfterMs?: number;
}

/** Everything {@linkcode HyperliquidHandler} needs. */
export interface HyperliquidConfig extends HlCommonConfig {
  /** Coin (default "BTC"). */
  coin?: string;
  /** Also subscribe to trades (captured; counted). */
  trades?: boolean;
  /** Levels per side of a full window (default 20). */
  depth?: number;
  /** The coin's base scale from the venue's metadata (`loadHlDecimals`; default 8 / 8). */
  decimals?: Decimals;
}

/** Everything `HyperliquidMultiHandler` needs. */
export interface HyperliquidMultiConfig extends HlCommonConfig {
  /** Coins, as the venue spells them (`BTC`, `PURR/USDC`, `@107`, `xyz:MSTR`). */
  coins: string[];
  /** Channels per coin (default `l2book`, `fast`, `bbo`). */
  channels?: HlChannel[];
  /** Subscriptions per connection (default 1000). */
  perSocket?: number;
  /** Messages sent per minute across connections (default 2000). */
  messagesPerMinute?: number;
  /** New connections per minute (default 30). */
  connectsPerMinute?: number;
  /** Each coin's base scale from the venue's metadata, in `coins` order (default 8 / 8 each). */
  decimals?: Decimals[];
}

/**
 * Validate `nSigFigs` / `mantissa` (protocols.md: nSigFigs ∈ {2,3,4,5}; mantissa ∈ {1,2,5} only
 * with nSigFigs 5) and build the subscription object. Throws RangeError when invalid.
 */
export function l2BookSubscription(
  coin: string,
  nSigFigs?: number,
  mantissa?: number,
): L2BookSubscriptionWire {
  if (coin === "" || /\s/.test(coin)) throw new RangeError(`--coin must be a coin name, got "${coin}"`);
  const sub: L2BookSubscriptionWire = { type: "l2Book", coin };
  if (nSigFigs !== undefined) {
    if (nSigFigs !== 2 && nSigFigs !== 3 && nSigFigs !== 4 && nSigFigs !== 5) {
      throw new RangeError(`--n-sig-figs must be 2, 3, 4 or 5, got ${nSigFigs}`);
    }
    sub.nSigFigs = nSigFigs;
  }
  if (mantissa !== undefined) {
    if (nSigFigs !== 5) throw new RangeError("--mantissa is only allowed with --n-sig-figs 5");
    if (mantissa !== 1 && mantissa !== 2 && mantissa !== 5) {
      throw new RangeError(`--mantissa must be 1, 2 or 5, got ${mantissa}`);
    }
    sub.mantissa = mantissa;
  }
  return sub;
}

/** Validate the depth option. */
export function checkDepth(depth: number | undefined): number {
  const d = depth ?? HL_BOOK_DEPTH;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`depth must be a positive integer, got ${d}`);
  return d;
}
