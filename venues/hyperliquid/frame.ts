/**
 * The caller-owned, reusable out-object of the Hyperliquid parser ({@linkcode HlFrame}) and the
 * codes the parser returns. One frame is filled per `parse` call and overwritten by the next;
 * arrays grow by doubling when a message carries more levels or trades than they hold (the only
 * allocation, amortised).
 * @module
 */

/** What a frame was. Returned by `HlParser.parse` and stored in {@linkcode HlFrame.kind}. */
export const HlMsg = {
  /** Not valid, or valid JSON with a bad field: see {@linkcode HlFrame.error}. */
  Malformed: 0,
  /** Not JSON: plain text (e.g. the greeting "Websocket connection established."). */
  Text: 1,
  /** An `l2Book` snapshot (with or without the `{"channel","data"}` envelope). */
  L2Book: 2,
  /** A `trades` message (with or without the envelope). */
  Trades: 3,
  /** A `subscriptionResponse` acknowledging a (un)subscribe. */
  SubscriptionResponse: 4,
  /** `{"channel":"pong"}`. */
  Pong: 5,
  /** `{"channel":"error","data":"…"}`: text range in {@linkcode HlFrame.textStart}. */
  Error: 6,
  /** Valid JSON on another channel (e.g. `post`); ignored. */
  Unknown: 7,
  /**
   * A `bbo` message `{coin,time,bbo:[bid|null, ask|null]}`: the best bid in `bids` and the best
   * ask in `asks`, 0 or 1 level each (0 = `null`, no level on that side).
   */
  Bbo: 8,
} as const;
/** A value of {@linkcode HlMsg}. */
export type HlMsg = typeof HlMsg[keyof typeof HlMsg];

/** Names of {@linkcode HlMsg} values, index by code. */
export const HL_MSG_NAMES: readonly string[] = [
  "malformed",
  "text",
  "l2Book",
  "trades",
  "subscriptionResponse",
  "pong",
  "error",
  "unknown",
  "bbo",
];

/** Why a frame is {@linkcode HlMsg.Malformed}. */
export const HlParseError = {
  /** No error. */
  None: 0,
  /** JSON syntax error or truncated frame. */
  Syntax: 1,
  /** A px/sz is not an exact decimal that fits the fixed-point scale, or `time`/`n` is not an integer. */
  BadNumber: 2,
  /** `levels` is not two arrays of levels, or a level lacks `px`/`sz`, or has size 0. */
  BadLevels: 3,
  /** Bids not strictly descending or asks not strictly ascending. */
  Unsorted: 4,
  /** A book without `coin`, `time` or `levels` (a bbo without `coin`, `time` or `bbo`). */
  MissingField: 5,
  /** A trade without a valid `px`, `sz` or `side`. */
  BadTrade: 6,
} as const;
/** A value of {@linkcode HlParseError}. */
export type HlParseError = typeof HlParseError[keyof typeof HlParseError];

/** Human-readable reasons, index by {@linkcode HlParseError} code (constant strings: no allocation). */
export const HL_PARSE_ERROR_TEXT: readonly string[] = [
  "ok",
  "malformed frame: JSON syntax error or truncated",
  "malformed frame: px/sz not an exact decimal within the fixed-point scale, or a non-integer time/n",
  "malformed frame: levels must be [bids[], asks[]] of {px,sz,n} with size > 0",
  "malformed frame: bids must be strictly descending and asks strictly ascending",
  "malformed frame: l2Book without coin, time or levels",
  "malformed frame: trade without a valid px, sz or side",
];

/** Levels of one book side, best first, as fixed-point integers. */
export class SideLevels {
  /** Number of levels filled. */
  count = 0;
  /** Prices × 10^priceScale, best first. */
  px: Float64Array;
  /** Sizes × 10^sizeScale. */
  sz: Float64Array;
  /** Orders per level (`n`). */
  n: Float64Array;
  /** Fewest fractional digits written in this message's `px` strings (255 when empty). */
  pxDecMin = 255;
  /** Most fractional digits written in this message's `px` strings. */
  pxDecMax = 0;
  /** Fewest fractional digits written in this message's `sz` strings (255 when empty). */
  szDecMin = 255;
  /** Most fractional digits written in this message's `sz` strings. */
  szDecMax = 0;

  /** Room for `capacity` levels (grows when needed). */
  constructor(capacity = 32) {
    this.px = new Float64Array(capacity);
    this.sz = new Float64Array(capacity);
    this.n = new Float64Array(capacity);
  }

  /** Empty the side (keeps the storage). */
  reset(): void {
    this.count = 0;
    this.pxDecMin = 255;
    this.pxDecMax = 0;
    this.szDecMin = 255;
    this.szDecMax = 0;
  }

  /** Append a level; grows the arrays when full. */
  push(px: number, sz: number, n: number, pxDec: number, szDec: number): void {
    if (this.count === this.px.length) this.#grow();
    const i = this.count++;
    this.px[i] = px;
    this.sz[i] = sz;
    this.n[i] = n;
    if (pxDec < this.pxDecMin) this.pxDecMin = pxDec;
    if (pxDec > this.pxDecMax) this.pxDecMax = pxDec;
    if (szDec < this.szDecMin) this.szDecMin = szDec;
    if (szDec > this.szDecMax) this.szDecMax = szDec;
  }

  /** Copy `other` into this side (storage reused). */
  copyFrom(other: SideLevels): void {
    while (this.px.length < other.count) this.#grow();
    this.px.set(other.px.subarray(0, other.count));
    this.sz.set(other.sz.subarray(0, other.count));
    this.n.set(other.n.subarray(0, other.count));
    this.count = other.count;
    this.pxDecMin = other.pxDecMin;
    this.pxDecMax = other.pxDecMax;
    this.szDecMin = other.szDecMin;
    this.szDecMax = other.szDecMax;
  }

  #grow(): void {
    const cap = this.px.length * 2 || 32;
    const px = new Float64Array(cap);
    const sz = new Float64Array(cap);
    const n = new Float64Array(cap);
    px.set(this.px);
    sz.set(this.sz);
    n.set(this.n);
    this.px = px;
    this.sz = sz;
    this.n = n;
  }
}

/** Trades of one `trades` message, as fixed-point integers. */
export class TradeList {
  /** Number of trades filled. */
  count = 0;
  /** Prices × 10^priceScale. */
  px: Float64Array;
  /** Sizes × 10^sizeScale. */
  sz: Float64Array;
  /** Aggressor: +1 = buyer ("B", took the ask), -1 = seller ("A", hit the bid). */
  side: Int8Array;
  /** Trade time, ms since the epoch. */
  time: Float64Array;
  /** Trade id (`tid`, 50-bit), NaN when absent. */
  tid: Float64Array;

  /** Room for `capacity` trades (grows when needed). */
  constructor(capacity = 64) {
    this.px = new Float64Array(capacity);
    this.sz = new Float64Array(capacity);
    this.side = new Int8Array(capacity);
    this.time = new Float64Array(capacity);
    this.tid = new Float64Array(capacity);
  }

  /** Append a trade; grows when full. */
  push(px: number, sz: number, side: number, time: number, tid: number): void {
    if (this.count === this.px.length) this.#grow();
    const i = this.count++;
    this.px[i] = px;
    this.sz[i] = sz;
    this.side[i] = side;
    this.time[i] = time;
    this.tid[i] = tid;
  }

  #grow(): void {
    const cap = this.px.length * 2 || 64;
    const px = new Float64Array(cap);
    const sz = new Float64Array(cap);
    const side = new Int8Array(cap);
    const time = new Float64Array(cap);
    const tid = new Float64Array(cap);
    px.set(this.px);
    sz.set(this.sz);
    side.set(this.side);
    time.set(this.time);
    tid.set(this.tid);
    this.px = px;
    this.sz = sz;
    this.side = side;
    this.time = time;
    this.tid = tid;
  }
}

/**
 * The parse result. Byte ranges (`coinStart`…) index the parser's current source bytes
 * (`HlParser.bytes`) and are valid until the next parse.
 */
export class HlFrame {
  /** What the frame was. */
  kind: HlMsg = HlMsg.Malformed;
  /** Why it is malformed ({@linkcode HlParseError.None} otherwise). */
  error: HlParseError = HlParseError.None;
  /** True when the payload came inside a `{"channel","data"}` envelope. */
  enveloped = false;
  /** Coin of a book or of a subscription: byte range [coinStart, coinEnd). */
  coinStart = 0;
  /** End of the coin byte range. */
  coinEnd = 0;
  /** Book time, ms since the epoch (NaN when absent). */
  time = NaN;
  /** True once a book's `levels` were parsed. */
  hasLevels = false;
  /** Bids, best (highest) first. */
  readonly bids: SideLevels = new SideLevels();
  /** Asks, best (lowest) first. */
  readonly asks: SideLevels = new SideLevels();
  /** Trades of a `trades` message. */
  readonly trades: TradeList = new TradeList();
  /** Error text / plain text: byte range [textStart, textEnd) (string contents, escapes not decoded). */
  textStart = 0;
  /** End of the text byte range. */
  textEnd = 0;
  /** subscriptionResponse: 1 = subscribe, 2 = unsubscribe, 0 = other. */
  subMethod = 0;
  /** subscriptionResponse: 1 = l2Book, 2 = trades, 3 = bbo, 0 = other. */
  subType = 0;
  /** subscriptionResponse: `"fast":true` in the subscription. */
  subFast = false;
  /** subscriptionResponse: `nSigFigs` (NaN when absent or null). */
  subSigFigs = NaN;
  /** subscriptionResponse: `mantissa` (NaN when absent or null). */
  subMantissa = NaN;

  /** Clear for the next parse (keeps storage). */
  reset(): void {
    this.kind = HlMsg.Malformed;
    this.error = HlParseError.None;
    this.enveloped = false;
    this.coinStart = this.coinEnd = 0;
    this.time = NaN;
    this.hasLevels = false;
    this.bids.reset();
    this.asks.reset();
    this.trades.count = 0;
    this.textStart = this.textEnd = 0;
    this.subMethod = 0;
    this.subType = 0;
    this.subFast = false;
    this.subSigFigs = NaN;
    this.subMantissa = NaN;
  }
}
