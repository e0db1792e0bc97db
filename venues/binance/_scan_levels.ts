/**
 * Private: the hot loop of the Binance byte scanner — `[["px","qty"],…]` level arrays into the
 * bid/ask arrays of `st.tgt` (a `DepthDiff`), at the scale of the scan (`st.pd`/`st.qd`).
 * Decimals with exactly 8 fractional digits are read as two little-endian 32-bit words (SWAR); anything unusual falls back to
 * `scanDecimal`, which decides. Allocates only when a level array grows, and one `DataView` when
 * the input buffer changes. Same input contract as `_scan.ts`.
 * @module
 */
import { fail, failDecimal, IPOW10, MAX, st, ws } from "./_scan_state.ts";
import { scanDecimal } from "./_scan_json.ts";

let dvBytes: Uint8Array = new Uint8Array(0);
let dvView: DataView = new DataView(dvBytes.buffer);

/**
 * The 8 ASCII digits at b[p, p+8) as an integer (SWAR on two little-endian 32-bit words), or
 * -1 when any of them is not a digit. The caller guarantees p + 8 <= length. Shared with the
 * replay fast path (`replay/_fast_frame.ts`).
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
 * Parse `[["px","qty"],…]` at p into the bid or ask arrays of st.tgt. The hot loop: decimals
 * are parsed inline (no calls, locals only); whitespace is handled off the fast path; anything
 * unusual inside a decimal falls back to scanDecimal, which decides.
 */
export function scanLevels(b: Uint8Array, p: number, isBid: boolean): number {
  if (b !== dvBytes) {
    dvBytes = b;
    dvView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const dv = dvView;
  const blen = b.length;
  // The scale of this scan: at 8 decimals (pdiv = qdiv = 1) the fast path is exactly the 8-digit
  // one; at d < 8 its value is divided by 10^(8-d) when exact, else scanDecimal decides.
  const pdiv = st.pdiv;
  const qdiv = st.qdiv;
  const pmul = st.pmul;
  const qmul = st.qmul;
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
        p = scanDecimal(b, s, st.pd);
        if (p < 0) return p;
        price = st.dec;
        if (price !== price) return failDecimal(true, "bad price");
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
        p = scanDecimal(b, s, st.qd);
        if (p < 0) return p;
        q = st.dec;
        if (q !== q) return failDecimal(false, "bad quantity");
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
