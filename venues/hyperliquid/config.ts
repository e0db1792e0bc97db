/**
 * Configuration of the Hyperliquid handler and validation of the `l2Book` subscription.
 * @module
 */
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { BackoffOptions } from "../backoff.ts";
import type { RotatePolicy } from "../capture_rotation.ts";
import type { HeartbeatOptions } from "./heartbeat.ts";
import { HL_BOOK_DEPTH, type L2BookSubscriptionWire } from "./types.ts";

/** Default WebSocket endpoint (testnet). */
export const HL_DEFAULT_WS_URL = "wss://api.hyperliquid-testnet.xyz/ws";

/** Everything {@linkcode HyperliquidHandler} needs. */
export interface HyperliquidConfig {
  /** WebSocket URL (default {@linkcode HL_DEFAULT_WS_URL}). */
  wsUrl?: string;
  /** Coin (default "BTC"). */
  coin?: string;
  /** `nSigFigs`: 2, 3, 4 or 5 (absent = full precision). */
  nSigFigs?: number;
  /** `mantissa`: 1, 2 or 5, only with `nSigFigs` 5. */
  mantissa?: number;
  /** Also subscribe to trades (captured; counted). */
  trades?: boolean;
  /** Levels per side of a full window (default 20). */
  depth?: number;
  /** Stop after this many market-data messages (books + trades). */
  maxMessages?: number;
  /** Capture root directory (`--capture-dir`); no capture when absent. */
  captureDir?: string;
  /** Capture session label. */
  captureSession?: string;
  /** Rotate capture files into parts (`--rotate`). */
  captureRotate?: RotatePolicy;
  /** Gzip capture parts as they close (`--gzip`). */
  captureGzip?: boolean;
  /** Heartbeat periods. */
  heartbeat?: HeartbeatOptions;
  /** Reconnect schedule (default: base 250 ms, cap 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** Handler name (default "hyperliquid:<coin>"). */
  name?: string;
  /** Bound on `stop()`'s wait for the close handshake, ms (default 3000). */
  closeTimeoutMs?: number;
  /** The instrument table the handler registers its coin in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws (it has been removed); default: a line on stderr. */
  onSubscriberError?: SubscriberErrorHandler;
  /**
   * With the socket open, no `l2Book` of the coin for this long marks the book stale and
   * reconnects (pongs do not count: a feed can stop while the socket answers pings), ms
   * (default 10 000).
   */
  staleAfterMs?: number;
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
