/**
 * Private: the hot loop of the Binance frame scanner — `[["px","qty"],…]` level arrays into the
 * bid/ask arrays of `st.tgt` (a `DepthDiff`), at the scale of the scan (`st.pd`/`st.qd`).
 *
 * Decimals: Binance's exact form (up to 9 integer digits, `.`, 8 fractional digits) is
 * `decimalAt`'s SWAR path of `../decimal.ts` written out inline here (two call sites of the
 * shared routine exceed V8's inlining budget: measured 20-30% slower per diff); every other form
 * falls back to `decimalAt` itself, which decides (value, too fine, too large, not a decimal).
 * `decimal_agreement_test.ts` checks the two agree. Structure goes through the shared lexer.
 * Allocates only when a level array grows, and one `DataView` when the input buffer changes.
 * Same input contract as `_scan.ts` (NUL sentinel at the end).
 * @module
 */
import { dec, DecimalError, DPOW10, frac8, MAX_FIXED as MAX } from "../decimal.ts";
import { decimalString, fail, ws } from "../json/lexer.ts";
import { failDecimal, SCALE, st } from "./_scan_state.ts";

const IPOW10 = new Int32Array([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);

let dvBytes: Uint8Array = new Uint8Array(0);
let dvView: DataView = new DataView(dvBytes.buffer);

/**
 * Parse `[["px","qty"],…]` at p into the bid or ask arrays of st.tgt. The hot loop: decimals
 * are parsed inline (no calls, locals only); whitespace is handled off the fast path; anything
 * unusual inside a decimal falls back to `decimalAt` (via `decimalString`), which decides.
 */
export function scanLevels(b: Uint8Array, p: number, isBid: boolean): number {
  if (b !== dvBytes) {
    dvBytes = b;
    dvView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const dv = dvView;
  const blen = b.length;
  // The scale of this scan: at 8 decimals (pdiv = qdiv = 1) the fast path is exactly the 8-digit
  // one; at d < 8 its value is divided by 10^(8-d) when exact, else `decimalAt` decides.
  const pd = st.pd;
  const qd = st.qd;
  const pdiv = pd <= SCALE ? IPOW10[SCALE - pd]! : NaN;
  const qdiv = qd <= SCALE ? IPOW10[SCALE - qd]! : NaN;
  const pmul = DPOW10[pd]!;
  const qmul = DPOW10[qd]!;
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
      if (pdiv !== 1) v = fp % pdiv === 0 ? ip * pmul + fp / pdiv : NaN;
      let price = v;
      if (c === 34 && nd > 0 && v <= MAX) p++;
      else {
        p = decimalString(b, s, pd);
        if (p < 0) return p;
        price = dec.value;
        if (dec.error !== DecimalError.None) return failDecimal(true, "bad price");
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
      if (qdiv !== 1) v = fp % qdiv === 0 ? ip * qmul + fp / qdiv : NaN;
      let q = v;
      if (c === 34 && nd > 0 && v <= MAX) p++;
      else {
        p = decimalString(b, s, qd);
        if (p < 0) return p;
        q = dec.value;
        if (dec.error !== DecimalError.None) return failDecimal(false, "bad quantity");
      }
      c = b[p]!;
      if (c !== 93) {
        p = ws(b, p);
        if (b[p] !== 93) return fail(b[p] === 0 ? "truncated" : "bad level");
      }
      if (n === cap) {
        tgt.growSide(isBid, n);
        px = isBid ? tgt.bidPx : tgt.askPx;
        qty = isBid ? tgt.bidQty : tgt.askQty;
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
