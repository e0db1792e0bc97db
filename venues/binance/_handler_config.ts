/**
 * Private: the configuration of `BinanceHandler` (re-exported by `handler.ts`) and the pure
 * URL helpers it uses — the default stream URL and the stream names of a URL for the
 * `subscribed` event. Not on the hot path (construction and connection events only).
 * @module
 */
import type { SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
import type { BinanceCommonConfig } from "./_config_common.ts";
import { type BinanceMarket, type DepthSpeed, depthStreamName, usdmStreamUrl } from "./markets.ts";

/** Configuration of `BinanceHandler` (the common keys: `_config_common.ts`). */
export interface BinanceHandlerConfig extends BinanceCommonConfig {
  /** Fetch `exchangeInfo` at start for the tick/lot decimals (default true; false: the wire decides). */
  exchangeInfo?: boolean;
  /** Symbol, any case (default "BTCUSDT"). */
  symbol?: string;
  /** Full stream URL (default `wss://stream.binance.com:9443/ws/<s>@depth@100ms`, or the combined form with `trades`). */
  wsUrl?: string;
  /** Snapshot pacing policy. */
  scheduler?: SnapshotSchedulerOptions;
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
