/**
 * Typed-array growth helpers for the replay pools (the only allocation they make).
 * @module
 */

/** A copy of `a` with length `n` (>= a.length). */
export function growF(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** A copy of `a` with length `n` (>= a.length). */
export function growI(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
