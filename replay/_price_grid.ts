/**
 * Private: the price grid of `PriceTable`'s direct window (`_price_table.ts`) — the tick taken
 * as the GCD of the first keys' distances to one of them, and the window of {@linkcode WINDOW}
 * ticks centred on that key — and the hash of an integer price for the table's hash part.
 * @module
 */

/** Distinct keys inserted before the tick is detected and the direct window is built. */
export const LEARN_KEYS = 64;
/** Ticks covered by the direct window. */
export const WINDOW = 65_536;

/** A detected grid: window index `i` is the price `base + i × tick`. */
export interface PriceGrid {
  /** Distance between two prices of the grid (an integer ≥ 1). */
  tick: number;
  /** Price of window index 0. */
  base: number;
}

/**
 * The grid of the keys held in `keys[i]` where `vals[i] !== empty`: the tick is the GCD of their
 * distances to the first one, the window is centred on it. Undefined when no grid fits (keys
 * not integers below 2^53, all equal, or a window that would leave the safe integers).
 * Allocates the result (once per table).
 */
export function detectGrid(keys: Float64Array, vals: Int32Array, empty: number): PriceGrid | undefined {
  let first = NaN;
  let g = 0;
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] === empty) continue;
    const k = keys[i]!;
    if (first !== first) first = k;
    else g = gcd(g, Math.abs(k - first));
  }
  // Keys must be integers (< 2^53) for the grid arithmetic to be exact; otherwise stay hashed.
  if (!(g >= 1) || !Number.isSafeInteger(g) || !Number.isSafeInteger(first)) return undefined;
  const base = first - (WINDOW / 2) * g;
  if (!Number.isSafeInteger(base) || !Number.isSafeInteger(base + WINDOW * g)) return undefined;
  return { tick: g, base };
}

/** The hash slot of the integer `price` (< 2^53) in a table of `mask + 1` slots (a power of two). */
export function priceSlot(price: number, mask: number): number {
  // ToUint32 is the value modulo 2^32 (exact for integers below 2^53); no fmod, no division.
  const lo = price >>> 0;
  const hi = (price * 2.3283064365386963e-10) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
