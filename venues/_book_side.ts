/**
 * Private: {@linkcode BookSide}, one side of the L2 book — a price-indexed window on the detected
 * tick plus a sorted fallback store, with O(1) best and a merging depth cursor. The full contract
 * is in `book.ts`, which re-exports everything here.
 * @module
 */
import { findLevel, gcd } from "./_book_search.ts";

/** Levels a side holds (in the fallback) before it detects the tick and opens the price window. */
export const PROMOTE_AT = 64;
/** Width of the price-indexed window, in ticks. */
export const ROI_TICKS = 1 << 16;
const MAX_SPAN = 2 ** 52;

/** One side of the book. */
export class BookSide {
  /** True for bids (best = highest price), false for asks (best = lowest). */
  readonly isBid: boolean;
  // Sorted fallback, worst first.
  #px: Float64Array;
  #qty: Float64Array;
  #n = 0;
  // Price window: level i has price #base + i * #tick. #tick = 0 while undetected.
  #roi: Float64Array | null = null;
  #tick = 0;
  #base = 0;
  #span = 0; // ROI_TICKS * #tick
  // 1 / #tick. The window index of an offset `off` in [0, #span) is `(off * #inv + 0.5) | 0`, no
  // division: for an on-grid `off = k * #tick` (k < ROI_TICKS, integers below 2^52) the product
  // is within k * 2^-52 of k, so the index is exactly k; the exact multiply-back check
  // `i * #tick === off` rejects every other offset (off the grid), as the division did.
  #inv = 0;
  #rn = 0; // levels in the window
  #rBest = -1; // window index of its best level, -1 when the window is empty
  #rLo = ROI_TICKS; // occupied index bounds (loose: widened on insert, reset by clear)
  #rHi = -1;
  #noRoi = false; // detection failed: stay sorted until clear()
  // Cursor for priceAt/qtyAt, valid while #ver is unchanged.
  #ver = 0;
  #cVer = -1;
  #cDepth = -1;
  #cRi = 0;
  #cFi = 0;
  #cPx = NaN;
  #cQty = 0;

  /** An empty side with room for `capacity` levels in its sorted store before it grows. */
  constructor(isBid: boolean, capacity = 1024) {
    this.isBid = isBid;
    const cap = Math.max(1, capacity | 0);
    this.#px = new Float64Array(cap);
    this.#qty = new Float64Array(cap);
  }

  /** Number of levels. */
  get size(): number {
    return this.#n + this.#rn;
  }

  /** Best price, or NaN when empty. */
  bestPrice(): number {
    const n = this.#n;
    if (this.#rn > 0) {
      const rp = this.#base + this.#rBest * this.#tick;
      if (n === 0) return rp;
      const fp = this.#px[n - 1]!;
      return this.isBid ? (rp > fp ? rp : fp) : (rp < fp ? rp : fp);
    }
    return n > 0 ? this.#px[n - 1]! : NaN;
  }

  /** Quantity at the best price, or 0 when empty. */
  bestQty(): number {
    const n = this.#n;
    if (this.#rn > 0) {
      const rq = this.#roi![this.#rBest]!;
      if (n === 0) return rq;
      const rp = this.#base + this.#rBest * this.#tick;
      const fp = this.#px[n - 1]!;
      return (this.isBid ? rp > fp : rp < fp) ? rq : this.#qty[n - 1]!;
    }
    return n > 0 ? this.#qty[n - 1]! : 0;
  }

  /** Price of the level `depth` steps from the best (0 = best). NaN when out of range. */
  priceAt(depth: number): number {
    return this.#seek(depth) ? this.#cPx : NaN;
  }

  /** Quantity of the level `depth` steps from the best (0 = best). 0 when out of range. */
  qtyAt(depth: number): number {
    return this.#seek(depth) ? this.#cQty : 0;
  }

  /** Quantity at `price`, 0 when the level is absent. */
  get(price: number): number {
    const tick = this.#tick;
    if (tick > 0) {
      const off = price - this.#base;
      if (off >= 0 && off < this.#span) {
        const i = (off * this.#inv + 0.5) | 0;
        if (i * tick === off) return this.#roi![i]!;
      }
    }
    const i = findLevel(this.#px, this.#n, this.isBid, price);
    return i >= 0 ? this.#qty[i]! : 0;
  }

  /**
   * Set the level at `price` to `qty` (0 removes it). Returns the previous quantity
   * (0 when the level was absent).
   */
  set(price: number, qty: number): number {
    const tick = this.#tick;
    if (tick > 0) {
      const off = price - this.#base;
      if (off >= 0 && off < this.#span) {
        const i = (off * this.#inv + 0.5) | 0;
        if (i * tick === off) return this.#setRoi(i, qty);
      }
    }
    return this.#setSorted(price, qty);
  }

  /** Remove every level. The next levels detect the tick again. */
  clear(): void {
    this.#n = 0;
    if (this.#roi !== null && this.#rHi >= this.#rLo) this.#roi.fill(0, this.#rLo, this.#rHi + 1);
    this.#tick = 0;
    this.#span = 0;
    this.#rn = 0;
    this.#rBest = -1;
    this.#rLo = ROI_TICKS;
    this.#rHi = -1;
    this.#noRoi = false;
    this.#ver++;
  }

  /** Call `fn(price, qty)` for each level from the best outward. Allocates the callback. */
  forEach(fn: (price: number, qty: number) => void): void {
    const size = this.size;
    for (let d = 0; d < size; d++) {
      this.#seek(d);
      fn(this.#cPx, this.#cQty);
    }
  }

  /** Sum of all quantities (for checks). */
  totalQty(): number {
    let s = 0;
    for (let i = 0; i < this.#n; i++) s += this.#qty[i]!;
    const roi = this.#roi;
    if (roi !== null && this.#rn > 0) { for (let i = this.#rLo; i <= this.#rHi; i++) s += roi[i]!; }
    return s;
  }

  #setRoi(i: number, qty: number): number {
    const roi = this.#roi!;
    const prev = roi[i]!;
    this.#ver++;
    if (qty === 0) {
      if (prev === 0) return 0;
      roi[i] = 0;
      if (--this.#rn === 0) this.#rBest = -1;
      else if (i === this.#rBest) {
        let j = i;
        if (this.isBid) { do j--; while (roi[j] === 0); }
        else do j++; while (roi[j] === 0);
        this.#rBest = j; // rn > 0, so an occupied index lies within [#rLo, #rHi]
      }
      return prev;
    }
    roi[i] = qty;
    if (prev === 0) {
      this.#rn++;
      const b = this.#rBest;
      if (b < 0 || (this.isBid ? i > b : i < b)) this.#rBest = i;
      if (i < this.#rLo) this.#rLo = i;
      if (i > this.#rHi) this.#rHi = i;
    }
    return prev;
  }

  #setSorted(price: number, qty: number): number {
    const i = findLevel(this.#px, this.#n, this.isBid, price);
    this.#ver++;
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
    const tick = this.#tick;
    if (tick === 0) {
      if (n + 1 >= PROMOTE_AT && !this.#noRoi) this.#rebuild(true);
    } else if (
      !this.#noRoi && (price - this.#base) % tick === 0 &&
      (this.#rn === 0 ||
        (this.isBid ? price > this.#base + this.#rBest * tick : price < this.#base + this.#rBest * tick))
    ) {
      // An on-grid level better than the whole window: the market left it. Re-centre.
      this.#rebuild(false);
    }
    return 0;
  }

  #grow(): void {
    const px = new Float64Array(this.#px.length * 2);
    const qty = new Float64Array(this.#qty.length * 2);
    px.set(this.#px);
    qty.set(this.#qty);
    this.#px = px;
    this.#qty = qty;
  }

  // Move to depth `depth` (merging window and fallback from the best); false when out of range.
  #seek(depth: number): boolean {
    if (!(depth >= 0 && depth < this.#n + this.#rn)) return false;
    if (this.#cVer !== this.#ver || depth < this.#cDepth) {
      this.#cVer = this.#ver;
      this.#cDepth = -1;
      this.#cRi = this.#rBest;
      this.#cFi = this.#n - 1;
    }
    const roi = this.#roi;
    const bid = this.isBid;
    const step = bid ? -1 : 1;
    while (this.#cDepth < depth) {
      let ri = this.#cRi;
      let rp = NaN;
      if (roi !== null && this.#rn > 0) {
        while (ri >= this.#rLo && ri <= this.#rHi && roi[ri] === 0) ri += step;
        if (ri >= this.#rLo && ri <= this.#rHi) rp = this.#base + ri * this.#tick;
      }
      const fi = this.#cFi;
      const fp = fi >= 0 ? this.#px[fi]! : NaN;
      if (rp === rp && (fp !== fp || (bid ? rp > fp : rp < fp))) {
        this.#cPx = rp;
        this.#cQty = roi![ri]!;
        this.#cRi = ri + step;
      } else {
        this.#cPx = fp;
        this.#cQty = this.#qty[fi]!;
        this.#cFi = fi - 1;
        this.#cRi = ri;
      }
      this.#cDepth++;
    }
    return true;
  }

  // Re-place every level: detect the tick (when `detect`), centre the window on the best, put
  // on-grid in-window levels in it and the rest in the fallback. Allocates (rare).
  #rebuild(detect: boolean): void {
    const n = this.size;
    const px = new Float64Array(n);
    const qty = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      this.#seek(d);
      px[d] = this.#cPx;
      qty[d] = this.#cQty;
    }
    let tick = this.#tick;
    if (detect) {
      tick = 0;
      for (let d = 1; d < n; d++) tick = gcd(tick, Math.abs(px[d]! - px[0]!));
    }
    const best = px[0]!;
    const k = Math.min(ROI_TICKS >>> 1, Math.floor(best / tick));
    const base = best - k * tick;
    const span = ROI_TICKS * tick;
    if (!(tick > 0) || !(span < MAX_SPAN) || !(base + span < MAX_SPAN)) {
      // No usable grid. Detecting: the levels are still in the fallback. Re-centring: keep the
      // window as it is. Either way stop trying until clear().
      this.#noRoi = true;
      return;
    }
    this.clear();
    if (this.#roi === null) this.#roi = new Float64Array(ROI_TICKS);
    this.#tick = tick;
    this.#inv = 1 / tick;
    this.#base = base;
    this.#span = span;
    // The best first (it lands mid-window, so no later insert can re-centre), then from the
    // worst up (fallback inserts append).
    this.set(best, qty[0]!);
    for (let d = n - 1; d > 0; d--) this.set(px[d]!, qty[d]!);
  }
}
