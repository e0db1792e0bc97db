/**
 * Choosing a Binance instrument's scale (DESIGN.md "Instruments and precision"): prices and
 * quantities are integers × 10^priceDecimals / 10^qtyDecimals, the finer of the venue's metadata
 * (`exchangeInfo` `tickSize`/`stepSize`, trailing zeros trimmed) and the decimals actually on
 * the wire (Binance writes 8 fractional digits, so only the significant ones count). The scale
 * only ever grows: a finer value rescales the instrument exactly (× 10^k); coarser values are
 * held exactly at any finer scale. Pure helpers (they allocate: once per REST body).
 * @module
 */
import { significantDecimals } from "../decimal.ts";
import { MAX_DECIMALS } from "./_scan_state.ts";

/** A scale: prices × 10^priceDecimals, quantities × 10^qtyDecimals. */
export interface Decimals {
  /** Price decimals. */
  priceDecimals: number;
  /** Quantity decimals. */
  qtyDecimals: number;
}

/** Finest scale a Binance instrument may take (values finer than this are malformed). */
export const MAX_INSTRUMENT_DECIMALS = MAX_DECIMALS;

/** Request weight of `GET /api/v3/exchangeInfo?symbol=X` (one symbol). */
export const EXCHANGE_INFO_WEIGHT = 2;

/** The `GET /api/v3/exchangeInfo?symbol=…` URL under the REST base `restUrl`. */
export function exchangeInfoUrl(restUrl: string, symbol: string): string {
  return `${restUrl}/api/v3/exchangeInfo?symbol=${encodeURIComponent(symbol)}`;
}

/**
 * The decimals of `symbol`'s `PRICE_FILTER.tickSize` and `LOT_SIZE.stepSize` in an
 * `exchangeInfo` body (trailing zeros trimmed: "0.01000000" → 2), or null when the body does not
 * describe the symbol (not JSON, another symbol, filters missing).
 */
export function exchangeInfoDecimals(body: string, symbol: string): Decimals | null {
  return exchangeInfoDecimalsAll(body).get(symbol) ?? null;
}

/**
 * The tick / lot decimals of every symbol an `exchangeInfo` body describes with both filters
 * (see {@linkcode exchangeInfoDecimals}); empty when the body is not one. Parses the body once.
 */
export function exchangeInfoDecimalsAll(body: string): Map<string, Decimals> {
  const out = new Map<string, Decimals>();
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return out;
  }
  const symbols = (v as { symbols?: unknown })?.symbols;
  if (!Array.isArray(symbols)) return out;
  for (const s of symbols as { symbol?: unknown; filters?: unknown }[]) {
    if (typeof s?.symbol !== "string" || !Array.isArray(s.filters)) continue;
    let tick: string | undefined;
    let step: string | undefined;
    for (const f of s.filters as { filterType?: unknown; tickSize?: unknown; stepSize?: unknown }[]) {
      if (f?.filterType === "PRICE_FILTER" && typeof f.tickSize === "string") tick = f.tickSize;
      if (f?.filterType === "LOT_SIZE" && typeof f.stepSize === "string") step = f.stepSize;
    }
    if (tick === undefined || step === undefined || !isDecimal(tick) || !isDecimal(step)) continue;
    if (!out.has(s.symbol)) {
      out.set(s.symbol, { priceDecimals: significantDecimals(tick), qtyDecimals: significantDecimals(step) });
    }
  }
  return out;
}

/**
 * The finest significant decimals of the prices and quantities in a depth snapshot body
 * (`{"lastUpdateId":…,"bids":[["p","q"],…],"asks":…}`), or null when it is not one (the parser
 * then reports why). Values that are not plain decimals are ignored here (the parser rejects them).
 */
export function snapshotDecimals(body: string): Decimals | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  const o = v as { bids?: unknown; asks?: unknown };
  if (!Array.isArray(o?.bids) || !Array.isArray(o?.asks)) return null;
  const out: Decimals = { priceDecimals: 0, qtyDecimals: 0 };
  for (const side of [o.bids, o.asks] as unknown[][]) {
    for (const lv of side) {
      if (!Array.isArray(lv)) continue;
      const [p, q] = lv as unknown[];
      if (typeof p === "string" && isDecimal(p)) {
        out.priceDecimals = Math.max(out.priceDecimals, significantDecimals(p));
      }
      if (typeof q === "string" && isDecimal(q)) {
        out.qtyDecimals = Math.max(out.qtyDecimals, significantDecimals(q));
      }
    }
  }
  return out;
}

/** The finer of `a` and `b`, each side on its own. */
export function finer(a: Decimals, b: Decimals): Decimals {
  return {
    priceDecimals: Math.max(a.priceDecimals, b.priceDecimals),
    qtyDecimals: Math.max(a.qtyDecimals, b.qtyDecimals),
  };
}

function isDecimal(s: string): boolean {
  return /^\d+(\.\d+)?$/.test(s);
}
