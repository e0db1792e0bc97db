/**
 * Private byte-level JSON scanner for Binance frames. One module-level state (JS is single
 * threaded and a scan is synchronous, so it is never re-entered).
 *
 * Contract:
 * - Input is UTF-8 bytes `b[0, end)` followed by a NUL sentinel at `b[end]`. Every loop stops on
 *   the sentinel (NUL is never valid JSON outside a string, and raw control bytes are invalid
 *   inside one), so no per-byte bounds check is needed and truncation is always detected.
 * - Key order is free. Keys with escapes are rejected (never misread). Values of known keys are
 *   read by type: a value of an unexpected type clears that key's presence bit, so a required
 *   key with the wrong type reports "missing or mistyped …". Unknown keys are skipped with full
 *   JSON validation (strings, escapes, numbers, literals, nesting up to {@linkcode MAX_DEPTH}).
 * - Decimal strings become integers × 10^8 exactly (more than 8 significant fractional digits
 *   or a value ≥ 2^53 is an error). Integer JSON numbers must be plain non-negative integers
 *   below 2^53; update ids reach ~4e10 and are accumulated in f64, never with 32-bit ops.
 * - No allocation, except when a {@linkcode DepthDiff} level array grows (and one `DataView` when
 *   the input buffer changes: the frame buffer grows, or a snapshot body is scanned).
 * - Level decimals with exactly 8 fractional digits (Binance's format) read them as two
 *   little-endian 32-bit words (SWAR); anything else takes the byte loop. Both give the same result.
 * @module
 */
import { DepthDiff } from "./types.ts";

/** Maximum nesting depth of skipped values. */
export const MAX_DEPTH = 64;

// Presence bits.
export const F_e = 1 << 0;
export const F_E = 1 << 1;
export const F_U = 1 << 2;
export const F_u = 1 << 3;
export const F_b = 1 << 4;
export const F_a = 1 << 5;
export const F_t = 1 << 6;
export const F_p = 1 << 7;
export const F_q = 1 << 8;
export const F_T = 1 << 9;
export const F_m = 1 << 10;
export const F_aid = 1 << 11;
export const F_f = 1 << 12;
export const F_l = 1 << 13;
export const F_result = 1 << 14;
export const F_id = 1 << 15;
export const F_code = 1 << 16;
export const F_msg = 1 << 17;
export const F_stream = 1 << 18;
export const F_data = 1 << 19;
export const F_lastUpdateId = 1 << 20;
export const F_bids = 1 << 21;
export const F_asks = 1 << 22;
/** Bits of payload keys (anything but the envelope's `stream`/`data`). */
export const PAYLOAD_BITS = ~(F_stream | F_data);

// Event types (value of "e").
export const E_NONE = 0;
export const E_DEPTH = 1;
export const E_TRADE = 2;
export const E_AGG = 3;
export const E_SHUTDOWN = 4;
export const E_OTHER = 9;

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const IPOW10 = new Int32Array(POW10);
const SCALE = 8;
const MAX = Number.MAX_SAFE_INTEGER;

/** Scanner state: the outputs of one scan. Read them right after `scanObject`. */
export const st = {
  /** Error reason ("" when none). */
  err: "",
  mask: 0,
  dataMask: 0,
  eType: E_NONE,
  E: 0,
  U: 0,
  u: 0,
  t: 0,
  T: 0,
  p: 0,
  q: 0,
  m: false,
  aid: 0,
  f: 0,
  l: 0,
  code: 0,
  id: NaN,
  msgStart: 0,
  msgEnd: 0,
  lastUpdateId: 0,
  /** Scanned integer (NaN when the number is not a plain non-negative safe integer). */
  num: 0,
  /** Scanned decimal (NaN when invalid). */
  dec: 0,
  /** Where levels go. */
  tgt: new DepthDiff(1),
};

function fail(reason: string): number {
  if (st.err === "") st.err = reason;
  return -1;
}

/** Skip JSON whitespace. */
export function ws(b: Uint8Array, p: number): number {
  let c = b[p]!;
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p]!;
  return p;
}

/** Reset the outputs before a scan. */
export function reset(tgt: DepthDiff): void {
  st.err = "";
  st.mask = 0;
  st.dataMask = 0;
  st.eType = E_NONE;
  st.id = NaN;
  st.tgt = tgt;
  tgt.nBids = 0;
  tgt.nAsks = 0;
}

// Scan a JSON string body starting after the opening quote; returns the index after the
// closing quote. Validates escapes and rejects raw control bytes (including the sentinel).
function skipString(b: Uint8Array, p: number): number {
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

// Scan a JSON number at p; sets st.num (NaN unless a plain non-negative safe integer).
function scanNumber(b: Uint8Array, p: number): number {
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

// Parse a decimal string body (after the opening quote) to ×10^8; sets st.dec (NaN when
// invalid) and returns the index after the closing quote, or -1 when the string itself is bad.
function scanDecimal(b: Uint8Array, p: number): number {
  let v = 0;
  let frac = -1;
  let digits = 0;
  let ok = true;
  for (;;) {
    const c = b[p]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      p++;
      digits++;
      if (frac >= 0) {
        if (frac >= SCALE) {
          if (d !== 0) ok = false;
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
      return skipString(b, p);
    }
  }
  if (!ok || digits === 0) st.dec = NaN;
  else {
    v *= POW10[SCALE - (frac < 0 ? 0 : frac)]!;
    st.dec = v <= MAX ? v : NaN;
  }
  return p;
}

// Skip any JSON value at p.
function skipValue(b: Uint8Array, p: number, depth: number): number {
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

const LIT_TRUE = new Uint8Array([116, 114, 117, 101]);
const LIT_FALSE = new Uint8Array([102, 97, 108, 115, 101]);
const LIT_NULL = new Uint8Array([110, 117, 108, 108]);

function lit(b: Uint8Array, p: number, word: Uint8Array): number {
  for (let i = 0; i < word.length; i++) {
    if (b[p + i] !== word[i]) return fail(b[p + i] === 0 ? "truncated" : "bad literal");
  }
  return p + word.length;
}

let dvBytes: Uint8Array = new Uint8Array(0);
let dvView: DataView = new DataView(dvBytes.buffer);

// The 8 ASCII digits at b[p, p+8) as an integer (SWAR on two little-endian 32-bit words), or
// -1 when any of them is not a digit. The caller guarantees p + 8 <= length.
function frac8(dv: DataView, p: number): number {
  const x = dv.getUint32(p, true);
  const y = dv.getUint32(p + 4, true);
  if (
    (x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030 ||
    (y & 0xf0f0f0f0) !== 0x30303030 || ((y + 0x06060606) & 0xf0f0f0f0) !== 0x30303030
  ) return -1;
  return digits4(x - 0x30303030) * 10000 + digits4(y - 0x30303030);
}

// Four digit values in the bytes of `d` (first digit lowest) as a number 0..9999.
function digits4(d: number): number {
  const t = (d * 10 + (d >>> 8)) & 0x00ff00ff;
  return (t & 0xff) * 100 + (t >>> 16);
}

// Parse `[["px","qty"],…]` at p into the bid or ask arrays of st.tgt. The hot loop: decimals
// are parsed inline (no calls, locals only); whitespace is handled off the fast path; anything
// unusual inside a decimal falls back to scanDecimal, which decides.
function scanLevels(b: Uint8Array, p: number, isBid: boolean): number {
  if (b !== dvBytes) {
    dvBytes = b;
    dvView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const dv = dvView;
  const blen = b.length;
  const tgt = st.tgt;
  let px = isBid ? tgt.bidPx : tgt.askPx;
  let qty = isBid ? tgt.bidQty : tgt.askQty;
  let cap = px.length;
  let n = 0;
  let c = b[++p]!;
  if (c !== 91 && c !== 93) {
    p = ws(b, p);
    c = b[p]!;
  }
  if (c === 93) p++;
  else {
    for (;;) {
      // c === b[p] here, expected '['
      if (c !== 91) return fail(c === 0 ? "truncated" : "bad level");
      c = b[++p]!;
      if (c !== 34) {
        p = ws(b, p);
        if (b[p] !== 34) return fail(b[p] === 0 ? "truncated" : "bad level");
      }
      // price
      let s = ++p;
      let ip = 0;
      c = b[p]!;
      while (c - 48 >>> 0 <= 9 && p - s < 9) {
        ip = ip * 10 + (c - 48);
        c = b[++p]!;
      }
      let nd = p - s;
      let fp = 0;
      if (c === 46) {
        // Binance writes exactly 8 fractional digits: read them as two 4-byte words.
        const f8 = p + 9 < blen ? frac8(dv, p + 1) : -1;
        if (f8 >= 0) {
          fp = f8;
          p += 9;
          c = b[p]!;
          nd += 8;
        } else {
          c = b[++p]!;
          const fs = p;
          while (c - 48 >>> 0 <= 9 && p - fs < 8) {
            fp = fp * 10 + (c - 48);
            c = b[++p]!;
          }
          const fd = p - fs;
          while (c === 48) c = b[++p]!;
          fp *= IPOW10[8 - fd]!;
          nd += fd;
        }
      }
      let v = ip * 1e8 + fp;
      let price = v;
      if (c === 34 && nd > 0 && v <= MAX) p++;
      else {
        p = scanDecimal(b, s);
        if (p < 0) return p;
        price = st.dec;
        if (price !== price) return fail("bad price");
      }
      c = b[p]!;
      if (c !== 44) {
        p = ws(b, p);
        if (b[p] !== 44) return fail(b[p] === 0 ? "truncated" : "bad level");
      }
      c = b[++p]!;
      if (c !== 34) {
        p = ws(b, p);
        if (b[p] !== 34) return fail(b[p] === 0 ? "truncated" : "bad level");
      }
      // quantity
      s = ++p;
      ip = 0;
      c = b[p]!;
      while (c - 48 >>> 0 <= 9 && p - s < 9) {
        ip = ip * 10 + (c - 48);
        c = b[++p]!;
      }
      nd = p - s;
      fp = 0;
      if (c === 46) {
        // Binance writes exactly 8 fractional digits: read them as two 4-byte words.
        const f8 = p + 9 < blen ? frac8(dv, p + 1) : -1;
        if (f8 >= 0) {
          fp = f8;
          p += 9;
          c = b[p]!;
          nd += 8;
        } else {
          c = b[++p]!;
          const fs = p;
          while (c - 48 >>> 0 <= 9 && p - fs < 8) {
            fp = fp * 10 + (c - 48);
            c = b[++p]!;
          }
          const fd = p - fs;
          while (c === 48) c = b[++p]!;
          fp *= IPOW10[8 - fd]!;
          nd += fd;
        }
      }
      v = ip * 1e8 + fp;
      let q = v;
      if (c === 34 && nd > 0 && v <= MAX) p++;
      else {
        p = scanDecimal(b, s);
        if (p < 0) return p;
        q = st.dec;
        if (q !== q) return fail("bad quantity");
      }
      c = b[p]!;
      if (c !== 93) {
        p = ws(b, p);
        if (b[p] !== 93) return fail(b[p] === 0 ? "truncated" : "bad level");
      }
      if (n === cap) {
        if (isBid) {
          tgt.nBids = n;
          tgt.growBids(n + 1);
          px = tgt.bidPx;
          qty = tgt.bidQty;
        } else {
          tgt.nAsks = n;
          tgt.growAsks(n + 1);
          px = tgt.askPx;
          qty = tgt.askQty;
        }
        cap = px.length;
      }
      px[n] = price;
      qty[n] = q;
      n++;
      c = b[++p]!;
      if (c !== 44 && c !== 93) {
        p = ws(b, p);
        c = b[p]!;
      }
      if (c === 44) {
        c = b[++p]!;
        if (c !== 91) {
          p = ws(b, p);
          c = b[p]!;
        }
      } else if (c === 93) {
        p++;
        break;
      } else return fail(c === 0 ? "truncated" : "expected comma or bracket");
    }
  }
  if (isBid) tgt.nBids = n;
  else tgt.nAsks = n;
  return p;
}

// Compare the string body at p (after the quote) with `word` followed by a quote.
function strIs(b: Uint8Array, p: number, word: Uint8Array): boolean {
  const n = word.length;
  for (let i = 0; i < n; i++) if (b[p + i] !== word[i]) return false;
  return b[p + n] === 34;
}

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
const W_DEPTH = bytes("depthUpdate");
const W_TRADE = bytes("trade");
const W_AGG = bytes("aggTrade");
const W_SHUTDOWN = bytes("serverShutdown");
const K_DATA = bytes("data");
const K_STREAM = bytes("stream");
const K_RESULT = bytes("result");
const K_ID = bytes("id");
const K_CODE = bytes("code");
const K_MSG = bytes("msg");
const K_LAST = bytes("lastUpdateId");
const K_BIDS = bytes("bids");
const K_ASKS = bytes("asks");

function keyIs(b: Uint8Array, ks: number, klen: number, word: Uint8Array): boolean {
  if (klen !== word.length) return false;
  for (let i = 0; i < klen; i++) if (b[ks + i] !== word[i]) return false;
  return true;
}

// Read an integer value into st.num; on a non-number value, skip it and set NaN.
function intValue(b: Uint8Array, p: number, c: number): number {
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(b, p);
  st.num = NaN;
  return skipValue(b, p, 1);
}

/**
 * Scan the object at `p` (which must be `{`). `nested` is true inside an envelope's `data`.
 * Returns the index after the closing brace, or -1 with `st.err` set.
 */
export function scanObject(b: Uint8Array, p: number, nested: boolean): number {
  p = ws(b, p + 1);
  if (b[p] === 125) return p + 1;
  for (;;) {
    if (b[p] !== 34) return fail(b[p] === 0 ? "truncated" : "expected key");
    const ks = ++p;
    let k = b[p]!;
    while (k !== 34) {
      if (k === 92) return fail("escaped key");
      if (k < 32) return fail(k === 0 ? "truncated" : "control character in string");
      k = b[++p]!;
    }
    const klen = p - ks;
    p = ws(b, p + 1);
    if (b[p] !== 58) return fail(b[p] === 0 ? "truncated" : "expected colon");
    p = ws(b, p + 1);
    const c = b[p]!;
    if (klen === 1) {
      switch (b[ks]) {
        case 101: // e
          if (c === 34) {
            const s = p + 1;
            p = skipString(b, s);
            if (p < 0) return p;
            for (let i = s; i < p - 1; i++) if (b[i] === 92) return fail("escaped event type");
            st.eType = strIs(b, s, W_DEPTH)
              ? E_DEPTH
              : strIs(b, s, W_TRADE)
              ? E_TRADE
              : strIs(b, s, W_AGG)
              ? E_AGG
              : strIs(b, s, W_SHUTDOWN)
              ? E_SHUTDOWN
              : E_OTHER;
            st.mask |= F_e;
          } else {
            p = skipValue(b, p, 1);
            st.mask &= ~F_e;
          }
          break;
        case 98: // b
          if (c === 91) {
            p = scanLevels(b, p, true);
            st.mask |= F_b;
          } else {
            p = skipValue(b, p, 1);
            st.mask &= ~F_b;
          }
          break;
        case 97: // a: levels (depth) or aggregate id (aggTrade)
          if (c === 91) {
            p = scanLevels(b, p, false);
            st.mask = (st.mask | F_a) & ~F_aid;
          } else {
            p = intValue(b, p, c);
            st.aid = st.num;
            st.mask = st.num === st.num ? (st.mask | F_aid) & ~F_a : st.mask & ~(F_aid | F_a);
          }
          break;
        case 85: // U
          p = intValue(b, p, c);
          st.U = st.num;
          st.mask = st.num === st.num ? st.mask | F_U : st.mask & ~F_U;
          break;
        case 117: // u
          p = intValue(b, p, c);
          st.u = st.num;
          st.mask = st.num === st.num ? st.mask | F_u : st.mask & ~F_u;
          break;
        case 69: // E
          p = intValue(b, p, c);
          st.E = st.num;
          st.mask = st.num === st.num ? st.mask | F_E : st.mask & ~F_E;
          break;
        case 116: // t
          p = intValue(b, p, c);
          st.t = st.num;
          st.mask = st.num === st.num ? st.mask | F_t : st.mask & ~F_t;
          break;
        case 84: // T
          p = intValue(b, p, c);
          st.T = st.num;
          st.mask = st.num === st.num ? st.mask | F_T : st.mask & ~F_T;
          break;
        case 102: // f
          p = intValue(b, p, c);
          st.f = st.num;
          st.mask = st.num === st.num ? st.mask | F_f : st.mask & ~F_f;
          break;
        case 108: // l
          p = intValue(b, p, c);
          st.l = st.num;
          st.mask = st.num === st.num ? st.mask | F_l : st.mask & ~F_l;
          break;
        case 112: // p
        case 113: { // q
          const bit = b[ks] === 112 ? F_p : F_q;
          if (c === 34) p = scanDecimal(b, p + 1);
          else {
            st.dec = NaN;
            p = skipValue(b, p, 1);
          }
          if (b[ks] === 112) st.p = st.dec;
          else st.q = st.dec;
          st.mask = st.dec === st.dec ? st.mask | bit : st.mask & ~bit;
          break;
        }
        case 109: // m
          if (c === 116 || c === 102) {
            p = lit(b, p, c === 116 ? LIT_TRUE : LIT_FALSE);
            st.m = c === 116;
            st.mask |= F_m;
          } else {
            p = skipValue(b, p, 1);
            st.mask &= ~F_m;
          }
          break;
        default:
          p = skipValue(b, p, 1);
      }
    } else if (keyIs(b, ks, klen, K_DATA) && !nested && c === 123) {
      const saved = st.mask;
      st.mask = 0;
      p = scanObject(b, p, true);
      st.dataMask = st.mask;
      st.mask = saved | F_data;
    } else if (keyIs(b, ks, klen, K_STREAM)) {
      p = skipValue(b, p, 1);
      st.mask |= F_stream;
    } else if (keyIs(b, ks, klen, K_RESULT)) {
      p = skipValue(b, p, 1);
      st.mask |= F_result;
    } else if (keyIs(b, ks, klen, K_ID)) {
      p = intValue(b, p, c);
      st.id = st.num;
      st.mask |= F_id;
    } else if (keyIs(b, ks, klen, K_CODE)) {
      p = intValue(b, p, c);
      st.code = st.num;
      st.mask = st.num === st.num ? st.mask | F_code : st.mask & ~F_code;
    } else if (keyIs(b, ks, klen, K_MSG)) {
      st.msgStart = p;
      p = skipValue(b, p, 1);
      st.msgEnd = p;
      st.mask = c === 34 ? st.mask | F_msg : st.mask & ~F_msg;
    } else if (keyIs(b, ks, klen, K_LAST)) {
      p = intValue(b, p, c);
      st.lastUpdateId = st.num;
      st.mask = st.num === st.num ? st.mask | F_lastUpdateId : st.mask & ~F_lastUpdateId;
    } else if (keyIs(b, ks, klen, K_BIDS)) {
      if (c === 91) {
        p = scanLevels(b, p, true);
        st.mask |= F_bids;
      } else {
        p = skipValue(b, p, 1);
        st.mask &= ~F_bids;
      }
    } else if (keyIs(b, ks, klen, K_ASKS)) {
      if (c === 91) {
        p = scanLevels(b, p, false);
        st.mask |= F_asks;
      } else {
        p = skipValue(b, p, 1);
        st.mask &= ~F_asks;
      }
    } else p = skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    const x = b[p]!;
    if (x === 44) p = ws(b, p + 1);
    else if (x === 125) return p + 1;
    else return fail(x === 0 ? "truncated" : "expected comma or brace");
  }
}
