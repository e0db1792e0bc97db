/**
 * A read-only view of an instrument's L2 book, handed to subscribers: best bid/ask, depth by
 * level, quantity by price. Nothing done through it can change the book. No allocation.
 * @module
 */
import type { L2Book } from "../venues/book.ts";
import type { Instrument } from "./instrument.ts";

/** Read-only access to one instrument's book (integers scaled by the instrument's decimals). */
export interface BookView {
  /** The instrument (its precision says how to read the integers). */
  readonly instrument: Instrument;
  /** True while the book is valid (a snapshot applied and no `clear` since). */
  readonly valid: boolean;
  /** Venue update id the book reflects. */
  readonly updateId: number;
  /** Best bid price, NaN when there is no bid. */
  bestBid(): number;
  /** Best ask price, NaN when there is no ask. */
  bestAsk(): number;
  /** Quantity at the best bid (0 when none). */
  bestBidQty(): number;
  /** Quantity at the best ask (0 when none). */
  bestAskQty(): number;
  /** Number of levels on a side. */
  depth(isBid: boolean): number;
  /** Price of level `i` (0 = best) on a side, NaN beyond the depth. */
  priceAt(isBid: boolean, i: number): number;
  /** Quantity of level `i` (0 = best) on a side, 0 beyond the depth. */
  qtyAt(isBid: boolean, i: number): number;
  /** Quantity at `price` on a side (0 when there is no such level). */
  qtyAtPrice(isBid: boolean, price: number): number;
  /** A price as a number in the venue's unit (allocates nothing; may round: display only). */
  toPrice(price: number): number;
  /** A quantity as a number in the venue's unit (display only). */
  toQty(qty: number): number;
}

/** {@linkcode BookView} over an {@linkcode L2Book}. */
export class L2BookView implements BookView {
  readonly #book: L2Book;
  /** Set by the stream: true between a snapshot and a clear. */
  valid = false;
  readonly instrument: Instrument;

  /** View `book` of `instrument`. */
  constructor(book: L2Book, instrument: Instrument) {
    this.#book = book;
    this.instrument = instrument;
  }
  get updateId(): number {
    return this.#book.updateId;
  }
  bestBid(): number {
    return this.#book.bids.size > 0 ? this.#book.bids.bestPrice() : NaN;
  }
  bestAsk(): number {
    return this.#book.asks.size > 0 ? this.#book.asks.bestPrice() : NaN;
  }
  bestBidQty(): number {
    return this.#book.bids.size > 0 ? this.#book.bids.bestQty() : 0;
  }
  bestAskQty(): number {
    return this.#book.asks.size > 0 ? this.#book.asks.bestQty() : 0;
  }
  depth(isBid: boolean): number {
    return this.#book.side(isBid).size;
  }
  priceAt(isBid: boolean, i: number): number {
    const s = this.#book.side(isBid);
    return i >= 0 && i < s.size ? s.priceAt(i) : NaN;
  }
  qtyAt(isBid: boolean, i: number): number {
    const s = this.#book.side(isBid);
    return i >= 0 && i < s.size ? s.qtyAt(i) : 0;
  }
  qtyAtPrice(isBid: boolean, price: number): number {
    return this.#book.side(isBid).get(price);
  }
  toPrice(price: number): number {
    return price / 10 ** this.instrument.priceDecimals;
  }
  toQty(qty: number): number {
    return qty / 10 ** this.instrument.qtyDecimals;
  }
}
