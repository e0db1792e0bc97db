/**
 * Private: the configuration of `BinanceHandler` (re-exported by `handler.ts`) and the pure
 * URL helpers it uses — the default stream URL and the stream names of a URL for the
 * `subscribed` event. Not on the hot path (construction and connection events only).
 * @module
 */
import type { BackoffOptions } from "../backoff.ts";
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { RotatePolicy } from "../capture_rotation.ts";
import type { SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
import { type BinanceMarket, type DepthSpeed, depthStreamName, usdmStreamUrl } from "./markets.ts";

/** Configuration of `BinanceHandler`. */
export interface BinanceHandlerConfig {
  /** Symbol, any case (default "BTCUSDT"). */
  symbol?: string;
  /** Market: "spot" (default) or "usdm" (USD-M futures: fstream/fapi hosts, `pu` sync rules). */
  market?: BinanceMarket;
  /** Depth stream speed of the default URL (spot 100ms|1000ms, USD-M 0ms|100ms|250ms|500ms; default 100ms). */
  depthStream?: DepthSpeed;
  /** Full stream URL (default `wss://stream.binance.com:9443/ws/<s>@depth@100ms`, or the combined form with `trades`). */
  wsUrl?: string;
  /** REST base URL (default `https://api.binance.com`; USD-M `https://fapi.binance.com`). */
  restUrl?: string;
  /** Also subscribe to `<s>@trade` (combined stream) and capture trades. */
  trades?: boolean;
  /** REST snapshot depth (default 1000). */
  snapshotLimit?: number;
  /** Stop after this many market-data messages (depth + trades). */
  maxMessages?: number;
  /** Capture root directory (`--capture-dir`). */
  captureDir?: string;
  /** Capture session label (default epoch ms). */
  captureSession?: string;
  /** Rotate capture files into parts (`--rotate`). */
  captureRotate?: RotatePolicy;
  /** Gzip capture parts as they close (`--gzip`). */
  captureGzip?: boolean;
  /** Reconnect backoff (default base 250 ms, max 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** Snapshot pacing policy. */
  scheduler?: SnapshotSchedulerOptions;
  /** Renew the connection after this long, ms (default 23.5 h; Binance closes at 24 h). */
  maxConnectionMs?: number;
  /** Emit diffStats at most this often, ms (default 1000). */
  statsIntervalMs?: number;
  /** Give up waiting for the peer to confirm the close at stop after this long, ms (default 2000). */
  closeTimeoutMs?: number;
  /** Abort a REST snapshot request after this long and retry (a failed snapshot), ms (default 10 000). */
  snapshotTimeoutMs?: number;
  /** Redirects followed per connect (default 3). */
  maxRedirects?: number;
  /** The instrument table the handler registers its instrument in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws (it has been removed); default: a line on stderr. */
  onSubscriberError?: SubscriberErrorHandler;
  /**
   * With the socket open, no depth frame for this long marks the book stale and reconnects
   * (also when none came at all since connecting: e.g. a symbol that does not exist), ms
   * (default 10 000).
   */
  staleAfterMs?: number;
}

/**
 * The default stream URL for a lower-case symbol: the raw `<s>@depth@100ms` stream (or the
 * `speed` asked), or the combined stream with `<s>@trade` when `trades` is set. USD-M: the
 * `/public` paths of fstream.binance.com (`markets.ts`).
 */
export function defaultStreamUrl(
  lowerSymbol: string,
  trades: boolean,
  market: BinanceMarket = "spot",
  speed?: DepthSpeed,
): string {
  if (market === "usdm") return usdmStreamUrl(lowerSymbol, trades, speed);
  const s = lowerSymbol;
  const depth = depthStreamName(s, "spot", speed);
  return trades
    ? `wss://stream.binance.com:9443/stream?streams=${depth}/${s}@trade`
    : `wss://stream.binance.com:9443/ws/${depth}`;
}

/**
 * The stream names of a raw (`/ws/a/b`) or combined (`/stream?streams=a/b`) URL, comma
 * separated; the URL itself when it does not parse. Allocates.
 */
export function streamsOf(url: string): string {
  try {
    const u = new URL(url);
    const combined = u.searchParams.get("streams");
    if (combined !== null) return combined.split("/").join(",");
    const at = u.pathname.indexOf("/ws/");
    return at < 0 ? u.pathname : u.pathname.slice(at + 4).split("/").join(",");
  } catch {
    return url;
  }
}
