/**
 * Private: the pure array helpers of `BookSide` (see `book.ts` for the book contract): the
 * binary search over a side's sorted fallback store and the GCD used to detect the tick.
 * @module
 */

/**
 * Index of `price` in a side's sorted fallback `px[0, n)`, or ~insertionPoint when absent.
 * Storage is ascending for bids and descending for asks; the search compares in "goodness"
 * order, worst first.
 */
export function findLevel(px: Float64Array, n: number, isBid: boolean, price: number): number {
  let lo = 0;
  let hi = n - 1;
  // Fast path: most updates hit the top of the book.
  if (hi >= 0 && px[hi] === price) return hi;
  if (isBid) {
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

/** Greatest common divisor of two non-negative integers (tick detection). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
