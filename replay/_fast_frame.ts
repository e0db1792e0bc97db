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
 * counts, numbers out of range or not exact at `out`'s scale, a short buffer, …), after which the
 * caller runs the general
 * scanner on the line, which decides. Acceptance is a strict subset of what the general scanner
 * accepts with the same result (tested in `fast_frame_test.ts`). `b[limit]` is overwritten with a
 * NUL sentinel during the call and restored; nothing at or after `limit` is accepted as content.
 * Built on the shared lexer (`venues/json/lexer.ts`: integers, plain strings) through this path's
 * lexing steps (`_fast_lex.ts`: literals a word at a time, the envelope) and the one decimal
 * routine (`venues/decimal.ts`: `decimalAt`, `frac8`). The scale, the DataView and `levels`
 * stay in this module: with them imported, V8's optimized `levels` boxed one number per level.
 * No allocation (except growing the diff's level arrays, as the general scanner does).
 * @module
 */
import type { ParsedFrame } from "../venues/binance/parse.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import { dec, DPOW10, frac8, MAX_FIXED as MAX } from "../venues/decimal.ts";
import { lx, plainInt } from "../venues/json/lexer.ts";
import { bool, envelope, litAt, literal, scaledDecimal } from "./_fast_lex.ts";

const POW10 = new Float64Array([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8]);

/**
 * The scale of the line (the ParsedFrame's decimals): at 8 / 8 the divisors are 1 and the
 * 8-digit value is used as is; at d < 8 it is divided by 10^(8-d) when exact, else -1 (the
 * general scanner decides: it rescales or reports); at d > 8 the divisor is NaN (always -1).
 */
const scale = { pdiv: 1, qdiv: 1, pmul: 1e8, qmul: 1e8, pd: 8, qd: 8 };

/** Set `scale` from `out`'s decimals. */
function setScale(out: ParsedFrame): void {
  const pd = out.priceDecimals;
  const qd = out.qtyDecimals;
  if (pd === scale.pd && qd === scale.qd) return;
  scale.pd = pd;
  scale.qd = qd;
  scale.pdiv = pd <= 8 ? POW10[8 - pd]! : NaN;
  scale.qdiv = qd <= 8 ? POW10[8 - qd]! : NaN;
  scale.pmul = DPOW10[pd]!;
  scale.qmul = DPOW10[qd]!;
}

/** An 8-digit fixed value `ip`.`f` at the scale with divisor `div` / multiplier `mul`, or -1. */
function atScale(ip: number, f: number, div: number, mul: number): number {
  if (div === 1) return ip * 1e8 + f;
  return f % div === 0 ? ip * mul + f / div : -1;
}

// DataViews of the last two buffers (a replay alternates its diff and trade readers' buffers).
let dvBytes: Uint8Array = new Uint8Array(0);
/** A DataView over the buffer last given to `view` (same indices). */
let dv: DataView = new DataView(dvBytes.buffer);
let dvBytes2: Uint8Array = dvBytes;
let dv2: DataView = dv;

/** Make `dv` view `b`. */
function view(b: Uint8Array): void {
  if (b === dvBytes) return;
  const pb = dvBytes;
  const pv = dv;
  if (b === dvBytes2) dv = dv2;
  else dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dvBytes = b;
  dvBytes2 = pb;
  dv2 = pv;
}

const L_DEPTH = literal('","data":{"e":"depthUpdate","E":');
const L_TRADE = literal('","data":{"e":"trade","E":');
const L_U1 = literal('","U":');
const L_U2 = literal(',"u":');
const L_B = literal(',"b":');
const L_A = literal(',"a":');
const L_T1 = literal('","t":');
const L_P = literal(',"p":"');
const L_Q = literal('","q":"');
const L_T2 = literal('","T":');
const L_M1 = literal(',"m":');
const L_M2 = literal(',"M":');

/**
 * `[["px","qty"],…]` (at `[`) into the bid or ask arrays of `d`; returns the index after `]` or -1.
 * The hot loop: both decimals are the SWAR path of `decimalAt` (`venues/decimal.ts`) written out
 * inline with {@linkcode scaledDecimal}'s acceptance (two call sites of the shared routine exceed
 * V8's inlining budget), so a level costs no calls besides `frac8`; anything else is -1 and the
 * general scanner (which uses `decimalAt`) decides.
 */
function levels(b: Uint8Array, p: number, limit: number, d: DepthDiff, isBid: boolean): number {
  let px = isBid ? d.bidPx : d.askPx;
  let qty = isBid ? d.bidQty : d.askQty;
  const v = dv;
  const pdiv = scale.pdiv;
  const qdiv = scale.qdiv;
  const pmul = scale.pmul;
  const qmul = scale.qmul;
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
    const price = pdiv === 1 ? ip * 1e8 + f : atScale(ip, f, pdiv, pmul);
    if (price > MAX || price < 0) return -1;
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
    const q = qdiv === 1 ? ip * 1e8 + f : atScale(ip, f, qdiv, qmul);
    if (q > MAX || q < 0) return -1;
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
  setScale(out);
  const r = isDepth ? depth(b, p, limit, out) : trade(b, p, limit, out);
  b[limit] = saved;
  return r;
}

function depth(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  p = envelope(dv, b, p, limit, L_DEPTH);
  if (p < 0) return -1;
  const E = lx.num;
  if (!litAt(dv, b, p, limit, L_U1)) return -1;
  p = plainInt(b, p + L_U1.length);
  if (p < 0) return -1;
  const U = lx.num;
  if (!litAt(dv, b, p, limit, L_U2)) return -1;
  p = plainInt(b, p + L_U2.length);
  if (p < 0 || U > lx.num || !litAt(dv, b, p, limit, L_B)) return -1;
  const d = out.diff;
  p = levels(b, p + L_B.length, limit, d, true);
  if (p < 0 || !litAt(dv, b, p, limit, L_A)) return -1;
  p = levels(b, p + L_A.length, limit, d, false);
  if (p < 0 || b[p] !== 125 || b[p + 1] !== 125 || b[p + 2] !== 10 || p + 2 >= limit) return -1;
  d.firstId = U;
  d.lastId = lx.num;
  d.prevId = -1; // spot: no pu
  d.eventTimeMs = E;
  out.reason = "";
  out.combined = true;
  return p + 2;
}

function trade(b: Uint8Array, p: number, limit: number, out: ParsedFrame): number {
  p = envelope(dv, b, p, limit, L_TRADE);
  if (p < 0) return -1;
  const E = lx.num;
  if (!litAt(dv, b, p, limit, L_T1)) return -1;
  p = plainInt(b, p + L_T1.length);
  if (p < 0 || !litAt(dv, b, p, limit, L_P)) return -1;
  const id = lx.num;
  p = scaledDecimal(b, p + L_P.length, scale.pd);
  if (p < 0 || !litAt(dv, b, p, limit, L_Q)) return -1;
  const price = dec.value;
  p = scaledDecimal(b, p + L_Q.length, scale.qd);
  if (p < 0 || !litAt(dv, b, p, limit, L_T2)) return -1;
  const q = dec.value;
  p = plainInt(b, p + L_T2.length);
  if (p < 0 || !litAt(dv, b, p, limit, L_M1)) return -1;
  p += L_M1.length;
  const m = bool(b, p);
  if (m < 0) return -1;
  p += m === 1 ? 4 : 5;
  if (!litAt(dv, b, p, limit, L_M2)) return -1;
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
  t.tradeTimeMs = lx.num;
  t.eventTimeMs = E;
  t.buyerIsMaker = m === 1;
  out.reason = "";
  out.combined = true;
  return p + 2;
}
