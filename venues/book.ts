/**
 * The venue-agnostic L2 order book on integer prices (fixed-point ticks) and quantities.
 *
 * Contract:
 * - Each side keeps every level in exactly one of two stores, chosen by a pure function of the
 *   price (fixed until the side is cleared or re-centred):
 *   1. a price-indexed window (as hftbacktest's ROI depth): one `Float64Array` of quantities
 *      indexed by `(price - base) / tick`, 0 = absent. `tick` is DETECTED, never assumed: once
 *      the side holds {@linkcode PROMOTE_AT} levels it is the GCD of their price differences;
 *      the window spans {@linkcode ROI_TICKS} ticks centred on the best. A level that is in the
 *      window and on the grid is set/read/deleted in O(1); the best index is tracked, and
 *      deleting the best scans to the next occupied tick.
 *   2. a sorted fallback: parallel `Float64Array`s sorted from the worst price to the best
 *      (binary search, `copyWithin` inserts/deletes) for every other price: before detection,
 *      off the grid, or outside the window. Any price is therefore handled correctly; only
 *      speed depends on the grid.
 *   When an on-grid price better than the window's best falls outside the window (the market
 *   moved), the side is rebuilt around it (O(levels + window), rare).
 * - Best bid/ask is O(1) (the better of both stores). `priceAt`/`qtyAt(depth)` merge both
 *   stores from the best outward; a cursor makes a sequential walk (depth 0, 1, 2, …) amortised
 *   O(window / levels) per call. `forEach` walks the same order.
 * - A quantity of 0 removes the level. Prices and quantities must be non-negative integers
 *   below 2^53; the book does not check this per update (the parser does).
 * - Allocation: the fallback grows by doubling when full; the window (8 × ROI_TICKS bytes) is
 *   allocated once per side at the first detection and reused after `clear()`.
 * - Single-threaded: the thread that applies updates owns the book.
 * @module
 */
import { BookSide } from "./_book_side.ts";

export { BookSide, PROMOTE_AT, ROI_TICKS } from "./_book_side.ts";

/** A two-sided L2 book with the update id it reflects. */
export class L2Book {
  /** Bid side (best = highest). */
  readonly bids: BookSide;
  /** Ask side (best = lowest). */
  readonly asks: BookSide;
  /** The venue update id the book reflects (0 before the first snapshot). */
  updateId = 0;

  /** An empty book; `capacity` levels per side in the sorted store before it grows. */
  constructor(capacity = 1024) {
    this.bids = new BookSide(true, capacity);
    this.asks = new BookSide(false, capacity);
  }

  /** The side for `isBid`. */
  side(isBid: boolean): BookSide {
    return isBid ? this.bids : this.asks;
  }

  /** Remove every level and reset the update id. */
  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.updateId = 0;
  }

  /**
   * Rescale every level exactly: prices × 10^`kp`, quantities × 10^`kq` (k >= 0; the
   * instrument's decimals grew). Returns false and changes nothing when a value would pass 2^53
   * (the book cannot be held at that scale: the caller resyncs). Allocates (rare: once per
   * rescale); the sides detect their tick again.
   */
  rescale(kp: number, kq: number): boolean {
    if (kp === 0 && kq === 0) return true;
    const mp = 10 ** kp;
    const mq = 10 ** kq;
    const lv: number[][] = [[], []];
    for (let s = 0; s < 2; s++) {
      const side = this.side(s === 0);
      const out = lv[s]!;
      for (let i = 0; i < side.size; i++) {
        const p = side.priceAt(i) * mp;
        const q = side.qtyAt(i) * mq;
        if (p > Number.MAX_SAFE_INTEGER || q > Number.MAX_SAFE_INTEGER) return false;
        out.push(p, q);
      }
    }
    for (let s = 0; s < 2; s++) {
      const side = this.side(s === 0);
      const out = lv[s]!;
      side.clear();
      for (let i = 0; i < out.length; i += 2) side.set(out[i]!, out[i + 1]!);
    }
    return true;
  }

  /** True when both sides are non-empty and best bid >= best ask. */
  isCrossed(): boolean {
    return this.bids.size > 0 && this.asks.size > 0 && this.bids.bestPrice() >= this.asks.bestPrice();
  }
}
