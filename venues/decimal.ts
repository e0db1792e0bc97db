/**
 * Exact decimal strings <-> fixed-point integers. Prices and quantities become integers once,
 * in the parser, so the book never keys on floats.
 *
 * A value with scale `d` is the decimal times 10^d, held in a `number`; it is exact while it is
 * below 2^53 (for d = 8: values below 90,071,992.54740991).
 * @module
 */

/** Powers of ten from 10^0 to 10^15. */
export const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Largest integer a fixed-point value may hold exactly. */
export const MAX_FIXED = Number.MAX_SAFE_INTEGER;

/**
 * Parse the decimal string `s` (digits, optional single '.', no sign, no exponent) to an
 * integer scaled by 10^`scale`. Returns `NaN` when `s` is malformed, has more significant
 * fractional digits than `scale`, or does not fit exactly. Trailing fractional zeros beyond
 * `scale` are accepted. No allocation.
 */
export function parseFixed(s: string, scale: number): number {
  return parseFixedRange(s, 0, s.length, scale);
}

/** {@linkcode parseFixed} over `s[start, end)`. No allocation. */
export function parseFixedRange(s: string, start: number, end: number, scale: number): number {
  if (start >= end) return NaN;
  let v = 0;
  let frac = -1; // digits seen after '.', or -1 before it
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    const dgt = c - 48;
    if (dgt < 0 || dgt > 9) return NaN;
    digits++;
    if (frac >= 0) {
      if (frac >= scale) {
        if (dgt !== 0) return NaN;
        continue;
      }
      frac++;
    }
    v = v * 10 + dgt;
  }
  if (digits === 0) return NaN;
  v *= POW10[scale - (frac < 0 ? 0 : frac)]!;
  return v <= MAX_FIXED ? v : NaN;
}

/** {@linkcode parseFixed} over ASCII bytes `b[start, end)`. No allocation. */
export function parseFixedBytes(b: Uint8Array, start: number, end: number, scale: number): number {
  if (start >= end) return NaN;
  let v = 0;
  let frac = -1;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    const dgt = c - 48;
    if (dgt < 0 || dgt > 9) return NaN;
    digits++;
    if (frac >= 0) {
      if (frac >= scale) {
        if (dgt !== 0) return NaN;
        continue;
      }
      frac++;
    }
    v = v * 10 + dgt;
  }
  if (digits === 0) return NaN;
  v *= POW10[scale - (frac < 0 ? 0 : frac)]!;
  return v <= MAX_FIXED ? v : NaN;
}

/**
 * Format a fixed-point integer `v` with scale `scale` as a decimal string with exactly
 * `decimals` fractional digits (below `scale`, the digits dropped must be zero; above it, zeros
 * are appended: an instrument held at 2 decimals still prints Binance's 8). Allocates (off the
 * hot path).
 */
export function formatFixed(v: number, scale: number, decimals = scale): string {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a fixed-point value: ${v}`);
  const p = POW10[scale]!;
  const int = Math.floor(v / p);
  const frac = v - int * p;
  if (decimals === 0) return String(int);
  const digits = scale === 0 ? "" : String(frac).padStart(scale, "0");
  const fracStr = decimals <= scale ? digits.slice(0, decimals) : digits.padEnd(decimals, "0");
  return `${int}.${fracStr}`;
}

/** Significant fractional digits of the decimal string `s` (trailing zeros trimmed: "0.0100" → 2). */
export function significantDecimals(s: string): number {
  const dot = s.indexOf(".");
  if (dot < 0) return 0;
  let end = s.length;
  while (end > dot + 1 && s.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}

/** Number of fractional digits written in the decimal string `s` (0 when there is no '.'). */
export function decimalsOf(s: string): number {
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}
