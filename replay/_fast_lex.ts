/**
 * Private: the lexing steps of the replay's strict fast line paths (`_fast_frame.ts`): fixed
 * literals compared four bytes at a time (through the caller's DataView of the line's buffer),
 * plain integers (`plainInt` of the shared lexer, `venues/json/lexer.ts`), the envelope both
 * Binance line shapes start with, scaled decimals and booleans. Every step returns the index
 * after what it read, or -1 on any deviation (the caller then runs the general scanner).
 *
 * Contract: as `_fast_frame.ts` — `b[limit]` holds a NUL sentinel while a line is parsed; nothing
 * at or after `limit` is read as content. No allocation.
 * @module
 */
import { dec, decimalAt, DecimalError } from "../venues/decimal.ts";
import { ascii, plainInt, plainString } from "../venues/json/lexer.ts";

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

/** True when `l` is at `b[p]` and ends at or before `limit` (whole words through `v`, a view of `b`). */
export function litAt(v: DataView, b: Uint8Array, p: number, limit: number, l: Lit): boolean {
  const n = l.length;
  if (p + n > limit) return false;
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
export function envelope(v: DataView, b: Uint8Array, p: number, limit: number, event: Lit): number {
  if (!litAt(v, b, p, limit, L_OPEN)) return -1;
  p = plainString(b, p + L_OPEN.length);
  if (p < 0 || !litAt(v, b, p, limit, event)) return -1;
  p = plainInt(b, p + event.length);
  if (p < 0 || !litAt(v, b, p, limit, L_S)) return -1;
  return plainString(b, p + L_S.length);
}

/**
 * A decimal body `(0|[1-9][0-9]{0,8}).[0-9]{8}` then `"` at `decimals` (the line's price or
 * quantity scale), through the one decimal routine (`decimalAt`) plus this path's shape rule;
 * the value in `dec.value`, returns the index of the closing quote or -1.
 */
export function scaledDecimal(b: Uint8Array, p: number, decimals: number): number {
  const s = p;
  p = decimalAt(b, p, decimals);
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
