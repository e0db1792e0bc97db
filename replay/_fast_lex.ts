/**
 * Private: the lexing steps of the replay's strict fast line paths (`_fast_frame.ts`): the
 * line's scale, a DataView over the line's buffer, fixed literals compared four bytes at a time,
 * plain integers (`plainInt` of the shared lexer, `venues/json/lexer.ts`), the envelope both
 * Binance line shapes start with, scaled decimals and booleans. Every step returns the index
 * after what it read, or -1 on any deviation (the caller then runs the general scanner).
 *
 * Contract: as `_fast_frame.ts` — `b[limit]` holds a NUL sentinel while a line is parsed; nothing
 * at or after `limit` is read as content. No allocation per line (a DataView per new buffer).
 * @module
 */
import type { ParsedFrame } from "../venues/binance/parse.ts";
import { dec, decimalAt, DecimalError, DPOW10 } from "../venues/decimal.ts";
import { ascii, plainInt, plainString } from "../venues/json/lexer.ts";

const POW10 = new Float64Array([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8]);

/** A literal: its bytes and its little-endian 32-bit words (the whole words only). */
export interface Lit {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** `bytes[4i, 4i + 4)` as a little-endian int32, for every whole word. */
  readonly words: Int32Array;
  /** Byte length. */
  readonly length: number;
}

/** The {@linkcode Lit} of an ASCII string (module setup). */
export function literal(s: string): Lit {
  const bytes = ascii(s);
  const words = new Int32Array(bytes.length >> 2);
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) words[i] = v.getInt32(i << 2, true);
  return { bytes, words, length: bytes.length };
}

/**
 * The scale of the line (the ParsedFrame's decimals): at 8 / 8 the divisors are 1 and the
 * 8-digit value is used as is; at d < 8 it is divided by 10^(8-d) when exact, else -1 (the
 * general scanner decides: it rescales or reports); at d > 8 the divisor is NaN (always -1).
 */
export const scale = { pdiv: 1, qdiv: 1, pmul: 1e8, qmul: 1e8, pd: 8, qd: 8 };

/** Set {@linkcode scale} from `out`'s decimals. */
export function setScale(out: ParsedFrame): void {
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
export function atScale(ip: number, f: number, div: number, mul: number): number {
  if (div === 1) return ip * 1e8 + f;
  return f % div === 0 ? ip * mul + f / div : -1;
}

// DataViews of the last two buffers (a replay alternates its diff and trade readers' buffers).
let dvBytes: Uint8Array = new Uint8Array(0);
/** A DataView over the buffer last given to {@linkcode view} (same indices). */
export let dv: DataView = new DataView(dvBytes.buffer);
let dvBytes2: Uint8Array = dvBytes;
let dv2: DataView = dv;

/** Make {@linkcode dv} view `b`. */
export function view(b: Uint8Array): void {
  if (b === dvBytes) return;
  const pb = dvBytes;
  const pv = dv;
  if (b === dvBytes2) dv = dv2;
  else dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dvBytes = b;
  dvBytes2 = pb;
  dv2 = pv;
}

/** True when `l` is at `b[p]` and ends at or before `limit` (whole words through {@linkcode dv}). */
export function litAt(b: Uint8Array, p: number, limit: number, l: Lit): boolean {
  const n = l.length;
  if (p + n > limit) return false;
  const v = dv;
  const w = l.words;
  const nw = w.length;
  for (let i = 0; i < nw; i++) if (v.getInt32(p + (i << 2), true) !== w[i]) return false;
  const bytes = l.bytes;
  for (let i = nw << 2; i < n; i++) if (b[p + i] !== bytes[i]) return false;
  return true;
}

const L_OPEN = literal('{"stream":"');
const L_S = literal(',"s":"');

/**
 * The envelope both line shapes start with, `{"stream":"…","data":{"e":"<event>","E":<int>,"s":"…`
 * where `event` is the literal after the stream name: `E` into `lx.num`; returns the index of the
 * symbol's closing quote, or -1.
 */
export function envelope(b: Uint8Array, p: number, limit: number, event: Lit): number {
  if (!litAt(b, p, limit, L_OPEN)) return -1;
  p = plainString(b, p + L_OPEN.length);
  if (p < 0 || !litAt(b, p, limit, event)) return -1;
  p = plainInt(b, p + event.length);
  if (p < 0 || !litAt(b, p, limit, L_S)) return -1;
  return plainString(b, p + L_S.length);
}

/**
 * A decimal body `(0|[1-9][0-9]{0,8}).[0-9]{8}` then `"` at the line's price (`isPrice`) or
 * quantity scale, through the one decimal routine (`decimalAt`) plus this path's shape rule;
 * the value in `dec.value`, returns the index of the closing quote or -1.
 */
export function scaledDecimal(b: Uint8Array, p: number, isPrice: boolean): number {
  const s = p;
  p = decimalAt(b, p, isPrice ? scale.pd : scale.qd);
  if (b[p] !== 34 || dec.error !== DecimalError.None) return -1;
  // Shape: exactly 8 fractional digits, 1..9 integer digits, no leading zero.
  const dot = p - 9;
  if (dot <= s || dot - s > 9 || b[dot] !== 46 || (b[s] === 48 && dot - s > 1)) return -1;
  return p;
}

/** `true` or `false` at p: 1 / 0, or -1. */
export function bool(b: Uint8Array, p: number): number {
  if (b[p] === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) return 1;
  if (b[p] === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) return 0;
  return -1;
}
