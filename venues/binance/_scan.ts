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
import {
  E_AGG,
  E_DEPTH,
  E_OTHER,
  E_SHUTDOWN,
  E_TRADE,
  F_a,
  F_aid,
  F_asks,
  F_b,
  F_bids,
  F_code,
  F_data,
  F_E,
  F_e,
  F_f,
  F_id,
  F_l,
  F_lastUpdateId,
  F_m,
  F_msg,
  F_p,
  F_pu,
  F_q,
  F_result,
  F_s,
  F_stream,
  F_T,
  F_t,
  F_U,
  F_u,
  fail,
  st,
  ws,
} from "./_scan_state.ts";
import {
  intValue,
  keyIs,
  lit,
  LIT_FALSE,
  LIT_TRUE,
  scanDecimal,
  skipString,
  skipValue,
  strIs,
} from "./_scan_json.ts";
import { scanLevels } from "./_scan_levels.ts";

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
        case 115: // s: the symbol (a string; its bytes are compared by the caller)
          if (c === 34) {
            st.sStart = p + 1;
            p = skipString(b, p + 1);
            st.sEnd = p - 1;
            st.mask |= F_s;
          } else {
            p = skipValue(b, p, 1);
            st.mask &= ~F_s;
          }
          break;
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
    } else if (klen === 2 && b[ks] === 112 && b[ks + 1] === 117) { // pu (USD-M futures)
      p = intValue(b, p, c);
      st.pu = st.num; // NaN when mistyped: the key's presence is kept so that parse rejects it
      st.mask |= F_pu;
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
