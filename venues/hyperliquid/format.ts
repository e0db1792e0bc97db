/**
 * Fixed-point integers back to Hyperliquid's own decimal strings.
 *
 * Hyperliquid writes numbers in their shortest form with at least one fractional digit
 * (`"105055.0"`, `"0.6"`, `"3.03622"`), except when aggregated with `nSigFigs`, where a field can
 * have a fixed width. The parser records, per side, the fewest and most fractional digits of the
 * window's `px` and `sz` strings; {@linkcode formatHl} turns that back into the same strings:
 * fixed width when every string had the same number of decimals, shortest form (with at least
 * the fewest seen) otherwise. Allocates (exit path / simulator only).
 * @module
 */
import { formatFixed, POW10 } from "../decimal.ts";

/**
 * Shortest decimal form of `v / 10^scale` with at least `minDecimals` fractional digits
 * (trailing zeros trimmed beyond that).
 */
export function formatTrimmed(v: number, scale: number, minDecimals = 1): string {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a fixed-point value: ${v}`);
  const p = POW10[scale]!;
  const int = Math.floor(v / p);
  let frac = String(v - int * p).padStart(scale, "0");
  let end = frac.length;
  while (end > minDecimals && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end).padEnd(minDecimals, "0");
  return frac.length === 0 ? String(int) : `${int}.${frac}`;
}

/**
 * Format `v` as the venue wrote the field: fixed `decMin` decimals when `decMin === decMax`,
 * else the shortest form with at least `decMin` decimals. `decMin` 255 (nothing seen) means 1.
 */
export function formatHl(v: number, scale: number, decMin: number, decMax: number): string {
  if (decMin === 255) return formatTrimmed(v, scale, 1);
  if (decMin === decMax) return formatFixed(v, scale, decMin);
  return formatTrimmed(v, scale, decMin);
}
