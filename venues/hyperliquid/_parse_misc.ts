/**
 * Private: the `trades` and `subscriptionResponse` payloads of the Hyperliquid parser, into
 * {@linkcode HlFrame}. Same conventions as `_parse_book.ts` (position in, position after or -1 out).
 * @module
 */
import { dec, DecimalError } from "../decimal.ts";
import { decimalString, lx, skipValue, ws } from "../json/lexer.ts";
import { HlFrame, HlParseError } from "./frame.ts";
import {
  err,
  hx,
  is,
  K_BBO,
  K_COIN,
  K_FAST,
  K_MANTISSA,
  K_METHOD,
  K_PX,
  K_SIDE,
  K_SIGFIGS,
  K_SUB,
  K_SZ,
  K_TID,
  K_TIME,
  K_TYPE,
  key,
  str,
  uint,
  V_L2BOOK,
  V_SUBSCRIBE,
  V_TRADES,
  V_UNSUBSCRIBE,
} from "./_parse_keys.ts";

/** A `WsTrade[]` array at p (which is `[`). */
export function trades(b: Uint8Array, p: number, out: HlFrame): number {
  p = ws(b, p + 1);
  if (b[p] === 93) return p + 1;
  for (;;) {
    if (b[p] !== 123) return err(out, HlParseError.BadTrade);
    p++;
    let px = NaN, sz = NaN, side = 0, time = NaN, tid = NaN;
    for (;;) {
      p = key(b, p);
      if (p < 0) return p;
      if (is(b, K_PX) || is(b, K_SZ)) {
        const isPx = is(b, K_PX);
        if (b[p] !== 34) return err(out, HlParseError.BadTrade);
        p = decimalString(b, p + 1, isPx ? hx.priceScale : hx.sizeScale);
        const v = dec.error === DecimalError.None ? dec.value : NaN;
        if (isPx) px = v;
        else sz = v;
      } else if (is(b, K_SIDE)) {
        if (b[p] !== 34) return err(out, HlParseError.BadTrade);
        p = str(b, p);
        const ch = hx.e - hx.s === 1 ? b[hx.s] : 0;
        side = ch === 66 ? 1 : ch === 65 ? -1 : 0; // 'B' / 'A'
      } else if (is(b, K_TIME) || is(b, K_TID)) {
        const isTime = is(b, K_TIME);
        p = uint(b, p);
        if (isTime) time = lx.num;
        else tid = lx.num;
      } else if (is(b, K_COIN)) {
        p = str(b, p);
        out.coinStart = hx.s;
        out.coinEnd = hx.e;
      } else p = skipValue(b, p, 1);
      if (p < 0) return p;
      p = ws(b, p);
      if (b[p] === 44) p++;
      else if (b[p] === 125) break;
      else return -1;
    }
    if (px !== px || sz !== sz || side === 0) return err(out, HlParseError.BadTrade);
    out.trades.push(px, sz, side, time, tid);
    p = ws(b, p + 1);
    if (b[p] === 44) p = ws(b, p + 1);
    else return b[p] === 93 ? p + 1 : -1;
  }
}

/** A `subscriptionResponse` payload `{method, subscription:{type, coin, …}}` at p (which is `{`). */
export function subResp(b: Uint8Array, p: number, out: HlFrame): number {
  p = ws(b, p + 1);
  if (b[p] === 125) return p + 1;
  for (;;) {
    p = key(b, p);
    if (p < 0) return p;
    if (is(b, K_METHOD) && b[p] === 34) {
      p = str(b, p);
      out.subMethod = is(b, V_SUBSCRIBE) ? 1 : is(b, V_UNSUBSCRIBE) ? 2 : 0;
    } else if (is(b, K_SUB) && b[p] === 123) p = subscription(b, p, out);
    else p = skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    if (b[p] === 44) p++;
    else return b[p] === 125 ? p + 1 : -1;
  }
}

function subscription(b: Uint8Array, p: number, out: HlFrame): number {
  p = ws(b, p + 1);
  if (b[p] === 125) return p + 1;
  for (;;) {
    p = key(b, p);
    if (p < 0) return p;
    if (is(b, K_TYPE) && b[p] === 34) {
      p = str(b, p);
      out.subType = is(b, V_L2BOOK) ? 1 : is(b, V_TRADES) ? 2 : is(b, K_BBO) ? 3 : 0;
    } else if (is(b, K_FAST)) {
      const at = p;
      p = skipValue(b, p, 1);
      out.subFast = p - at === 4 && b[at] === 116; // true
    } else if (is(b, K_COIN) && b[p] === 34) {
      p = str(b, p);
      out.coinStart = hx.s;
      out.coinEnd = hx.e;
    } else if (is(b, K_SIGFIGS) || is(b, K_MANTISSA)) {
      const sig = is(b, K_SIGFIGS);
      p = uint(b, p);
      if (sig) out.subSigFigs = lx.num;
      else out.subMantissa = lx.num;
    } else p = skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    if (b[p] === 44) p++;
    else return b[p] === 125 ? p + 1 : -1;
  }
}
