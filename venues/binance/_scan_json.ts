/**
 * Private: the generic JSON value scanners of the Binance byte scanner — strings (validated,
 * escapes checked), numbers (plain non-negative safe integers into `st.num`), decimal strings
 * (× 10^scale into `st.dec`), literals, skipping any value with full validation, and the small
 * key/word comparers used by `scanObject`. Same input contract as `_scan.ts` (NUL sentinel at
 * the end, no bounds checks).
 * @module
 */
import {
  DEC_BAD,
  DEC_BIG,
  DEC_FINE,
  DPOW10,
  fail,
  MAX,
  MAX_DECIMALS,
  MAX_DEPTH,
  POW10,
  st,
  ws,
} from "./_scan_state.ts";

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

/** Scan a JSON number at p; sets st.num (NaN unless a plain non-negative safe integer). */
export function scanNumber(b: Uint8Array, p: number): number {
  let c = b[p]!;
  let plain = true;
  if (c === 45) {
    plain = false;
    c = b[++p]!;
  }
  if (c === 48) {
    c = b[++p]!;
    st.num = 0;
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
    st.num = hi * POW10[p - m]! + lo;
    if (c >= 48 && c <= 57) {
      do c = b[++p]!; while (c >= 48 && c <= 57);
      st.num = Infinity;
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
  if (!plain || st.num > MAX) st.num = NaN;
  return p;
}

/**
 * Parse a decimal string body (after the opening quote) to × 10^`scale`; sets st.dec (NaN when
 * it cannot be held, with the reason in st.decWhy: not a plain decimal, significant digits beyond
 * `scale` — st.fine then holds the decimals it needs — or beyond 2^53 at `scale`) and returns
 * the index after the closing quote, or -1 when the string itself is bad.
 */
export function scanDecimal(b: Uint8Array, p: number, scale: number): number {
  let v = 0;
  let frac = -1;
  let digits = 0;
  let ok = true;
  let fine = 0; // fractional position of the last non-zero digit beyond the scale
  for (;;) {
    const c = b[p]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      p++;
      digits++;
      if (frac >= 0) {
        if (frac >= scale) {
          frac++;
          if (d !== 0) fine = frac;
          continue;
        }
        frac++;
      }
      v = v * 10 + d;
    } else if (c === 46) {
      p++;
      if (frac >= 0) ok = false;
      frac = 0;
    } else if (c === 34) {
      p++;
      break;
    } else {
      // Not a plain decimal: validate the rest as a JSON string, report invalid.
      st.dec = NaN;
      st.decWhy = DEC_BAD;
      return skipString(b, p);
    }
  }
  if (!ok || digits === 0) {
    st.dec = NaN;
    st.decWhy = DEC_BAD;
  } else if (fine > 0) {
    st.dec = NaN;
    st.decWhy = fine <= MAX_DECIMALS ? DEC_FINE : DEC_BAD;
    st.fine = fine;
  } else {
    v *= DPOW10[scale - (frac < 0 ? 0 : frac > scale ? scale : frac)]!;
    st.dec = v <= MAX ? v : NaN;
    st.decWhy = DEC_BIG;
  }
  return p;
}

/** Skip any JSON value at p. */
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
export const LIT_TRUE = new Uint8Array([116, 114, 117, 101]);
/** The bytes of `false`. */
export const LIT_FALSE = new Uint8Array([102, 97, 108, 115, 101]);
/** The bytes of `null`. */
export const LIT_NULL = new Uint8Array([110, 117, 108, 108]);

/** Match the literal `word` at p; returns the index after it, or -1. */
export function lit(b: Uint8Array, p: number, word: Uint8Array): number {
  for (let i = 0; i < word.length; i++) {
    if (b[p + i] !== word[i]) return fail(b[p + i] === 0 ? "truncated" : "bad literal");
  }
  return p + word.length;
}

/** Compare the string body at p (after the quote) with `word` followed by a quote. */
export function strIs(b: Uint8Array, p: number, word: Uint8Array): boolean {
  const n = word.length;
  for (let i = 0; i < n; i++) if (b[p + i] !== word[i]) return false;
  return b[p + n] === 34;
}

/** Whether the key bytes `b[ks, ks + klen)` equal `word`. */
export function keyIs(b: Uint8Array, ks: number, klen: number, word: Uint8Array): boolean {
  if (klen !== word.length) return false;
  for (let i = 0; i < klen; i++) if (b[ks + i] !== word[i]) return false;
  return true;
}

/** Read an integer value into st.num; on a non-number value, skip it and set NaN. */
export function intValue(b: Uint8Array, p: number, c: number): number {
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(b, p);
  st.num = NaN;
  return skipValue(b, p, 1);
}
