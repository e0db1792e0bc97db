/**
 * Private: the pool of diffs `BookSync` buffers before a snapshot. Buffered diffs are copies in
 * reused {@linkcode DepthDiff} objects, held as the window `pool[bs, be)` (the indexes stay
 * private fields of `BookSync`); these are the whole-window operations on it. They run when the
 * window reaches the pool's end or on a rescale, never once per applied diff; no allocation.
 * @module
 */
import type { DepthDiff } from "./types.ts";

/**
 * Move the window `pool[bs, be)` to the front of `pool` (swapping objects, so every pooled
 * `DepthDiff` stays owned once). Returns its length: the window is then `pool[0, n)`.
 */
export function compactPool(pool: DepthDiff[], bs: number, be: number): number {
  const n = be - bs;
  for (let i = 0; i < n; i++) {
    const t = pool[i]!;
    pool[i] = pool[bs + i]!;
    pool[bs + i] = t;
  }
  return n;
}

/**
 * Rescale the diffs of the window `pool[bs, be)` (prices × 10^`kp`, quantities × 10^`kq`).
 * False when a value would pass 2^53: it stops there (the caller resyncs).
 */
export function rescalePool(pool: DepthDiff[], bs: number, be: number, kp: number, kq: number): boolean {
  for (let i = bs; i < be; i++) if (!pool[i]!.rescale(kp, kq)) return false;
  return true;
}
