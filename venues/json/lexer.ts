/**
 * The byte-level JSON lexer every venue parser uses (Binance frames and snapshots, Hyperliquid
 * frames, the replay fast path): free functions over `(bytes, position)` that return the position
 * after what they read, or -1 with the reason in {@linkcode lx}`.err`.
 *
 * Contract:
 * - Input is UTF-8 bytes `b[0, end)` followed by a NUL sentinel at `b[end]`. Every loop stops on
 *   the sentinel (NUL is never valid JSON outside a string, and raw control bytes are invalid
 *   inside one), so no per-byte bounds check is needed and truncation is always detected.
 * - Strings are validated (escapes checked, raw control bytes rejected), never decoded: callers
 *   compare their bytes ({@linkcode keyIs}, {@linkcode strIs}).
 * - Integer JSON numbers are accepted as values only when they are plain non-negative integers
 *   below 2^53 (`lx.num`, else NaN); any valid JSON number is still skipped correctly. Update ids
 *   reach ~4e10 and are accumulated in f64, never with 32-bit ops.
 * - Decimal strings go through the one decimal routine ({@linkcode decimalString} →
 *   `decimalAt` of `venues/decimal.ts`).
 * - No allocation. Module-level state: JS is single-threaded and a scan is synchronous.
 * @module
 */
import { dec, decimalAt, DecimalError } from "../decimal.ts";

/** Maximum nesting depth of skipped values. */
export const MAX_DEPTH = 64;

/** Largest exactly representable integer (2^53 - 1). */
const MAX = Number.MAX_SAFE_INTEGER;

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Lexer outputs: the first error reason of the scan and the last integer read. */
export const lx = {
  /** First error reason of the current scan ("" when none); constant strings. */
  err: "",
  /** The last integer read by {@linkcode scanNumber} (NaN unless a plain non-negative safe integer). */
  num: 0,
};

/** Start a scan: clears the error reason. */
export function lexReset(): void {
  lx.err = "";
}

/** Record the first error reason of the scan; returns -1 (the failure position). */
export function fail(reason: string): number {
  if (lx.err === "") lx.err = reason;
  return -1;
}

/** Skip JSON whitespace; returns the position of the next other byte. */
export function ws(b: Uint8Array, p: number): number {
  let c = b[p]!;
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p]!;
  return p;
}

/**
 * Scan a JSON string body starting after the opening quote; returns the index after the
 * closing quote. Validates escapes and rejects raw control bytes (including the sentinel).
 */
export function skipString(b: Uint8Array, p: number): number {
  for (;;) {
    const c = b[p++]!;
    if (c === 34) return p;
    if (c < 32) return fail(c === 0 ? "truncated" : "control character in string");
    if (c === 92) {
      const x = b[p++]!;
      if (x === 117) {
        for (let i = 0; i < 4; i++) {
          const h = b[p++]!;
          if (!((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) {
            return fail("bad escape");
          }
        }
      } else if (
        x !== 34 && x !== 92 && x !== 47 && x !== 98 && x !== 102 && x !== 110 && x !== 114 && x !== 116
      ) return fail(x === 0 ? "truncated" : "bad escape");
    }
  }
}

/**
 * A string body of printable ASCII without escapes (a symbol, a stream name) starting after the
 * opening quote; returns the index of the closing quote, or -1 on any other byte (no reason set:
 * strict fast paths fall back to {@linkcode skipString}'s full rules).
 */
export function plainString(b: Uint8Array, p: number): number {
  let c = b[p]!;
  while (c !== 34) {
    if (c < 32 || c === 92 || c > 126) return -1;
    c = b[++p]!;
  }
  return p;
}

/** Scan a JSON number at p; sets `lx.num` (NaN unless a plain non-negative safe integer). */
export function scanNumber(b: Uint8Array, p: number): number {
  let c = b[p]!;
  let plain = true;
  if (c === 45) {
    plain = false;
    c = b[++p]!;
  }
  if (c === 48) {
    c = b[++p]!;
    lx.num = 0;
    if (c >= 48 && c <= 57) return fail("bad number");
  } else if (c >= 49 && c <= 57) {
    // Two int32 chunks of up to 9 digits keep the arithmetic in integer registers (update ids
    // have 11 digits); the result is combined in f64. More than 18 digits cannot be < 2^53.
    const s = p;
    let hi = 0;
    do {
      hi = hi * 10 + (c - 48);
      c = b[++p]!;
    } while (c >= 48 && c <= 57 && p - s < 9);
    let lo = 0;
    const m = p;
    while (c >= 48 && c <= 57 && p - m < 9) {
      lo = lo * 10 + (c - 48);
      c = b[++p]!;
    }
    lx.num = hi * POW10[p - m]! + lo;
    if (c >= 48 && c <= 57) {
      do c = b[++p]!; while (c >= 48 && c <= 57);
      lx.num = Infinity;
    }
  } else return fail(c === 0 ? "truncated" : "bad number");
  if (c === 46) {
    plain = false;
    c = b[++p]!;
    if (c < 48 || c > 57) return fail("bad number");
    do c = b[++p]!; while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    plain = false;
    c = b[++p]!;
    if (c === 43 || c === 45) c = b[++p]!;
    if (c < 48 || c > 57) return fail("bad number");
    do c = b[++p]!; while (c >= 48 && c <= 57);
  }
  if (!plain || lx.num > MAX) lx.num = NaN;
  return p;
}

/**
 * A plain JSON integer at p, `0` or `[1-9][0-9]*`, below 2^53, into `lx.num`: exactly the numbers
 * {@linkcode scanNumber} reads as a non-NaN `lx.num` without a sign; returns the index after it,
 * or -1 for anything else (a sign, a fraction, an exponent, too large; no reason set: strict fast
 * paths fall back to the full rules).
 */
export function plainInt(b: Uint8Array, p: number): number {
  let c = b[p]!;
  if (c === 48) {
    c = b[p + 1]!;
    if ((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69) return -1;
    lx.num = 0;
    return p + 1;
  }
  if (c < 49 || c > 57) return -1;
  const s = p;
  let hi = 0;
  do {
    hi = hi * 10 + (c - 48);
    c = b[++p]!;
  } while (c >= 48 && c <= 57 && p - s < 9);
  let lo = 0;
  const m = p;
  while (c >= 48 && c <= 57 && p - m < 9) {
    lo = lo * 10 + (c - 48);
    c = b[++p]!;
  }
  if ((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69) return -1;
  const v = hi * POW10[p - m]! + lo;
  if (v > MAX) return -1;
  lx.num = v;
  return p;
}

/** Read an integer value at p (first byte `c`) into `lx.num`; any other value is skipped and gives NaN. */
export function intValue(b: Uint8Array, p: number, c: number): number {
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(b, p);
  lx.num = NaN;
  return skipValue(b, p, 1);
}

/**
 * A decimal string body (after the opening quote) through the one decimal routine: the value ×
 * 10^`scale` in `dec.value` (NaN with `dec.error` set when it cannot be held exactly, or is not a
 * plain decimal); returns the index after the closing quote, or -1 when the string itself is bad.
 */
export function decimalString(b: Uint8Array, p: number, scale: number): number {
  p = decimalAt(b, p, scale);
  if (b[p] === 34) return p + 1;
  // Not a plain decimal: validate the rest as a JSON string, report it invalid.
  dec.value = NaN;
  dec.error = DecimalError.Bad;
  return skipString(b, p);
}

/** Skip any JSON value at p (`depth`: nesting so far, at most {@linkcode MAX_DEPTH}). */
export function skipValue(b: Uint8Array, p: number, depth: number): number {
  const c = b[p]!;
  if (c === 34) return skipString(b, p + 1);
  if (c === 123 || c === 91) {
    if (depth >= MAX_DEPTH) return fail("too deep");
    const close = c === 123 ? 125 : 93;
    p = ws(b, p + 1);
    if (b[p] === close) return p + 1;
    for (;;) {
      if (c === 123) {
        if (b[p] !== 34) return fail(b[p] === 0 ? "truncated" : "expected key");
        p = skipString(b, p + 1);
        if (p < 0) return p;
        p = ws(b, p);
        if (b[p] !== 58) return fail(b[p] === 0 ? "truncated" : "expected colon");
        p = ws(b, p + 1);
      }
      p = skipValue(b, p, depth + 1);
      if (p < 0) return p;
      p = ws(b, p);
      const x = b[p]!;
      if (x === 44) p = ws(b, p + 1);
      else if (x === close) return p + 1;
      else return fail(x === 0 ? "truncated" : "expected comma or bracket");
    }
  }
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(b, p);
  if (c === 116) return lit(b, p, LIT_TRUE);
  if (c === 102) return lit(b, p, LIT_FALSE);
  if (c === 110) return lit(b, p, LIT_NULL);
  return fail(c === 0 ? "truncated" : "unexpected character");
}

/** The bytes of `true`. */
export const LIT_TRUE: Uint8Array = new Uint8Array([116, 114, 117, 101]);
/** The bytes of `false`. */
export const LIT_FALSE: Uint8Array = new Uint8Array([102, 97, 108, 115, 101]);
/** The bytes of `null`. */
export const LIT_NULL: Uint8Array = new Uint8Array([110, 117, 108, 108]);

/** Match the literal `word` at p; returns the index after it, or -1. */
export function lit(b: Uint8Array, p: number, word: Uint8Array): number {
  for (let i = 0; i < word.length; i++) {
    if (b[p + i] !== word[i]) return fail(b[p + i] === 0 ? "truncated" : "bad literal");
  }
  return p + word.length;
}

/** True when `b[p, p + word.length)` equals `word` (no reason set; the sentinel never matches). */
export function bytesAre(b: Uint8Array, p: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word[i]) return false;
  return true;
}

/** Compare the string body at p (after the quote) with `word` followed by a quote. */
export function strIs(b: Uint8Array, p: number, word: Uint8Array): boolean {
  const n = word.length;
  for (let i = 0; i < n; i++) if (b[p + i] !== word[i]) return false;
  return b[p + n] === 34;
}

/** Whether the bytes `b[ks, ks + klen)` (a key, a string's contents) equal `word`. */
export function keyIs(b: Uint8Array, ks: number, klen: number, word: Uint8Array): boolean {
  if (klen !== word.length) return false;
  for (let i = 0; i < klen; i++) if (b[ks + i] !== word[i]) return false;
  return true;
}

/** The UTF-8 bytes of an ASCII word (module setup, not per message). */
export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
