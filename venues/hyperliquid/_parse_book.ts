/**
 * Private: the `l2Book` and `bbo` payloads of the Hyperliquid parser — `{coin,time,levels}` and
 * `{coin,time,bbo:[level|null, level|null]}` — into {@linkcode HlFrame}. Prices and sizes go
 * through the one decimal routine (`decimalString` → `decimalAt`). Each function takes the
 * position of its value and returns the position after it, or -1 (`out.error` says why when it
 * is more than a syntax error).
 * @module
 */
import { dec, DecimalError } from "../decimal.ts";
import { decimalString, lit, LIT_NULL, lx, skipValue, ws } from "../json/lexer.ts";
import { HlFrame, HlParseError, type SideLevels } from "./frame.ts";
import {
  err,
  hx,
  is,
  K_BBO,
  K_COIN,
  K_LEVELS,
  K_N,
  K_PX,
  K_SZ,
  K_TIME,
  key,
  str,
  uint,
} from "./_parse_keys.ts";

/** True when the last key read is one of a book's own fields (coin, time, levels). */
export function isBookKey(b: Uint8Array): boolean {
  return is(b, K_COIN) || is(b, K_TIME) || is(b, K_LEVELS);
}

/** The `{coin,time,levels}` object at p. */
export function book(b: Uint8Array, p: number, out: HlFrame): number {
  p = ws(b, p + 1); // '{'
  if (b[p] === 125) return p + 1;
  for (;;) {
    p = key(b, p);
    if (p < 0) return p;
    p = isBookKey(b) ? bookField(b, p, out) : skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    if (b[p] === 44) p++;
    else return b[p] === 125 ? p + 1 : -1;
  }
}

/** The value at p of the key just read, which is coin, time or levels. */
export function bookField(b: Uint8Array, p: number, out: HlFrame): number {
  if (is(b, K_COIN)) {
    p = str(b, p);
    if (p >= 0) {
      out.coinStart = hx.s;
      out.coinEnd = hx.e;
    }
    return p;
  }
  if (is(b, K_TIME)) {
    p = uint(b, p);
    if (p < 0) return p;
    out.time = lx.num;
    return lx.num === lx.num ? p : err(out, HlParseError.BadNumber);
  }
  if (b[p] !== 91) return err(out, HlParseError.BadLevels);
  p = ws(b, p + 1);
  if (b[p] !== 91) return err(out, HlParseError.BadLevels);
  p = side(b, p, out, out.bids, true);
  if (p < 0) return p;
  p = ws(b, p);
  if (b[p] !== 44) return err(out, HlParseError.BadLevels);
  p = ws(b, p + 1);
  if (b[p] !== 91) return err(out, HlParseError.BadLevels);
  p = side(b, p, out, out.asks, false);
  if (p < 0) return p;
  p = ws(b, p);
  if (b[p] !== 93) return err(out, HlParseError.BadLevels);
  out.hasLevels = true;
  return p + 1;
}

/** A book (or bbo) is complete: levels, coin and time were read (else MissingField). */
export function bookDone(out: HlFrame): boolean {
  if (!out.hasLevels || out.coinEnd === 0 || Number.isNaN(out.time)) {
    err(out, HlParseError.MissingField);
    return false;
  }
  return true;
}

/** One side `[level, …]` at p (which is `[`), strictly sorted best first. */
function side(b: Uint8Array, p: number, out: HlFrame, s: SideLevels, isBid: boolean): number {
  p = ws(b, p + 1);
  if (b[p] === 93) return p + 1;
  let last = isBid ? Infinity : -Infinity;
  for (;;) {
    p = level(b, p, out, s);
    if (p < 0) return p;
    const px = s.px[s.count - 1]!;
    if (isBid ? px >= last : px <= last) return err(out, HlParseError.Unsorted);
    last = px;
    p = ws(b, p);
    if (b[p] === 44) p = ws(b, p + 1);
    else if (b[p] === 93) return p + 1;
    else return err(out, HlParseError.BadLevels);
  }
}

/** One `{px,sz,n}` level object at p, appended to `s` (size > 0). */
export function level(b: Uint8Array, p: number, out: HlFrame, s: SideLevels): number {
  if (b[p] !== 123) return err(out, HlParseError.BadLevels);
  let px = NaN, sz = NaN, n = 0, pxDec = 0, szDec = 0;
  p = ws(b, p + 1);
  if (b[p] !== 125) {
    for (;;) {
      p = key(b, p);
      if (p < 0) return p;
      if (is(b, K_PX) || is(b, K_SZ)) {
        const isPx = is(b, K_PX);
        if (b[p] !== 34) return err(out, HlParseError.BadLevels);
        p = decimalString(b, p + 1, isPx ? hx.priceScale : hx.sizeScale);
        if (p < 0) return p;
        const v = dec.error === DecimalError.None ? dec.value : NaN;
        if (isPx) {
          px = v;
          pxDec = dec.places;
        } else {
          sz = v;
          szDec = dec.places;
        }
      } else if (is(b, K_N)) {
        p = uint(b, p);
        if (p < 0) return p;
        n = lx.num;
        if (n !== n) return err(out, HlParseError.BadNumber);
      } else {
        p = skipValue(b, p, 1);
        if (p < 0) return p;
      }
      p = ws(b, p);
      if (b[p] === 44) p++;
      else if (b[p] === 125) break;
      else return -1;
    }
  }
  p++;
  if (px !== px || sz !== sz) return err(out, HlParseError.BadNumber);
  if (sz === 0) return err(out, HlParseError.BadLevels);
  s.push(px, sz, n, pxDec, szDec);
  return p;
}

/** The `{coin,time,bbo:[level|null, level|null]}` object at p; hasLevels once `bbo` was read. */
export function bbo(b: Uint8Array, p: number, out: HlFrame): number {
  p++; // '{'
  for (;;) {
    p = key(b, p);
    if (p < 0) return p;
    if (is(b, K_COIN) || is(b, K_TIME)) p = bookField(b, p, out);
    else if (is(b, K_BBO)) {
      if (b[p] !== 91) return err(out, HlParseError.BadLevels);
      p = bboSide(b, ws(b, p + 1), out, out.bids);
      if (p < 0 || b[p = ws(b, p)] !== 44) return err(out, HlParseError.BadLevels);
      p = bboSide(b, ws(b, p + 1), out, out.asks);
      if (p < 0 || b[p = ws(b, p)] !== 93) return err(out, HlParseError.BadLevels);
      p++;
      out.hasLevels = true;
    } else p = skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    if (b[p] === 44) {
      p++;
      continue;
    }
    if (b[p] !== 125) return -1;
    return bookDone(out) ? p + 1 : -1;
  }
}

/** One side of a bbo: a level or `null`. */
function bboSide(b: Uint8Array, p: number, out: HlFrame, s: SideLevels): number {
  if (b[p] === 123) return level(b, p, out, s);
  return b[p] === 110 ? lit(b, p, LIT_NULL) : -1;
}
