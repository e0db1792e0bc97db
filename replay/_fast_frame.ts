/**
 * Private: a strict fast path for the two line shapes a Binance capture is made of, exactly as
 * Binance writes them (combined-stream envelope, fixed key order, no whitespace, 8 fractional
 * digits):
 *
 *   {"stream":"…","data":{"e":"depthUpdate","E":1,"s":"…","U":1,"u":2,"b":[["1.00000000","2.00000000"],…],"a":[…]}}\n
 *   {"stream":"…","data":{"e":"trade","E":1,"s":"…","t":1,"p":"1.00000000","q":"2.00000000","T":1,"m":true,"M":true}}\n
 *
 * It parses the line AND finds its end (the `\n` right after the closing braces), so the replay
 * needs no separate newline search for such lines.
 *
 * Contract: {@linkcode fastDepthLine} / {@linkcode fastTradeLine} either return the index of the
 * line's `\n` with `out` filled exactly as `parseFrameInPlace` fills it for that line (kind
 * `Depth` / `Trade`), or -1 on ANY deviation (other key order, whitespace, escapes, other digit
 * counts, numbers out of range, a short buffer, …), after which the caller runs the general
 * scanner on the line, which decides. Acceptance is a strict subset of what the general scanner
 * accepts with the same result (tested in `fast_frame_test.ts`). `b[limit]` is overwritten with a
 * NUL sentinel during the call and restored; nothing at or after `limit` is accepted as content.
 * No allocation (except growing the diff's level arrays, as the general scanner does).
 * @module
 */
import type { ParsedFrame } from "../venues/binance/parse.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import { frac8 } from "../venues/binance/_scan_levels.ts";

const MAX = Number.MAX_SAFE_INTEGER;
const POW10 = new Float64Array([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8]);

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
const L_OPEN = bytes('{"stream":"');
const L_DEPTH = bytes('","data":{"e":"depthUpdate","E":');
const L_TRADE = bytes('","data":{"e":"trade","E":');
const L_S = bytes(',"s":"');
const L_U1 = bytes('","U":');
const L_U2 = bytes(',"u":');
const L_B = bytes(',"b":');
const L_A = bytes(',"a":');
const L_T1 = bytes('","t":');
const L_P = bytes(',"p":"');
const L_Q = bytes('","q":"');
const L_T2 = bytes('","T":');
const L_M1 = bytes(',"m":');
const L_M2 = bytes(',"M":');

// Scratch outputs of the helpers (never re-entered). Object fields keep a stable double
// representation (updated in place); a module-level `let` holding a double may box per store.
const sc = { num: 0, dec: 0 };

let dvBytes: Uint8Array = new Uint8Array(0);
let dv: DataView = new DataView(dvBytes.buffer);

/** True when `b[p, p + lit.length)` equals `lit` (the sentinel never matches a literal byte). */
function lit(b: Uint8Array, p: number, l: Uint8Array): boolean {
  for (let i = 0; i < l.length; i++) if (b[p + i] !== l[i]) return false;
  return true;
}

/** Skip a string body of printable ASCII without `"` or `\`; returns the index of the closing quote or -1. */
function plainString(b: Uint8Array, p: number): number {
  let c = b[p]!;
  while (c !== 34) {
    if (c < 32 || c === 92 || c > 126) return -1;
    c = b[++p]!;
  }
  return p;
}

/** A plain JSON integer `0` or `[1-9][0-9]{0,15}` below 2^53 into `sc.num`; returns the index after it or -1. */
function int(b: Uint8Array, p: number): number {
  let c = b[p]!;
  if (c === 48) {
    sc.num = 0;
    c = b[p + 1]!;
    return c - 48 >>> 0 <= 9 ? -1 : p + 1;
  }
  // Two int32 chunks of up to 8 digits keep the loop in integer registers; combined in f64.
  const s = p;
  let hi = 0;
  while (c - 48 >>> 0 <= 9 && p - s < 8) {
    hi = hi * 10 + (c - 48);
    c = b[++p]!;
  }
  if (p === s) return -1;
  const m = p;
  let lo = 0;
  while (c - 48 >>> 0 <= 9 && p - m < 8) {
    lo = lo * 10 + (c - 48);
    c = b[++p]!;
  }
  if (c - 48 >>> 0 <= 9) return -1; // more than 16 digits
  const v = hi * POW10[p - m]! + lo;
  if (v > MAX) return -1;
  sc.num = v;
  return p;
}

/**
 * A decimal body `(0|[1-9][0-9]{0,8}).[0-9]{8}` then `"`, into `sc.dec` (× 10^8); returns
 * the index of the closing quote or -1. Needs `p + 18 < limit` or the sentinel to stop it.
 */
function decimal(b: Uint8Array, p: number, limit: number): number {
  const s = p;
  let c = b[p]!;
  let ip = 0;
  if (c === 48) c = b[++p]!;
  else {
    while (c - 48 >>> 0 <= 9 && p - s < 9) {
      ip = ip * 10 + (c - 48);
      c = b[++p]!;
    }
    if (p === s) return -1;
  }
  if (c !== 46 || p + 10 > limit) return -1;
  const f = frac8(dv, p + 1);
  if (f < 0 || b[p + 9] !== 34) return -1;
  sc.dec = ip * 1e8 + f;
  if (sc.dec > MAX) return -1;
  return p + 9;
}

/**
 * `[["px","qty"],…]` (at `[`) into the bid or ask arrays of `d`; returns the index after `]` or -1.
 * The hot loop: both decimals are {@linkcode decimal} written out inline (same acceptance), so a
 * level costs no calls besides `frac8`.
 */
function levels(b: Uint8Array, p: number, limit: number, d: DepthDiff, isBid: boolean): number {
  let px = isBid ? d.bidPx : d.askPx;
  let qty = isBid ? d.bidQty : d.askQty;
  const v = dv;
  let n = 0;
  if (b[p] !== 91) return -1;
  p++;
  if (b[p] === 93) {
    if (isBid) d.nBids = 0;
    else d.nAsks = 0;
    return p + 1;
  }
  for (;;) {
    if (b[p] !== 91 || b[p + 1] !== 34) return -1;
    // Price: decimal(b, p + 2, limit), inline.
    p += 2;
    let s = p;
    let c = b[p]!;
    let ip = 0;
    if (c === 48) c = b[++p]!;
    else {
      while (c - 48 >>> 0 <= 9 && p - s < 9) {
        ip = ip * 10 + (c - 48);
        c = b[++p]!;
      }
      if (p === s) return -1;
    }
    if (c !== 46 || p + 10 > limit) return -1;
    let f = frac8(v, p + 1);
    if (f < 0 || b[p + 9] !== 34) return -1;
    const price = ip * 1e8 + f;
    if (price > MAX) return -1;
    p += 9;
    if (b[p + 1] !== 44 || b[p + 2] !== 34) return -1;
    // Quantity: decimal(b, p + 3, limit), inline.
    p += 3;
    s = p;
    c = b[p]!;
    ip = 0;
    if (c === 48) c = b[++p]!;
    else {
      while (c - 48 >>> 0 <= 9 && p - s < 9) {
        ip = ip * 10 + (c - 48);
        c = b[++p]!;
      }
      if (p === s) return -1;
    }
    if (c !== 46 || p + 10 > limit) return -1;
    f = frac8(v, p + 1);
    if (f < 0 || b[p + 9] !== 34) return -1;
    const q = ip * 1e8 + f;
    if (q > MAX) return -1;
    p += 9;
    if (b[p + 1] !== 93) return -1;
    if (n === px.length) {
      d.growSide(isBid, n);
      px = isBid ? d.bidPx : d.askPx;
      qty = isBid ? d.bidQty : d.askQty;
    }
    px[n] = price;
    qty[n] = q;
    n++;
    c = b[p + 2]!;
    p += 3;
    if (c === 93) break;
    if (c !== 44) return -1;
  }
  if (isBid) d.nBids = n;
  else d.nAsks = n;
  return p;
}

function view(b: Uint8Array): void {
  if (b !== dvBytes) {
    dvBytes = b;
    dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
}

/**
 * Parse the depth line starting at `b[p]` (valid bytes end at `limit`) into `out.diff`. Returns
 * the index of the line's `\n`, or -1: then run the general scanner on the line.
 */
export function fastDepthLine(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  return withSentinel(b, p, limit, out, true);
}

/**
 * Parse the trade line starting at `b[p]` (valid bytes end at `limit`) into `out.trade`. Returns
 * the index of the line's `\n`, or -1: then run the general scanner on the line.
 */
export function fastTradeLine(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  return withSentinel(b, p, limit, out, false);
}

// Run the depth or trade parser with a NUL sentinel at b[limit] (restored after).
function withSentinel(b: Uint8Array, p: number, limit: number, out: ParsedFrame, isDepth: boolean): number {
  if (limit >= b.length) return -1;
  const saved = b[limit]!;
  b[limit] = 0;
  view(b);
  const r = isDepth ? depth(b, p, limit, out) : trade(b, p, limit, out);
  b[limit] = saved;
  return r;
}

/**
 * The envelope both line shapes start with, `{"stream":"…","data":{"e":"<event>","E":<int>,"s":"…`
 * where `event` is `L_DEPTH` or `L_TRADE`: `E` into `sc.num`; returns the index of the symbol's
 * closing quote, or -1.
 */
function envelope(b: Uint8Array, p: number, event: Uint8Array): number {
  if (!lit(b, p, L_OPEN)) return -1;
  p = plainString(b, p + L_OPEN.length);
  if (p < 0 || !lit(b, p, event)) return -1;
  p = int(b, p + event.length);
  if (p < 0 || !lit(b, p, L_S)) return -1;
  return plainString(b, p + L_S.length);
}

function depth(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  p = envelope(b, p, L_DEPTH);
  if (p < 0) return -1;
  const E = sc.num;
  if (!lit(b, p, L_U1)) return -1;
  p = int(b, p + L_U1.length);
  if (p < 0) return -1;
  const U = sc.num;
  if (!lit(b, p, L_U2)) return -1;
  p = int(b, p + L_U2.length);
  if (p < 0 || U > sc.num || !lit(b, p, L_B)) return -1;
  const d = out.diff;
  p = levels(b, p + L_B.length, limit, d, true);
  if (p < 0 || !lit(b, p, L_A)) return -1;
  p = levels(b, p + L_A.length, limit, d, false);
  if (p < 0 || b[p] !== 125 || b[p + 1] !== 125 || b[p + 2] !== 10 || p + 2 >= limit) return -1;
  d.firstId = U;
  d.lastId = sc.num;
  d.prevId = -1; // spot: no pu
  d.eventTimeMs = E;
  out.reason = "";
  out.combined = true;
  return p + 2;
}

/** `true` or `false` at p: 1 / 0, or -1. */
function bool(b: Uint8Array, p: number): number {
  if (b[p] === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) return 1;
  if (b[p] === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) return 0;
  return -1;
}

function trade(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  p = envelope(b, p, L_TRADE);
  if (p < 0) return -1;
  const E = sc.num;
  if (!lit(b, p, L_T1)) return -1;
  p = int(b, p + L_T1.length);
  if (p < 0 || !lit(b, p, L_P)) return -1;
  const id = sc.num;
  p = decimal(b, p + L_P.length, limit);
  if (p < 0 || !lit(b, p, L_Q)) return -1;
  const price = sc.dec;
  p = decimal(b, p + L_Q.length, limit);
  if (p < 0 || !lit(b, p, L_T2)) return -1;
  const q = sc.dec;
  p = int(b, p + L_T2.length);
  if (p < 0 || !lit(b, p, L_M1)) return -1;
  p += L_M1.length;
  const m = bool(b, p);
  if (m < 0) return -1;
  p += m === 1 ? 4 : 5;
  if (!lit(b, p, L_M2)) return -1;
  p += L_M2.length;
  const m2 = bool(b, p);
  if (m2 < 0) return -1;
  p += m2 === 1 ? 4 : 5;
  if (b[p] !== 125 || b[p + 1] !== 125 || b[p + 2] !== 10 || p + 2 >= limit) return -1;
  const t = out.trade;
  t.id = id;
  t.firstTradeId = id;
  t.lastTradeId = id;
  t.priceTicks = price;
  t.qtyLots = q;
  t.tradeTimeMs = sc.num;
  t.eventTimeMs = E;
  t.buyerIsMaker = m === 1;
  out.reason = "";
  out.combined = true;
  return p + 2;
}
