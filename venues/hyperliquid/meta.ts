/**
 * Hyperliquid instrument precision from the venue's metadata (`POST <rest>/info` with
 * `{"type":"meta"}` for perpetuals, `{"type":"meta","dex":D}` for a builder-deployed dex's
 * `D:NAME` perpetuals, `{"type":"spotMeta"}` for spot pairs), pure: no I/O (the requests are in
 * `meta_fetch.ts`).
 *
 * A coin's base scale: sizes at `szDecimals`; prices at the most decimals the venue allows,
 * `6 - szDecimals` for perpetuals and `8 - szDecimals` for spot (prices also have at most 5
 * significant figures, which only ever needs fewer decimals). The handlers start a coin at this
 * scale and refine it with the decimals on the wire (whichever finer; `_fit_scale.ts`). Spot
 * coins are looked up by the pair's `name` (`PURR/USDC`, `@107`), their `szDecimals` is the base
 * token's.
 * @module
 */
import type { Decimals } from "../binance/precision.ts";
import type { MetaWire, SpotMetaWire } from "./types.ts";
import { hlMarketOf } from "./coin_book.ts";

/** Most price decimals of a perpetual (`6 - szDecimals` for the coin). */
export const HL_PERP_MAX_DECIMALS = 6;
/** Most price decimals of a spot pair (`8 - szDecimals` for the pair). */
export const HL_SPOT_MAX_DECIMALS = 8;

/** A coin's base scale and where it came from. */
export interface HlCoinDecimals extends Decimals {
  /** The venue's `szDecimals` for the coin. */
  szDecimals: number;
}

/** The metadata answers a set of coins needs: perp dexes by name ("" = the main dex) and spot. */
export interface HlMetaSet {
  /** `meta` per dex ("" for the main dex, `xyz` for `xyz:MSTR`). */
  perps: Map<string, MetaWire>;
  /** `spotMeta`, when a spot coin is asked. */
  spot?: SpotMetaWire;
}

/** The dex of a perpetual coin: `xyz` for `xyz:MSTR`, "" for `BTC`. */
export function hlDexOf(coin: string): string {
  const i = coin.indexOf(":");
  return i > 0 ? coin.slice(0, i) : "";
}

/** The `info` request bodies `coins` need, e.g. `[{"type":"meta"},{"type":"spotMeta"}]`. */
export function hlMetaRequests(coins: readonly string[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const dexes = new Set<string>();
  let spot = false;
  for (const c of coins) {
    if (hlMarketOf(c) === "spot") spot = true;
    else dexes.add(hlDexOf(c));
  }
  for (const d of [...dexes].sort()) out.push(d === "" ? { type: "meta" } : { type: "meta", dex: d });
  if (spot) out.push({ type: "spotMeta" });
  return out;
}

/** `coin`'s base scale from `meta`, or undefined when the venue does not list it (or delisted it). */
export function hlCoinDecimals(coin: string, meta: HlMetaSet): HlCoinDecimals | undefined {
  let sz: number | undefined;
  let max: number;
  if (hlMarketOf(coin) === "spot") {
    max = HL_SPOT_MAX_DECIMALS;
    const pair = meta.spot?.universe.find((p) => p.name === coin);
    const base = pair === undefined ? undefined : meta.spot!.tokens.find((t) => t.index === pair.tokens[0]);
    sz = base?.szDecimals;
  } else {
    max = HL_PERP_MAX_DECIMALS;
    const asset = meta.perps.get(hlDexOf(coin))?.universe.find((a) => a.name === coin);
    if (asset?.isDelisted === true) return undefined;
    sz = asset?.szDecimals;
  }
  if (typeof sz !== "number" || !Number.isInteger(sz) || sz < 0 || sz > max) return undefined;
  return { szDecimals: sz, priceDecimals: max - sz, qtyDecimals: sz };
}

/**
 * The REST base that goes with a WebSocket URL: same host and port, `ws:` → `http:`, `wss:` →
 * `https:`, path dropped (`wss://api.hyperliquid.xyz/ws` → `https://api.hyperliquid.xyz`;
 * a simulator's `ws://127.0.0.1:9100/ws` → `http://127.0.0.1:9100`).
 */
export function hlRestUrlFor(wsUrl: string): string {
  const u = new URL(wsUrl);
  const proto = u.protocol === "wss:" ? "https:" : u.protocol === "ws:" ? "http:" : u.protocol;
  return `${proto}//${u.host}`;
}
