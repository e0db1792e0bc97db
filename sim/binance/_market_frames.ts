/**
 * Private: the synthetic market's Binance wire formatting — {@linkcode MARKET_SCALE} and
 * {@linkcode wire} for fixed-point numbers, the depthUpdate payload ({@linkcode depthPayload},
 * {@linkcode levelsJson}) and a snapshot side ({@linkcode sideJson}). Re-exported by `market.ts`.
 * Allocates freely (not a hot path).
 * @module
 */
import type { L2Book } from "../../venues/book.ts";
import { formatFixed } from "../../venues/decimal.ts";

/**
 * Fractional digits Binance writes on the wire (always 8). The market's integers are scaled by
 * its own tick and lot decimals ({@linkcode SyntheticMarket.priceScale}/`qtyScale`), so a
 * PEPE-like market (tick "0.00000001", lot "1", quantities past 10^8) stays exact.
 */
export const MARKET_SCALE = 8;

/** A fixed-point value at `scale` as Binance writes it: 8 fractional digits (more when finer). */
export function wire(v: number, scale: number): string {
  return formatFixed(v, scale, Math.max(MARKET_SCALE, scale));
}

/**
 * A depthUpdate payload (raw stream form) at `priceScale`/`qtyScale`; with `pu` (USD-M futures) it
 * also carries `T` (= `E` here) and `pu`, in Binance's futures key order. Allocates.
 */
export function depthPayload(
  symbol: string,
  E: number,
  U: number,
  u: number,
  pu: number | undefined,
  bids: Map<number, number>,
  asks: Map<number, number>,
  priceScale: number,
  qtyScale: number,
): string {
  const t = pu === undefined ? "" : `,"T":${E}`;
  const p = pu === undefined ? "" : `,"pu":${pu}`;
  return `{"e":"depthUpdate","E":${E}${t},"s":"${symbol}","U":${U},"u":${u}${p},"b":${
    levelsJson(bids, true, priceScale, qtyScale)
  },"a":${levelsJson(asks, false, priceScale, qtyScale)}}`;
}

/**
 * Render changed levels (integers at `priceScale`/`qtyScale`) as Binance `[["price","qty"],…]`,
 * best first. Allocates.
 */
export function levelsJson(
  levels: Map<number, number>,
  bid: boolean,
  priceScale: number,
  qtyScale: number,
): string {
  const keys = [...levels.keys()].sort((x, y) => bid ? y - x : x - y);
  const parts = keys.map((p) => `["${wire(p, priceScale)}","${wire(levels.get(p)!, qtyScale)}"]`);
  return `[${parts.join(",")}]`;
}

/** The best `limit` levels of one side of `book` as Binance `[["price","qty"],…]`. Allocates. */
export function sideJson(
  book: L2Book,
  bid: boolean,
  limit: number,
  priceScale: number,
  qtyScale: number,
): string {
  const side = book.side(bid);
  const parts: string[] = [];
  for (let i = 0; i < side.size && i < limit; i++) {
    parts.push(`["${wire(side.priceAt(i), priceScale)}","${wire(side.qtyAt(i), qtyScale)}"]`);
  }
  return `[${parts.join(",")}]`;
}
