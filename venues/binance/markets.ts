/**
 * The two Binance markets the handler serves — spot and USD-M futures — and what differs between
 * them outside the sync rules (those are `BookSync`'s `rules`): hosts, paths, depth stream names,
 * REST snapshot limits and weights (protocols.md §1 and §4). Pure helpers, no I/O.
 *
 * USD-M: WebSocket `wss://fstream.binance.com/public/ws/<stream>` (combined
 * `/public/stream?streams=…`; legacy paths were retired 2026-04-23), REST
 * `https://fapi.binance.com/fapi/v1/depth` with limits 5–1000, weight 2 (≤ 50), 5 (100), 10 (500),
 * 20 (1000) out of 2400 per minute; snapshots carry `E` and `T`.
 * @module
 */
import { depthWeight as spotDepthWeight } from "./snapshot_scheduler.ts";

/** A Binance market: spot, or USD-M (USDⓈ-margined) futures. */
export type BinanceMarket = "spot" | "usdm";
/** The markets, for CLI validation. */
export const BINANCE_MARKETS: readonly BinanceMarket[] = ["spot", "usdm"];

/** A diff-depth stream speed (`--depth-stream`). */
export type DepthSpeed = "0ms" | "100ms" | "250ms" | "500ms" | "1000ms";

/** The depth speeds each market offers (the first is the default). */
export const DEPTH_SPEEDS: Readonly<Record<BinanceMarket, readonly DepthSpeed[]>> = {
  spot: ["100ms", "1000ms"],
  usdm: ["100ms", "0ms", "250ms", "500ms"],
};

/** Requests weight budget per minute per IP of the market's REST API. */
export const WEIGHT_PER_MINUTE: Readonly<Record<BinanceMarket, number>> = { spot: 6000, usdm: 2400 };

/** The largest REST depth limit of the market (spot 5000, USD-M 1000). */
export const MAX_DEPTH_LIMIT: Readonly<Record<BinanceMarket, number>> = { spot: 5000, usdm: 1000 };

/** The smallest REST depth limit of the market (spot 1, USD-M 5). */
export const MIN_DEPTH_LIMIT: Readonly<Record<BinanceMarket, number>> = { spot: 1, usdm: 5 };

/**
 * The depth stream name for a lower-case symbol: the speed's suffix — `@depth@100ms`, spot
 * `1000ms` and USD-M `250ms` are the bare `@depth`, `@depth@0ms`, `@depth@500ms`.
 */
export function depthStreamName(lowerSymbol: string, market: BinanceMarket, speed?: DepthSpeed): string {
  const s = speed ?? DEPTH_SPEEDS[market][0]!;
  const bare = market === "spot" ? s === "1000ms" : s === "250ms";
  return bare ? `${lowerSymbol}@depth` : `${lowerSymbol}@depth@${s}`;
}

/**
 * The default stream URL of a USD-M symbol: raw `/public/ws/<depth>`, or combined
 * `/public/stream?streams=<depth>/<s>@trade` with `trades`.
 */
export function usdmStreamUrl(lowerSymbol: string, trades: boolean, speed?: DepthSpeed): string {
  const depth = depthStreamName(lowerSymbol, "usdm", speed);
  return trades
    ? `wss://fstream.binance.com/public/stream?streams=${depth}/${lowerSymbol}@trade`
    : `wss://fstream.binance.com/public/ws/${depth}`;
}

/** The default REST base URL of the market. */
export function defaultRestUrl(market: BinanceMarket): string {
  return market === "usdm" ? "https://fapi.binance.com" : "https://api.binance.com";
}

/** The default WebSocket base of the market (many symbols: the handler adds the paths). */
export function defaultWsBase(market: BinanceMarket): string {
  return market === "usdm" ? "wss://fstream.binance.com" : "wss://stream.binance.com:9443";
}

/** The path prefix of the market's public streams: USD-M `/public` (legacy paths retired), spot none. */
export function streamPrefix(market: BinanceMarket): string {
  return market === "usdm" ? "/public" : "";
}

/** The REST `exchangeInfo` path of the market. */
export function exchangeInfoPath(market: BinanceMarket): string {
  return market === "usdm" ? "/fapi/v1/exchangeInfo" : "/api/v3/exchangeInfo";
}

/** The request weight of one depth snapshot of `limit` on the market. */
export function marketDepthWeight(market: BinanceMarket, limit: number): number {
  return market === "usdm" ? usdmDepthWeight(limit) : spotDepthWeight(limit);
}

/** Incoming messages (SUBSCRIBE, pings, pongs) per second per connection: spot 5, USD-M 10. */
export const MESSAGES_PER_SECOND: Readonly<Record<BinanceMarket, number>> = { spot: 5, usdm: 10 };

/** The REST depth snapshot path of the market. */
export function depthPath(market: BinanceMarket): string {
  return market === "usdm" ? "/fapi/v1/depth" : "/api/v3/depth";
}

/**
 * The snapshot scheduler's weight options of the market for `limit`: none for spot (its table is
 * the scheduler's default), the USD-M weight and the 2400-per-minute budget for USD-M.
 */
export function marketScheduler(
  market: BinanceMarket,
  limit: number,
): { weight?: number; weightPerMinute?: number } {
  return market === "usdm" ? { weight: usdmDepthWeight(limit), weightPerMinute: WEIGHT_PER_MINUTE.usdm } : {};
}

/** Request weight of USD-M `GET /fapi/v1/depth?limit=…`: 2 up to 50, 5 up to 100, 10 up to 500, else 20. */
export function usdmDepthWeight(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`bad depth limit: ${limit}`);
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}
