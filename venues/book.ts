/**
 * The venue-agnostic L2 order book on integer prices (fixed-point ticks) and quantities.
 *
 * Contract:
 * - Each side is a pair of parallel `Float64Array`s sorted from the worst price to the best,
 *   so the best level is the last element: best bid/ask is O(1), and inserts and deletes near
 *   the top touch only the few elements above them (`copyWithin` on a typed array is a native
 *   memmove; there is no Array subclass anywhere).
 * - Lookups are binary searches: O(log n).
 * - A quantity of 0 removes the level. Prices and quantities must be non-negative integers
 *   below 2^53; the book does not check this per update (the parser does).
 * - Capacity grows by doubling when a side is full (the only allocation, amortised).
 * - Single-threaded: the thread that applies updates owns the book.
 * @module
 */

/** One side of the book. */
export class BookSide {
  /** True for bids (best = highest price), false for asks (best = lowest). */
  readonly isBid: boolean;
  #px: Float64Array;
  #qty: Float64Array;
  #n = 0;

  /** An empty side with room for `capacity` levels before it grows. */
  constructor(isBid: boolean, capacity = 1024) {
    this.isBid = isBid;
    this.#px = new Float64Array(capacity);
    this.#qty = new Float64Array(capacity);
  }

  /** Number of levels. */
  get size(): number {
    return this.#n;
  }

  /** Best price, or NaN when empty. */
  bestPrice(): number {
    return this.#n > 0 ? this.#px[this.#n - 1]! : NaN;
  }

  /** Quantity at the best price, or 0 when empty. */
  bestQty(): number {
    return this.#n > 0 ? this.#qty[this.#n - 1]! : 0;
  }

  /** Price of the level `depth` steps from the best (0 = best). NaN when out of range. */
  priceAt(depth: number): number {
    const i = this.#n - 1 - depth;
    return i >= 0 && depth >= 0 ? this.#px[i]! : NaN;
  }

  /** Quantity of the level `depth` steps from the best (0 = best). 0 when out of range. */
  qtyAt(depth: number): number {
    const i = this.#n - 1 - depth;
    return i >= 0 && depth >= 0 ? this.#qty[i]! : 0;
  }

  /** Quantity at `price`, 0 when the level is absent. */
  get(price: number): number {
    const i = this.#find(price);
    return i >= 0 ? this.#qty[i]! : 0;
  }

  /**
   * Set the level at `price` to `qty` (0 removes it). Returns the previous quantity
   * (0 when the level was absent).
   */
  set(price: number, qty: number): number {
    const i = this.#find(price);
    if (i >= 0) {
      const prev = this.#qty[i]!;
      if (qty === 0) {
        const n = this.#n - 1;
        if (i < n) {
          this.#px.copyWithin(i, i + 1, n + 1);
          this.#qty.copyWithin(i, i + 1, n + 1);
        }
        this.#n = n;
      } else this.#qty[i] = qty;
      return prev;
    }
    if (qty === 0) return 0;
    const at = ~i;
    if (this.#n === this.#px.length) this.#grow();
    const n = this.#n;
    if (at < n) {
      this.#px.copyWithin(at + 1, at, n);
      this.#qty.copyWithin(at + 1, at, n);
    }
    this.#px[at] = price;
    this.#qty[at] = qty;
    this.#n = n + 1;
    return 0;
  }

  /** Remove every level. */
  clear(): void {
    this.#n = 0;
  }

  /** Call `fn(price, qty)` for each level from the best outward. Allocates the callback. */
  forEach(fn: (price: number, qty: number) => void): void {
    for (let i = this.#n - 1; i >= 0; i--) fn(this.#px[i]!, this.#qty[i]!);
  }

  /** Sum of all quantities (for checks). */
  totalQty(): number {
    let s = 0;
    for (let i = 0; i < this.#n; i++) s += this.#qty[i]!;
    return s;
  }

  // Index of `price`, or ~insertionPoint when absent. Storage is ascending for bids and
  // descending for asks; the search compares in "goodness" order, worst first.
  #find(price: number): number {
    const px = this.#px;
    let lo = 0;
    let hi = this.#n - 1;
    // Fast path: most updates hit the top of the book.
    if (hi >= 0 && px[hi] === price) return hi;
    if (this.isBid) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = px[mid]!;
        if (p < price) lo = mid + 1;
        else if (p > price) hi = mid - 1;
        else return mid;
      }
    } else {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = px[mid]!;
        if (p > price) lo = mid + 1;
        else if (p < price) hi = mid - 1;
        else return mid;
      }
    }
    return ~lo;
  }

  #grow(): void {
    const px = new Float64Array(this.#px.length * 2);
    const qty = new Float64Array(this.#qty.length * 2);
    px.set(this.#px);
    qty.set(this.#qty);
    this.#px = px;
    this.#qty = qty;
  }
}

/** A two-sided L2 book with the update id it reflects. */
export class L2Book {
  /** Bid side (best = highest). */
  readonly bids: BookSide;
  /** Ask side (best = lowest). */
  readonly asks: BookSide;
  /** The venue update id the book reflects (0 before the first snapshot). */
  updateId = 0;

  /** An empty book; `capacity` levels per side before growing. */
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

  /** True when both sides are non-empty and best bid >= best ask. */
  isCrossed(): boolean {
    return this.bids.size > 0 && this.asks.size > 0 && this.bids.bestPrice() >= this.asks.bestPrice();
  }
}
