/**
 * Pure byte-level parser of Hyperliquid WebSocket frames (no I/O, no clock).
 *
 * A frame (string) is UTF-8-encoded with `TextEncoder.encodeInto` into one preallocated buffer,
 * then scanned byte by byte; prices and sizes become fixed-point integers once, here, into the
 * caller-owned {@linkcode HlFrame}. The scanner is driven by key names, never by key order
 * (the shared fixture has sorted keys, the wire has `coin,time,levels` / `px,sz,n`): an envelope
 * whose `data` precedes `channel` is parsed after `channel` is known. Unknown keys are skipped.
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
import { parseFixedBytes } from "../decimal.ts";
import { HlFrame, HlMsg, HlParseError, type SideLevels } from "./frame.ts";
import { HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";

const QUOTE = 34, BSLASH = 92, LBRACE = 123, RBRACE = 125, LBRACK = 91, RBRACK = 93;
const COLON = 58, COMMA = 44, DOT = 46;

const enc = new TextEncoder();
const lit = (s: string): Uint8Array => enc.encode(s);
const K_CHANNEL = lit("channel"), K_DATA = lit("data"), K_COIN = lit("coin"), K_TIME = lit("time");
const K_LEVELS = lit("levels"), K_PX = lit("px"), K_SZ = lit("sz"), K_N = lit("n"), K_SIDE = lit("side");
const K_TID = lit("tid"), K_METHOD = lit("method"), K_SUB = lit("subscription"), K_TYPE = lit("type");
const K_SIGFIGS = lit("nSigFigs"), K_MANTISSA = lit("mantissa");
const V_L2BOOK = lit("l2Book"), V_TRADES = lit("trades"), V_SUBRESP = lit("subscriptionResponse");
const V_PONG = lit("pong"), V_ERROR = lit("error"), V_SUBSCRIBE = lit("subscribe");
const V_UNSUBSCRIBE = lit("unsubscribe");
const K_BBO = lit("bbo"), K_FAST = lit("fast"), V_TRUE = lit("t"), V_NULL = lit("n");

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
  #p = 0;
  #end = 0;
  #s = 0; // last string contents [#s, #e)
  #e = 0;

  /** A parser with its own buffer. */
  constructor(options: HlParserOptions = {}) {
    this.priceScale = options.priceScale ?? HL_PRICE_SCALE;
    this.sizeScale = options.sizeScale ?? HL_SIZE_SCALE;
    this.#own = new Uint8Array(options.bufferBytes ?? 1 << 16);
    this.#b = this.#own;
  }

  /** The bytes of the frame parsed last; {@linkcode HlFrame} byte ranges index these. */
  get bytes(): Uint8Array {
    return this.#b;
  }

  /** Parse one frame (a WebSocket text message or a capture line) into `out`. */
  parse(frame: string, out: HlFrame): HlMsg {
    if (frame.length * 3 > this.#own.length) this.#own = new Uint8Array(frame.length * 3 + 1024);
    const n = enc.encodeInto(frame, this.#own).written;
    return this.parseBytes(this.#own, n, out);
  }

  /** Parse the UTF-8 bytes `bytes[0, len)` into `out` (the bytes must stay unchanged while used). */
  parseBytes(bytes: Uint8Array, len: number, out: HlFrame): HlMsg {
    out.reset();
    this.#b = bytes;
    this.#p = 0;
    this.#end = len;
    const c = this.#ws();
    let kind: HlMsg;
    if (c === LBRACE) kind = this.#top(out);
    else if (c === LBRACK) kind = this.#trades(out) ? HlMsg.Trades : HlMsg.Malformed;
    else {
      out.textStart = 0;
      out.textEnd = len;
      kind = HlMsg.Text;
    }
    if (kind !== HlMsg.Malformed && kind !== HlMsg.Text && this.#ws() !== -1) kind = this.#fail(out);
    if (kind === HlMsg.Malformed && out.error === HlParseError.None) out.error = HlParseError.Syntax;
    out.kind = kind;
    return kind;
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

  // ---- top level -------------------------------------------------------------------------

  #top(out: HlFrame): HlMsg {
    this.#p++; // '{'
    let channel = -1; // HlMsg of the channel, -1 unknown yet
    let dataAt = -1; // start of a `data` value seen before `channel`
    let bare = false;
    if (this.#ws() === RBRACE) {
      this.#p++;
      return HlMsg.Unknown;
    }
    for (;;) {
      if (!this.#key()) return HlMsg.Malformed;
      if (this.#is(K_CHANNEL)) {
        if (this.#ws() !== QUOTE || !this.#str()) return HlMsg.Malformed;
        channel = this.#channelOf();
      } else if (this.#is(K_DATA)) {
        if (channel >= 0) {
          if (!this.#data(channel, out)) return HlMsg.Malformed;
        } else {
          dataAt = this.#p;
          if (!this.#skip()) return HlMsg.Malformed;
        }
      } else if (this.#is(K_COIN) || this.#is(K_TIME) || this.#is(K_LEVELS)) {
        bare = true;
        if (!this.#bookField(out)) return this.#fail(out);
      } else if (!this.#skip()) return HlMsg.Malformed;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      if (c === RBRACE) break;
      return HlMsg.Malformed;
    }
    if (channel < 0) {
      if (!bare) return HlMsg.Unknown;
      return this.#bookDone(out) ? HlMsg.L2Book : HlMsg.Malformed;
    }
    out.enveloped = true;
    if (dataAt >= 0) {
      const end = this.#p;
      this.#p = dataAt;
      if (!this.#data(channel, out)) return HlMsg.Malformed;
      this.#p = end;
    } else if (channel === HlMsg.L2Book && !this.#bookDone(out)) return HlMsg.Malformed;
    else if (channel === HlMsg.Bbo && !out.hasLevels) return this.#fail(out);
    return channel as HlMsg;
  }

  #channelOf(): number {
    if (this.#is(V_L2BOOK)) return HlMsg.L2Book;
    if (this.#is(V_TRADES)) return HlMsg.Trades;
    if (this.#is(V_SUBRESP)) return HlMsg.SubscriptionResponse;
    if (this.#is(V_PONG)) return HlMsg.Pong;
    if (this.#is(V_ERROR)) return HlMsg.Error;
    if (this.#is(K_BBO)) return HlMsg.Bbo;
    return HlMsg.Unknown;
  }

  // Parse the value at #p as the payload of `channel`.
  #data(channel: number, out: HlFrame): boolean {
    const c = this.#ws();
    switch (channel) {
      case HlMsg.L2Book:
        return c === LBRACE && this.#book(out) && this.#bookDone(out);
      case HlMsg.Trades:
        return c === LBRACK && this.#trades(out);
      case HlMsg.Bbo:
        return c === LBRACE && this.#bbo(out);
      case HlMsg.SubscriptionResponse:
        return c === LBRACE ? this.#subResp(out) : this.#skip();
      case HlMsg.Error: {
        const start = this.#p;
        if (c === QUOTE) {
          if (!this.#str()) return false;
          out.textStart = this.#s;
          out.textEnd = this.#e;
          return true;
        }
        if (!this.#skip()) return false;
        out.textStart = start;
        out.textEnd = this.#p;
        return true;
      }
      default:
        return this.#skip();
    }
  }

  // ---- l2Book ----------------------------------------------------------------------------

  #book(out: HlFrame): boolean {
    this.#p++; // '{'
    if (this.#ws() === RBRACE) {
      this.#p++;
      return true;
    }
    for (;;) {
      if (!this.#key()) return false;
      if (this.#is(K_COIN) || this.#is(K_TIME) || this.#is(K_LEVELS)) {
        if (!this.#bookField(out)) return false;
      } else if (!this.#skip()) return false;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      return c === RBRACE;
    }
  }

  // The key just read is coin, time or levels: parse its value.
  #bookField(out: HlFrame): boolean {
    if (this.#is(K_COIN)) {
      if (this.#ws() !== QUOTE || !this.#str()) return false;
      out.coinStart = this.#s;
      out.coinEnd = this.#e;
      return true;
    }
    if (this.#is(K_TIME)) {
      out.time = this.#uint();
      if (Number.isNaN(out.time)) return this.#err(out, HlParseError.BadNumber);
      return true;
    }
    if (this.#ws() !== LBRACK) return this.#err(out, HlParseError.BadLevels);
    this.#p++;
    if (this.#ws() !== LBRACK) return this.#err(out, HlParseError.BadLevels);
    if (!this.#side(out, out.bids, true)) return false;
    if (this.#ws() !== COMMA) return this.#err(out, HlParseError.BadLevels);
    this.#p++;
    if (this.#ws() !== LBRACK) return this.#err(out, HlParseError.BadLevels);
    if (!this.#side(out, out.asks, false)) return false;
    if (this.#ws() !== RBRACK) return this.#err(out, HlParseError.BadLevels);
    this.#p++;
    out.hasLevels = true;
    return true;
  }

  #bookDone(out: HlFrame): boolean {
    if (!out.hasLevels || out.coinEnd === 0 || Number.isNaN(out.time)) {
      return this.#err(out, HlParseError.MissingField);
    }
    return true;
  }

  #side(out: HlFrame, side: SideLevels, isBid: boolean): boolean {
    this.#p++; // '['
    if (this.#ws() === RBRACK) {
      this.#p++;
      return true;
    }
    let last = isBid ? Infinity : -Infinity;
    for (;;) {
      if (!this.#level(out, side)) return false;
      const px = side.px[side.count - 1]!;
      if (isBid ? px >= last : px <= last) return this.#err(out, HlParseError.Unsorted);
      last = px;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      if (c === RBRACK) return true;
      return this.#err(out, HlParseError.BadLevels);
    }
  }

  // One `{px,sz,n}` level object at #p, appended to `side` (size > 0).
  #level(out: HlFrame, side: SideLevels): boolean {
    if (this.#ws() !== LBRACE) return this.#err(out, HlParseError.BadLevels);
    this.#p++;
    let px = NaN, sz = NaN, n = 0, pxDec = 0, szDec = 0;
    if (this.#ws() !== RBRACE) {
      for (;;) {
        if (!this.#key()) return false;
        if (this.#is(K_PX)) {
          if (this.#ws() !== QUOTE || !this.#str()) return this.#err(out, HlParseError.BadLevels);
          px = parseFixedBytes(this.#b, this.#s, this.#e, this.priceScale);
          pxDec = this.#decimals();
        } else if (this.#is(K_SZ)) {
          if (this.#ws() !== QUOTE || !this.#str()) return this.#err(out, HlParseError.BadLevels);
          sz = parseFixedBytes(this.#b, this.#s, this.#e, this.sizeScale);
          szDec = this.#decimals();
        } else if (this.#is(K_N)) {
          n = this.#uint();
          if (Number.isNaN(n)) return this.#err(out, HlParseError.BadNumber);
        } else if (!this.#skip()) return false;
        const c = this.#ws();
        this.#p++;
        if (c === COMMA) continue;
        if (c === RBRACE) break;
        return false;
      }
    } else this.#p++;
    if (Number.isNaN(px) || Number.isNaN(sz)) return this.#err(out, HlParseError.BadNumber);
    if (sz === 0) return this.#err(out, HlParseError.BadLevels);
    side.push(px, sz, n, pxDec, szDec);
    return true;
  }

  // ---- bbo -------------------------------------------------------------------------------

  // `{coin,time,bbo:[level|null, level|null]}`; hasLevels once `bbo` was read.
  #bbo(out: HlFrame): boolean {
    this.#p++; // '{'
    for (;;) {
      if (!this.#key()) return false;
      if (this.#is(K_COIN) || this.#is(K_TIME)) {
        if (!this.#bookField(out)) return false;
      } else if (this.#is(K_BBO)) {
        if (this.#ws() !== LBRACK) return this.#err(out, HlParseError.BadLevels);
        this.#p++;
        if (!this.#bboSide(out, out.bids) || this.#ws() !== COMMA) {
          return this.#err(out, HlParseError.BadLevels);
        }
        this.#p++;
        if (!this.#bboSide(out, out.asks) || this.#ws() !== RBRACK) {
          return this.#err(out, HlParseError.BadLevels);
        }
        this.#p++;
        out.hasLevels = true;
      } else if (!this.#skip()) return false;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      if (c !== RBRACE) return false;
      return this.#bookDone(out);
    }
  }

  #bboSide(out: HlFrame, side: SideLevels): boolean {
    if (this.#ws() === LBRACE) return this.#level(out, side);
    const at = this.#p;
    return this.#skip() && this.#p - at === 4 && this.#b[at] === V_NULL[0];
  }

  // ---- trades ----------------------------------------------------------------------------

  #trades(out: HlFrame): boolean {
    this.#p++; // '['
    if (this.#ws() === RBRACK) {
      this.#p++;
      return true;
    }
    for (;;) {
      if (this.#ws() !== LBRACE) return this.#err(out, HlParseError.BadTrade);
      this.#p++;
      let px = NaN, sz = NaN, side = 0, time = NaN, tid = NaN;
      for (;;) {
        if (!this.#key()) return false;
        if (this.#is(K_PX)) {
          if (this.#ws() !== QUOTE || !this.#str()) return this.#err(out, HlParseError.BadTrade);
          px = parseFixedBytes(this.#b, this.#s, this.#e, this.priceScale);
        } else if (this.#is(K_SZ)) {
          if (this.#ws() !== QUOTE || !this.#str()) return this.#err(out, HlParseError.BadTrade);
          sz = parseFixedBytes(this.#b, this.#s, this.#e, this.sizeScale);
        } else if (this.#is(K_SIDE)) {
          if (this.#ws() !== QUOTE || !this.#str()) return this.#err(out, HlParseError.BadTrade);
          const ch = this.#e - this.#s === 1 ? this.#b[this.#s] : 0;
          side = ch === 66 ? 1 : ch === 65 ? -1 : 0; // 'B' / 'A'
        } else if (this.#is(K_TIME)) {
          time = this.#uint();
        } else if (this.#is(K_TID)) {
          tid = this.#uint();
        } else if (this.#is(K_COIN)) {
          if (this.#ws() !== QUOTE || !this.#str()) return false;
          out.coinStart = this.#s;
          out.coinEnd = this.#e;
        } else if (!this.#skip()) return false;
        const c = this.#ws();
        this.#p++;
        if (c === COMMA) continue;
        if (c === RBRACE) break;
        return false;
      }
      if (Number.isNaN(px) || Number.isNaN(sz) || side === 0) return this.#err(out, HlParseError.BadTrade);
      out.trades.push(px, sz, side, time, tid);
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      return c === RBRACK;
    }
  }

  // ---- subscriptionResponse -----------------------------------------------------------------

  #subResp(out: HlFrame): boolean {
    this.#p++; // '{'
    if (this.#ws() === RBRACE) {
      this.#p++;
      return true;
    }
    for (;;) {
      if (!this.#key()) return false;
      if (this.#is(K_METHOD) && this.#ws() === QUOTE) {
        if (!this.#str()) return false;
        out.subMethod = this.#is(V_SUBSCRIBE) ? 1 : this.#is(V_UNSUBSCRIBE) ? 2 : 0;
      } else if (this.#is(K_SUB) && this.#ws() === LBRACE) {
        if (!this.#subscription(out)) return false;
      } else if (!this.#skip()) return false;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      return c === RBRACE;
    }
  }

  #subscription(out: HlFrame): boolean {
    this.#p++;
    if (this.#ws() === RBRACE) {
      this.#p++;
      return true;
    }
    for (;;) {
      if (!this.#key()) return false;
      if (this.#is(K_TYPE) && this.#ws() === QUOTE) {
        if (!this.#str()) return false;
        out.subType = this.#is(V_L2BOOK) ? 1 : this.#is(V_TRADES) ? 2 : this.#is(K_BBO) ? 3 : 0;
      } else if (this.#is(K_FAST)) {
        const at = this.#p;
        if (!this.#skip()) return false;
        out.subFast = this.#p - at === 4 && this.#b[at] === V_TRUE[0];
      } else if (this.#is(K_COIN) && this.#ws() === QUOTE) {
        if (!this.#str()) return false;
        out.coinStart = this.#s;
        out.coinEnd = this.#e;
      } else if (this.#is(K_SIGFIGS)) {
        const at = this.#p;
        out.subSigFigs = this.#uint();
        if (Number.isNaN(out.subSigFigs)) {
          this.#p = at;
          if (!this.#skip()) return false;
        }
      } else if (this.#is(K_MANTISSA)) {
        const at = this.#p;
        out.subMantissa = this.#uint();
        if (Number.isNaN(out.subMantissa)) {
          this.#p = at;
          if (!this.#skip()) return false;
        }
      } else if (!this.#skip()) return false;
      const c = this.#ws();
      this.#p++;
      if (c === COMMA) continue;
      return c === RBRACE;
    }
  }

  // ---- lexical helpers -----------------------------------------------------------------------

  #fail(out: HlFrame): HlMsg {
    if (out.error === HlParseError.None) out.error = HlParseError.Syntax;
    return HlMsg.Malformed;
  }

  #err(out: HlFrame, e: HlParseError): false {
    if (out.error === HlParseError.None) out.error = e;
    return false;
  }

  // Skip whitespace; return the byte at #p or -1 at the end.
  #ws(): number {
    const b = this.#b;
    let p = this.#p;
    while (p < this.#end) {
      const c = b[p]!;
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        this.#p = p;
        return c;
      }
      p++;
    }
    this.#p = p;
    return -1;
  }

  // Read a string at #p (which must be '"'); contents go to [#s, #e). Escapes are skipped over,
  // not decoded.
  #str(): boolean {
    const b = this.#b;
    let p = this.#p + 1;
    const start = p;
    while (p < this.#end) {
      const c = b[p]!;
      if (c === QUOTE) {
        this.#s = start;
        this.#e = p;
        this.#p = p + 1;
        return true;
      }
      p += c === BSLASH ? 2 : 1;
    }
    return false;
  }

  // Read `"key":` leaving #p at the value.
  #key(): boolean {
    if (this.#ws() !== QUOTE || !this.#str()) return false;
    if (this.#ws() !== COLON) return false;
    this.#p++;
    this.#ws();
    return true;
  }

  // The last string equals `lit`.
  #is(l: Uint8Array): boolean {
    const s = this.#s;
    if (this.#e - s !== l.length) return false;
    const b = this.#b;
    for (let i = 0; i < l.length; i++) if (b[s + i] !== l[i]) return false;
    return true;
  }

  // Fractional digits of the last string.
  #decimals(): number {
    const b = this.#b;
    for (let i = this.#s; i < this.#e; i++) if (b[i] === DOT) return this.#e - i - 1;
    return 0;
  }

  // A non-negative JSON integer at #p (NaN when not one).
  #uint(): number {
    const b = this.#b;
    let p = this.#p;
    let v = 0;
    const start = p;
    while (p < this.#end) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    this.#p = p;
    if (p === start || p - start > 16) return NaN;
    const c = p < this.#end ? b[p]! : -1;
    return c === DOT || c === 101 || c === 69 ? NaN : v; // no fraction / exponent
  }

  // Skip one JSON value at #p.
  #skip(): boolean {
    const c = this.#ws();
    if (c === QUOTE) return this.#str();
    if (c === LBRACE || c === LBRACK) {
      const b = this.#b;
      let depth = 0;
      let p = this.#p;
      while (p < this.#end) {
        const x = b[p]!;
        if (x === QUOTE) {
          this.#p = p;
          if (!this.#str()) return false;
          p = this.#p;
          continue;
        }
        if (x === LBRACE || x === LBRACK) depth++;
        else if (x === RBRACE || x === RBRACK) {
          if (--depth === 0) {
            this.#p = p + 1;
            return true;
          }
        }
        p++;
      }
      return false;
    }
    // number or literal: up to the next delimiter
    const b = this.#b;
    let p = this.#p;
    const start = p;
    while (p < this.#end) {
      const x = b[p]!;
      if (x === COMMA || x === RBRACE || x === RBRACK || x === 32 || x === 10 || x === 13 || x === 9) break;
      p++;
    }
    this.#p = p;
    return p > start;
  }
}

/** A fresh out-object for {@linkcode HlParser.parse}. Allocates once. */
export function newHlFrame(): HlFrame {
  return new HlFrame();
}
