/**
 * Private: what every stage of the Hyperliquid parser shares — the key and value words, the key
 * reader over the shared lexer ({@linkcode key}, {@linkcode is}), string values
 * ({@linkcode str}), integers ({@linkcode uint}), error codes ({@linkcode err}) and the scale of
 * the parse in progress ({@linkcode hx}). Module-level state: a parse is synchronous and never
 * re-entered. Input contract: the lexer's (NUL sentinel after the frame).
 * @module
 */
import { ascii as lit, intValue, keyIs, skipString, ws } from "../json/lexer.ts";
import type { HlFrame, HlParseError } from "./frame.ts";

/** Envelope and book keys. */
export const K_CHANNEL = lit("channel"), K_DATA = lit("data"), K_COIN = lit("coin"), K_TIME = lit("time");
/** Level keys (`px`, `sz`, `n`). */
export const K_LEVELS = lit("levels"), K_PX = lit("px"), K_SZ = lit("sz"), K_N = lit("n");
/** Trade and subscriptionResponse keys. */
export const K_SIDE = lit("side"), K_TID = lit("tid"), K_METHOD = lit("method");
/** Subscription keys. */
export const K_SUB = lit("subscription"), K_TYPE = lit("type");
/** Aggregation and bbo keys. */
export const K_SIGFIGS = lit("nSigFigs"),
  K_MANTISSA = lit("mantissa"),
  K_BBO = lit("bbo"),
  K_FAST = lit("fast");
/** Channel and subscription type values. */
export const V_L2BOOK = lit("l2Book"), V_TRADES = lit("trades"), V_SUBRESP = lit("subscriptionResponse");
/** Channel and method values. */
export const V_PONG = lit("pong"), V_ERROR = lit("error"), V_SUBSCRIBE = lit("subscribe");
/** The `unsubscribe` method. */
export const V_UNSUBSCRIBE = lit("unsubscribe");

/** The parse in progress: scales, and the byte range of the last key or string value read. */
export const hx = {
  /** Decimal places of fixed-point prices. */
  priceScale: 8,
  /** Decimal places of fixed-point sizes. */
  sizeScale: 8,
  /** Start of the last key / string contents. */
  s: 0,
  /** End (exclusive) of the last key / string contents. */
  e: 0,
};

/** Set `out.error` to `e` unless an error is already recorded; returns -1. */
export function err(out: HlFrame, e: HlParseError): number {
  if (out.error === 0) out.error = e;
  return -1;
}

/** Read `"key":` at p (after whitespace); the key's bytes in [hx.s, hx.e). Returns the value's position or -1. */
export function key(b: Uint8Array, p: number): number {
  p = ws(b, p);
  if (b[p] !== 34) return -1;
  hx.s = p + 1;
  p = skipString(b, p + 1);
  if (p < 0) return -1;
  hx.e = p - 1;
  p = ws(b, p);
  if (b[p] !== 58) return -1;
  return ws(b, p + 1);
}

/** The last key or string read equals `word`. */
export function is(b: Uint8Array, word: Uint8Array): boolean {
  return keyIs(b, hx.s, hx.e - hx.s, word);
}

/** A string value at p (which must be `"`): contents in [hx.s, hx.e); returns the index after it or -1. */
export function str(b: Uint8Array, p: number): number {
  if (b[p] !== 34) return -1;
  hx.s = p + 1;
  p = skipString(b, p + 1);
  if (p >= 0) hx.e = p - 1;
  return p;
}

/** A JSON value at p read as an integer into `lx.num` (NaN unless a plain non-negative safe integer). */
export function uint(b: Uint8Array, p: number): number {
  return intValue(b, p, b[p]!);
}
