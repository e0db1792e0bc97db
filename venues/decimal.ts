/**
 * Exact decimal strings <-> fixed-point integers: the one decimal-to-scaled-integer routine of the
 * project ({@linkcode decimalAt}) and the string helpers built on it. Prices and quantities become
 * integers once, in the parser, so the book never keys on floats.
 *
 * A value with scale `d` is the decimal times 10^d, held in a `number`; it is exact while it is
 * below 2^53 (for d = 8: values below 90,071,992.54740991).
 *
 * Contract of {@linkcode decimalAt} (exact or error, never rounded):
 * - Accepted: ASCII digits with at most one `.` and at least one digit (`"0.00000123"`, `"7"`,
 *   `"113377.0"`); no sign, no exponent, no whitespace. It stops at the first byte that is neither
 *   a digit nor `.`; that byte must exist (a closing quote, a NUL sentinel): callers pass
 *   terminated input.
 * - A value whose significant fractional digits go beyond `scale` is {@linkcode DecimalError.Fine}
 *   and reports the decimals it needs in `dec.decimals` (trailing zeros beyond the scale are fine),
 *   so the caller can rescale the instrument and parse again.
 * - A value of 2^53 units or more at `scale` is {@linkcode DecimalError.TooLarge}.
 * - Results go to the module-level {@linkcode dec} (a double stored in an object field is not
 *   boxed; returned alongside a position it would be). No allocation.
 * - Binance's form (up to 9 integer digits, exactly 8 fractional digits) reads the fraction as two
 *   little-endian 32-bit words (SWAR); every other form takes the byte loop. Same results.
 * @module
 */

/** Powers of ten from 10^0 to 10^15. */
export const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Largest integer a fixed-point value may hold exactly. */
export const MAX_FIXED = Number.MAX_SAFE_INTEGER;

/** Finest scale an instrument may use (10^18 is still an exact f64). */
export const MAX_DECIMALS = 18;

/** Powers of ten 10^0..10^18 (f64, exact). */
export const DPOW10: readonly number[] = Array.from(
  { length: MAX_DECIMALS + 1 },
  (_, i) => Number(10n ** BigInt(i)),
);

const IPOW10 = new Int32Array([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);

/** Why {@linkcode decimalAt} gave no value (`dec.error`). */
export const DecimalError = {
  /** The value is in `dec.value`. */
  None: 0,
  /** Not a plain decimal (no digit, two dots, a sign, an exponent), or finer than 10^-18. */
  Bad: 1,
  /** Significant digits beyond the scale: `dec.decimals` holds the decimals the value needs. */
  Fine: 2,
  /** 2^53 units or more at the scale: cannot be held exactly. */
  TooLarge: 3,
} as const;
/** A value of {@linkcode DecimalError}. */
export type DecimalError = typeof DecimalError[keyof typeof DecimalError];

/** The result of the last {@linkcode decimalAt}: read it right after the call. */
export const dec = {
  /** The value × 10^scale (NaN unless `error` is `None`). */
  value: 0,
  /** A {@linkcode DecimalError} code. */
  error: 0 as DecimalError,
  /** With `Fine`: the significant fractional digits of the value (what the scale must become). */
  decimals: 0,
  /** Fractional digits written, trailing zeros included (0 without a `.`). */
  places: 0,
  /** Integer digits written, leading zeros included. */
  intDigits: 0,
};

let dvBytes: Uint8Array = new Uint8Array(0);
let dvView: DataView = new DataView(dvBytes.buffer);

/** A DataView over `b` (cached: a new one only when the buffer changes). */
function viewOf(b: Uint8Array): DataView {
  if (b !== dvBytes) {
    dvBytes = b;
    dvView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return dvView;
}

/**
 * The 8 ASCII digits at b[p, p+8) as an integer (SWAR on two little-endian 32-bit words), or
 * -1 when any of them is not a digit. The caller guarantees p + 8 <= length.
 */
export function frac8(dv: DataView, p: number): number {
  const x = dv.getUint32(p, true);
  const y = dv.getUint32(p + 4, true);
  if (
    (x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030 ||
    (y & 0xf0f0f0f0) !== 0x30303030 || ((y + 0x06060606) & 0xf0f0f0f0) !== 0x30303030
  ) return -1;
  return digits4(x - 0x30303030) * 10000 + digits4(y - 0x30303030);
}

/** Four digit values in the bytes of `d` (first digit lowest) as a number 0..9999. */
function digits4(d: number): number {
  const t = (d * 10 + (d >>> 8)) & 0x00ff00ff;
  return (t & 0xff) * 100 + (t >>> 16);
}

/**
 * Parse the decimal at `b[p]` (see the module contract) as an integer × 10^`scale` (0..18) into
 * {@linkcode dec}; returns the index of the first byte after it (the terminator). No allocation.
 */
export function decimalAt(b: Uint8Array, p: number, scale: number): number {
  const s = p;
  let c = b[p]!;
  let ip = 0;
  while (c - 48 >>> 0 <= 9 && p - s < 9) {
    ip = ip * 10 + (c - 48);
    c = b[++p]!;
  }
  // Binance's form: `.` and exactly 8 digits, then not a digit (a second `.` stops the caller).
  if (c === 46 && p > s && p + 9 < b.length) {
    const f = frac8(viewOf(b), p + 1);
    if (f >= 0 && b[p + 9]! - 48 >>> 0 > 9) {
      const v = scale === 8 ? ip * 1e8 + f : at8(ip, f, scale);
      if (v <= MAX_FIXED) {
        dec.value = v;
        dec.error = DecimalError.None;
        dec.places = 8;
        dec.intDigits = p - s;
        return p + 9;
      }
    }
  }
  return decimalSlow(b, s, scale);
}

/** `ip.f` (f: 8 fractional digits) × 10^scale, or NaN when not exact at the scale. */
function at8(ip: number, f: number, scale: number): number {
  if (scale > 8) return ip * DPOW10[scale]! + f * DPOW10[scale - 8]!;
  const div = IPOW10[8 - scale]!;
  return f % div === 0 ? ip * DPOW10[scale]! + f / div : NaN;
}

/** The byte loop of {@linkcode decimalAt}: every accepted form, every error. */
function decimalSlow(b: Uint8Array, p: number, scale: number): number {
  let v = 0;
  let frac = -1; // digits kept after '.', or -1 before it
  let places = 0;
  let ints = 0;
  let ok = true;
  let fine = 0; // fractional position of the last non-zero digit beyond the scale
  for (;;) {
    const c = b[p]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      p++;
      if (frac < 0) {
        ints++;
        v = v * 10 + d;
        continue;
      }
      places++;
      if (frac >= scale) {
        if (d !== 0) fine = places;
        continue;
      }
      frac++;
      v = v * 10 + d;
    } else if (c === 46) {
      p++;
      if (frac >= 0) ok = false;
      frac = 0;
    } else break;
  }
  dec.places = places;
  dec.intDigits = ints;
  dec.value = NaN;
  if (!ok || ints + places === 0) dec.error = DecimalError.Bad;
  else if (fine > 0) {
    dec.error = fine <= MAX_DECIMALS ? DecimalError.Fine : DecimalError.Bad;
    dec.decimals = fine;
  } else {
    v *= DPOW10[scale - (frac < 0 ? 0 : frac)]!;
    if (v <= MAX_FIXED) {
      dec.value = v;
      dec.error = DecimalError.None;
    } else dec.error = DecimalError.TooLarge;
  }
  return p;
}

// Terminated copies of strings and ranges for the convenience wrappers (off the hot path).
let scratch = new Uint8Array(64);

function terminated(n: number): Uint8Array {
  if (n + 1 > scratch.length) scratch = new Uint8Array(Math.max(n + 1, scratch.length * 2));
  scratch[n] = 0;
  return scratch;
}

/**
 * Parse the decimal string `s` (digits, optional single '.', no sign, no exponent) to an
 * integer scaled by 10^`scale`. Returns `NaN` when `s` is malformed, has more significant
 * fractional digits than `scale`, or does not fit exactly. Trailing fractional zeros beyond
 * `scale` are accepted. No allocation (but a one-off scratch buffer growth for long input).
 */
export function parseFixed(s: string, scale: number): number {
  return parseFixedRange(s, 0, s.length, scale);
}

/** {@linkcode parseFixed} over `s[start, end)`. No allocation. */
export function parseFixedRange(s: string, start: number, end: number, scale: number): number {
  const n = end - start;
  if (n <= 0) return NaN;
  const b = terminated(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(start + i);
    b[i] = c < 256 ? c : 255;
  }
  return decimalAt(b, 0, scale) === n ? dec.value : NaN;
}

/** {@linkcode parseFixed} over ASCII bytes `b[start, end)`. No allocation. */
export function parseFixedBytes(b: Uint8Array, start: number, end: number, scale: number): number {
  const n = end - start;
  if (n <= 0) return NaN;
  const t = terminated(n);
  t.set(b.subarray(start, end));
  return decimalAt(t, 0, scale) === n ? dec.value : NaN;
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
