/**
 * Binance Spot types. Two families, kept apart:
 * - Wire types (`*Wire`): the JSON the venue sends, with the venue's own keys (`U`, `u`, `E`, …).
 *   They document the protocol; the hot path never materialises them (the scanner in
 *   `parse.ts` reads the bytes directly). They live in `_wire_types.ts` and are re-exported here.
 * - Domain types: caller-owned, reusable out-objects on fixed-point integers. Prices and
 *   quantities are the decimal times 10^8 ({@linkcode PRICE_SCALE}, {@linkcode QTY_SCALE}), held
 *   in `number`s (exact below 2^53). Update ids reach ~4e10: they are f64 numbers and nothing may
 *   use 32-bit operators (`|0`, `>>>`) on them.
 * @module
 */

export type {
  AggTradeWire,
  BookTickerWire,
  CombinedWire,
  DepthSnapshotWire,
  DepthUpdateWire,
  ErrorReplyWire,
  LevelWire,
  ServerShutdownWire,
  SubscribeReplyWire,
  TradeWire,
} from "./_wire_types.ts";

/**
 * Decimal places of a fixed-point price by default: `priceTicks = price × 10^PRICE_SCALE`. The
 * live handler and replay scale each instrument by its own decimals instead (`Instrument`).
 */
export const PRICE_SCALE = 8;
/** Decimal places of a fixed-point quantity: `qtyLots = qty × 10^QTY_SCALE`. */
export const QTY_SCALE = 8;

/**
 * A parsed depth diff: a caller-owned, reusable out-object. Levels are parallel typed arrays
 * of fixed-point integers; the first `nBids` / `nAsks` entries are valid. The arrays grow
 * (doubling, the only allocation) when a message has more levels than they hold.
 */
export class DepthDiff {
  /** First update id in the event (`U`). */
  firstId = 0;
  /** Final update id in the event (`u`). */
  lastId = 0;
  /** USD-M futures: the previous event's final update id (`pu`); -1 when absent (spot). */
  prevId = -1;
  /** Event time, ms since the Unix epoch (`E`). */
  eventTimeMs = 0;
  /** Number of valid bid levels. */
  nBids = 0;
  /** Number of valid ask levels. */
  nAsks = 0;
  /** Bid prices, ticks (× 10^8). */
  bidPx: Float64Array;
  /** Bid quantities, lots (× 10^8); 0 removes the level. */
  bidQty: Float64Array;
  /** Ask prices, ticks (× 10^8). */
  askPx: Float64Array;
  /** Ask quantities, lots (× 10^8); 0 removes the level. */
  askQty: Float64Array;

  /** Room for `capacity` levels per side before growing. */
  constructor(capacity = 256) {
    const n = Math.max(1, capacity);
    this.bidPx = new Float64Array(n);
    this.bidQty = new Float64Array(n);
    this.askPx = new Float64Array(n);
    this.askQty = new Float64Array(n);
    // Ids and times are doubles from the start (see `Trade`'s constructor).
    this.firstId = this.lastId = this.eventTimeMs = 0.5;
    this.firstId = this.lastId = this.eventTimeMs = 0;
  }

  /** Make room for at least `n` bid levels, keeping the first `nBids`. Allocates when growing. */
  growBids(n: number): void {
    if (n <= this.bidPx.length) return;
    let cap = this.bidPx.length;
    while (cap < n) cap *= 2;
    this.bidPx = grow(this.bidPx, cap);
    this.bidQty = grow(this.bidQty, cap);
  }

  /** Make room for at least `n` ask levels, keeping the first `nAsks`. Allocates when growing. */
  growAsks(n: number): void {
    if (n <= this.askPx.length) return;
    let cap = this.askPx.length;
    while (cap < n) cap *= 2;
    this.askPx = grow(this.askPx, cap);
    this.askQty = grow(this.askQty, cap);
  }

  /**
   * A scanner filled `n` levels of one side and needs one more: record `n` as that side's count
   * and make room for `n + 1` levels. The rare path of the level scanners (allocates).
   */
  growSide(isBid: boolean, n: number): void {
    if (isBid) {
      this.nBids = n;
      this.growBids(n + 1);
    } else {
      this.nAsks = n;
      this.growAsks(n + 1);
    }
  }

  /**
   * Rescale the valid levels exactly: prices × 10^`kp`, quantities × 10^`kq` (k >= 0). Returns
   * false when a value would pass 2^53 (the levels are then partly rescaled: drop the diff).
   */
  rescale(kp: number, kq: number): boolean {
    return scaleLevels(this.bidPx, this.bidQty, this.nBids, kp, kq) &&
      scaleLevels(this.askPx, this.askQty, this.nAsks, kp, kq);
  }

  /** Copy every field of `src` into this object (used to buffer diffs before a snapshot). */
  copyFrom(src: DepthDiff): void {
    this.firstId = src.firstId;
    this.lastId = src.lastId;
    this.prevId = src.prevId;
    this.eventTimeMs = src.eventTimeMs;
    this.growBids(src.nBids);
    this.growAsks(src.nAsks);
    this.nBids = src.nBids;
    this.nAsks = src.nAsks;
    this.bidPx.set(src.bidPx.subarray(0, src.nBids));
    this.bidQty.set(src.bidQty.subarray(0, src.nBids));
    this.askPx.set(src.askPx.subarray(0, src.nAsks));
    this.askQty.set(src.askQty.subarray(0, src.nAsks));
  }
}

function scaleLevels(px: Float64Array, qty: Float64Array, n: number, kp: number, kq: number): boolean {
  const mp = 10 ** kp;
  const mq = 10 ** kq;
  for (let i = 0; i < n; i++) {
    const p = px[i]! * mp;
    const q = qty[i]! * mq;
    if (p > Number.MAX_SAFE_INTEGER || q > Number.MAX_SAFE_INTEGER) return false;
    px[i] = p;
    qty[i] = q;
  }
  return true;
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** A parsed `@trade` (or `@aggTrade`) event: a caller-owned, reusable out-object. */
export class Trade {
  /** Trade id (`t`); for an aggTrade, the aggregate id (`a`). */
  id = 0;
  /** Price, ticks (× 10^8). */
  priceTicks = 0;
  /** Quantity, lots (× 10^8). */
  qtyLots = 0;
  /** Trade time, ms since the Unix epoch (`T`). */
  tradeTimeMs = 0;
  /** Event time, ms since the Unix epoch (`E`). */
  eventTimeMs = 0;
  /** `m`: the buyer is the maker, i.e. the taker sold and a bid was consumed. */
  buyerIsMaker = false;
  /** aggTrade only: first trade id (`f`); equals `id` for a plain trade. */
  firstTradeId = 0;
  /** aggTrade only: last trade id (`l`); equals `id` for a plain trade. */
  lastTradeId = 0;

  /** A blank trade (every number 0). */
  constructor() {
    // Ids, times and scaled values are doubles from the start: else the first trade changes the
    // object's layout and V8 throws away the code compiled for the old one.
    this.id =
      this.priceTicks =
      this.qtyLots =
      this.tradeTimeMs =
      this.eventTimeMs =
        0.5;
    this.firstTradeId = this.lastTradeId = 0.5;
    this.id =
      this.priceTicks =
      this.qtyLots =
      this.tradeTimeMs =
      this.eventTimeMs =
        0;
    this.firstTradeId = this.lastTradeId = 0;
  }
}

/**
 * A parsed REST depth snapshot. Levels are best first (as on the wire), fixed-point integers;
 * the arrays have exactly one entry per level. Allocated once per snapshot.
 */
export interface DepthSnapshot {
  /** The update id the snapshot reflects. */
  lastUpdateId: number;
  /** Bid prices, ticks, best (highest) first. */
  bidPx: Float64Array;
  /** Bid quantities, lots. */
  bidQty: Float64Array;
  /** Ask prices, ticks, best (lowest) first. */
  askPx: Float64Array;
  /** Ask quantities, lots. */
  askQty: Float64Array;
}

/** Why a REST body could not be parsed (returned, never thrown). */
export interface ParseError {
  /** A short constant reason, e.g. `"truncated"`, `"bad number"`. */
  error: string;
}

/** True when `v` is a {@linkcode ParseError}. */
export function isParseError(v: DepthSnapshot | ParseError): v is ParseError {
  return (v as ParseError).error !== undefined;
}
