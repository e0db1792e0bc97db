/**
 * Private: the Binance frame scanner — one pass over a frame's object, key order free, values of
 * known keys read by type into `st` (`_scan_state.ts`). Built on the shared lexer
 * (`../json/lexer.ts`, whose input contract it follows: NUL sentinel after the frame) and the one
 * decimal routine (`../decimal.ts`).
 *
 * - Keys with escapes are rejected (never misread). A value of an unexpected type clears that
 *   key's presence bit, so a required key with the wrong type reports "missing or mistyped …".
 *   Unknown keys are skipped with full JSON validation.
 * - Decimal strings become integers × 10^`st.pd` / 10^`st.qd` exactly; a value finer than the
 *   scale or beyond 2^53 units fails with its own reason (see `failDecimal`).
 * - No allocation, except when a `DepthDiff` level array grows.
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
  failDecimal,
  st,
} from "./_scan_state.ts";
import { dec, DecimalError } from "../decimal.ts";
import {
  ascii as bytes,
  decimalString,
  fail,
  intValue,
  keyIs,
  lit,
  LIT_FALSE,
  LIT_TRUE,
  lx,
  skipString,
  skipValue,
  strIs,
  ws,
} from "../json/lexer.ts";
import { scanLevels } from "./_scan_levels.ts";
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
            st.aid = lx.num;
            st.mask = lx.num === lx.num ? (st.mask | F_aid) & ~F_a : st.mask & ~(F_aid | F_a);
          }
          break;
        case 85: // U
          p = intValue(b, p, c);
          st.U = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_U : st.mask & ~F_U;
          break;
        case 117: // u
          p = intValue(b, p, c);
          st.u = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_u : st.mask & ~F_u;
          break;
        case 69: // E
          p = intValue(b, p, c);
          st.E = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_E : st.mask & ~F_E;
          break;
        case 116: // t
          p = intValue(b, p, c);
          st.t = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_t : st.mask & ~F_t;
          break;
        case 84: // T
          p = intValue(b, p, c);
          st.T = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_T : st.mask & ~F_T;
          break;
        case 102: // f
          p = intValue(b, p, c);
          st.f = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_f : st.mask & ~F_f;
          break;
        case 108: // l
          p = intValue(b, p, c);
          st.l = lx.num;
          st.mask = lx.num === lx.num ? st.mask | F_l : st.mask & ~F_l;
          break;
        case 112: // p
        case 113: { // q
          const isP = b[ks] === 112;
          const bit = isP ? F_p : F_q;
          if (c === 34) {
            p = decimalString(b, p + 1, isP ? st.pd : st.qd);
            // A valid decimal that does not fit the scale fails with its own reason.
            if (p >= 0 && dec.error !== DecimalError.None && dec.error !== DecimalError.Bad) {
              return failDecimal(isP, "bad decimal");
            }
          } else {
            dec.value = NaN;
            p = skipValue(b, p, 1);
          }
          const v = dec.value;
          if (isP) st.p = v;
          else st.q = v;
          st.mask = v === v ? st.mask | bit : st.mask & ~bit;
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
      st.pu = lx.num; // NaN when mistyped: the key's presence is kept so that parse rejects it
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
      st.id = lx.num;
      st.mask |= F_id;
    } else if (keyIs(b, ks, klen, K_CODE)) {
      p = intValue(b, p, c);
      st.code = lx.num;
      st.mask = lx.num === lx.num ? st.mask | F_code : st.mask & ~F_code;
    } else if (keyIs(b, ks, klen, K_MSG)) {
      st.msgStart = p;
      p = skipValue(b, p, 1);
      st.msgEnd = p;
      st.mask = c === 34 ? st.mask | F_msg : st.mask & ~F_msg;
    } else if (keyIs(b, ks, klen, K_LAST)) {
      p = intValue(b, p, c);
      st.lastUpdateId = lx.num;
      st.mask = lx.num === lx.num ? st.mask | F_lastUpdateId : st.mask & ~F_lastUpdateId;
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
