/**
 * Pure byte-level parser of Hyperliquid WebSocket frames (no I/O, no clock).
 *
 * A frame (string) is UTF-8-encoded with `TextEncoder.encodeInto` into one preallocated buffer,
 * then scanned once with the shared lexer (`../json/lexer.ts`); prices and sizes become
 * fixed-point integers once, here, through the one decimal routine (`decimalAt`), into the
 * caller-owned {@linkcode HlFrame}. The scanner is driven by key names, never by key order (the
 * shared fixture has sorted keys, the wire has `coin,time,levels` / `px,sz,n`): an envelope whose
 * `data` precedes `channel` is parsed after `channel` is known. Unknown keys are skipped with full
 * JSON validation. Payloads: `_parse_book.ts` (l2Book, bbo), `_parse_misc.ts` (trades,
 * subscriptionResponse).
 *
 * Accepted forms: `{"channel":C,"data":D}` for C in l2Book, bbo, trades, subscriptionResponse, error;
 * `{"channel":"pong"}`; a bare `WsBook` object (`{"coin","time","levels"}`); a bare `WsTrade[]`
 * array; any other non-JSON text is {@linkcode HlMsg.Text} (the greeting).
 *
 * Allocation: none per frame except the small `{read, written}` result of `encodeInto`; the
 * buffer and the out-object's arrays grow only when a frame is larger than any before.
 * Measured against `JSON.parse` + conversion in `parse_bench.ts`.
 * @module
 */
import { skipValue, ws } from "../json/lexer.ts";
import { HlFrame, HlMsg, HlParseError } from "./frame.ts";
import { HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";
import { bbo, book, bookDone, bookField, isBookKey } from "./_parse_book.ts";
import { subResp, trades } from "./_parse_misc.ts";
import {
  hx,
  is,
  K_BBO,
  K_CHANNEL,
  K_DATA,
  key,
  str,
  V_ERROR,
  V_L2BOOK,
  V_PONG,
  V_SUBRESP,
  V_TRADES,
} from "./_parse_keys.ts";

const enc = new TextEncoder();

/** Options for {@linkcode HlParser}. */
export interface HlParserOptions {
  /** Decimal places of fixed-point prices (default {@linkcode HL_PRICE_SCALE}). */
  priceScale?: number;
  /** Decimal places of fixed-point sizes (default {@linkcode HL_SIZE_SCALE}). */
  sizeScale?: number;
  /** Initial byte buffer size (default 64 KiB; grows for larger frames). */
  bufferBytes?: number;
}

/** Stateless between frames apart from its reusable buffer. One per thread. */
export class HlParser {
  /** Decimal places of fixed-point prices (the instrument's; the handler changes it on a rescale). */
  priceScale: number;
  /** Decimal places of fixed-point sizes (the instrument's). */
  sizeScale: number;
  #own: Uint8Array;
  #b: Uint8Array;

  /** A parser with its own buffer. */
  constructor(options: HlParserOptions = {}) {
    this.priceScale = options.priceScale ?? HL_PRICE_SCALE;
    this.sizeScale = options.sizeScale ?? HL_SIZE_SCALE;
    this.#own = new Uint8Array(Math.max(1, options.bufferBytes ?? 1 << 16));
    this.#b = this.#own;
  }

  /** The bytes of the frame parsed last; {@linkcode HlFrame} byte ranges index these. */
  get bytes(): Uint8Array {
    return this.#b;
  }

  /** Parse one frame (a WebSocket text message or a capture line) into `out`. */
  parse(frame: string, out: HlFrame): HlMsg {
    if (frame.length * 3 >= this.#own.length) this.#own = new Uint8Array(frame.length * 3 + 1024);
    const n = enc.encodeInto(frame, this.#own).written;
    this.#own[n] = 0; // the lexer's sentinel
    return this.#scan(this.#own, n, out);
  }

  /**
   * Parse the UTF-8 bytes `bytes[0, len)` into `out` (the bytes must stay unchanged while used).
   * The byte at `bytes[len]` (e.g. a line's `\n`) holds the lexer's NUL sentinel during the call
   * and is restored; when there is no such byte the frame is copied into the parser's buffer.
   */
  parseBytes(bytes: Uint8Array, len: number, out: HlFrame): HlMsg {
    if (len < bytes.length) {
      const saved = bytes[len]!;
      bytes[len] = 0;
      const k = this.#scan(bytes, len, out);
      bytes[len] = saved;
      return k;
    }
    if (len >= this.#own.length) this.#own = new Uint8Array(len + 1024);
    this.#own.set(bytes.subarray(0, len));
    this.#own[len] = 0;
    return this.#scan(this.#own, len, out);
  }

  /** True when the bytes [start, end) of the last frame equal `expected`. No allocation. */
  rangeEquals(start: number, end: number, expected: Uint8Array): boolean {
    if (end - start !== expected.length) return false;
    const b = this.#b;
    for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
    return true;
  }

  /** Decode the bytes [start, end) of the last frame. Allocates (warnings, not the hot path). */
  text(start: number, end: number): string {
    return new TextDecoder().decode(this.#b.subarray(start, end));
  }

  #scan(b: Uint8Array, len: number, out: HlFrame): HlMsg {
    out.reset();
    this.#b = b;
    hx.priceScale = this.priceScale;
    hx.sizeScale = this.sizeScale;
    let p = ws(b, 0);
    let kind: HlMsg;
    if (b[p] === 123) {
      p = top(b, p, out);
      kind = p < 0 ? HlMsg.Malformed : out.kind;
    } else if (b[p] === 91) {
      p = trades(b, p, out);
      kind = p < 0 ? HlMsg.Malformed : HlMsg.Trades;
    } else {
      out.textStart = 0;
      out.textEnd = len;
      kind = HlMsg.Text;
    }
    if (kind !== HlMsg.Malformed && kind !== HlMsg.Text && ws(b, p) !== len) kind = HlMsg.Malformed;
    if (kind === HlMsg.Malformed && out.error === HlParseError.None) out.error = HlParseError.Syntax;
    out.kind = kind;
    return kind;
  }
}

/** The channel named by the last string read (an {@linkcode HlMsg}). */
function channelOf(b: Uint8Array): HlMsg {
  if (is(b, V_L2BOOK)) return HlMsg.L2Book;
  if (is(b, V_TRADES)) return HlMsg.Trades;
  if (is(b, V_SUBRESP)) return HlMsg.SubscriptionResponse;
  if (is(b, V_PONG)) return HlMsg.Pong;
  if (is(b, V_ERROR)) return HlMsg.Error;
  if (is(b, K_BBO)) return HlMsg.Bbo;
  return HlMsg.Unknown;
}

/** The top-level object at p: an envelope or a bare book. Sets `out.kind`; returns the position after it or -1. */
function top(b: Uint8Array, p: number, out: HlFrame): number {
  let channel = -1; // HlMsg of the channel, -1 unknown yet
  let dataAt = -1; // start of a `data` value seen before `channel`
  let bare = false;
  p = ws(b, p + 1);
  if (b[p] === 125) {
    out.kind = HlMsg.Unknown;
    return p + 1;
  }
  for (;;) {
    p = key(b, p);
    if (p < 0) return p;
    if (is(b, K_CHANNEL)) {
      p = str(b, p);
      if (p >= 0) channel = channelOf(b);
    } else if (is(b, K_DATA)) {
      if (channel >= 0) p = data(b, p, channel, out);
      else {
        dataAt = p;
        p = skipValue(b, p, 1);
      }
    } else if (isBookKey(b)) {
      bare = true;
      p = bookField(b, p, out);
    } else p = skipValue(b, p, 1);
    if (p < 0) return p;
    p = ws(b, p);
    if (b[p] === 44) p++;
    else if (b[p] === 125) break;
    else return -1;
  }
  p++;
  if (channel < 0) {
    out.kind = bare ? HlMsg.L2Book : HlMsg.Unknown;
    return !bare || bookDone(out) ? p : -1;
  }
  out.enveloped = true;
  out.kind = channel as HlMsg;
  if (dataAt >= 0) return data(b, dataAt, channel, out) < 0 ? -1 : p;
  if (channel === HlMsg.L2Book && !bookDone(out)) return -1;
  if (channel === HlMsg.Bbo && !out.hasLevels) return -1;
  return p;
}

/** The `data` value at p as the payload of `channel`. */
function data(b: Uint8Array, p: number, channel: number, out: HlFrame): number {
  const c = b[p];
  switch (channel) {
    case HlMsg.L2Book:
      if (c !== 123) return -1;
      p = book(b, p, out);
      return p >= 0 && bookDone(out) ? p : -1;
    case HlMsg.Trades:
      return c === 91 ? trades(b, p, out) : -1;
    case HlMsg.Bbo:
      return c === 123 ? bbo(b, p, out) : -1;
    case HlMsg.SubscriptionResponse:
      return c === 123 ? subResp(b, p, out) : skipValue(b, p, 1);
    case HlMsg.Error: {
      const start = p;
      if (c === 34) {
        p = str(b, p);
        out.textStart = hx.s;
        out.textEnd = hx.e;
        return p;
      }
      p = skipValue(b, p, 1);
      out.textStart = start;
      out.textEnd = p;
      return p;
    }
    default:
      return skipValue(b, p, 1);
  }
}

/** A fresh out-object for {@linkcode HlParser.parse}. Allocates once. */
export function newHlFrame(): HlFrame {
  return new HlFrame();
}
