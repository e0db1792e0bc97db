/**
 * `SnapshotOrder`: which symbol's REST snapshot goes next when many symbols share one weight
 * budget. Policy "priority" (the handler's): symbols that were synchronized before and lost
 * their book (a gap, a stale feed) go first, then symbols never synchronized, each group in
 * symbol order — so the first symbols are usable early and a resync never waits behind the
 * whole warm-up. Policy "fifo" (for comparison in `bench/binance_warmup.ts`): in the order the
 * symbols asked. A symbol is queued at most once. No allocation after construction; `next` of
 * "priority" scans the flags (O(symbols), called at most once per request sent).
 * @module
 */

/** How {@linkcode SnapshotOrder} picks. */
export type SnapshotPolicy = "priority" | "fifo";

/** The queue of symbols waiting for a snapshot. */
export class SnapshotOrder {
  /** The policy. */
  readonly policy: SnapshotPolicy;
  readonly #want: Uint8Array;
  readonly #ever: Uint8Array;
  readonly #ring: Int32Array;
  #head = 0;
  #len = 0;

  /** A queue over symbols `0..n-1`. */
  constructor(n: number, policy: SnapshotPolicy = "priority") {
    if (!Number.isInteger(n) || n < 1) throw new RangeError("n must be >= 1");
    this.policy = policy;
    this.#want = new Uint8Array(n);
    this.#ever = new Uint8Array(n);
    this.#ring = new Int32Array(n);
  }

  /** Symbols waiting. */
  get length(): number {
    return this.#len;
  }

  /** True when symbol `i` is waiting. */
  has(i: number): boolean {
    return this.#want[i] === 1;
  }

  /** Symbol `i` needs a snapshot (no effect when it is already waiting). */
  want(i: number): void {
    if (this.#want[i] === 1) return;
    this.#want[i] = 1;
    const n = this.#ring.length;
    this.#ring[(this.#head + this.#len) % n] = i;
    this.#len++;
  }

  /** Symbol `i` was synchronized: from now on its resyncs go first. */
  synced(i: number): void {
    this.#ever[i] = 1;
  }

  /** True when symbol `i` was synchronized at least once. */
  everSynced(i: number): boolean {
    return this.#ever[i] === 1;
  }

  /** Take the next symbol to snapshot, or -1 when none waits. */
  next(): number {
    if (this.#len === 0) return -1;
    if (this.policy === "fifo") {
      const i = this.#ring[this.#head]!;
      this.#head = (this.#head + 1) % this.#ring.length;
      this.#len--;
      this.#want[i] = 0;
      return i;
    }
    const want = this.#want;
    let pick = -1;
    for (let i = 0; i < want.length; i++) {
      if (want[i] === 1 && this.#ever[i] === 1) {
        pick = i;
        break;
      }
    }
    if (pick < 0) pick = want.indexOf(1);
    this.#remove(pick);
    return pick;
  }

  // Drop `i` from the ring (priority order only reads the flags; the ring keeps the count).
  #remove(i: number): void {
    this.#want[i] = 0;
    const n = this.#ring.length;
    let k = 0;
    while (k < this.#len && this.#ring[(this.#head + k) % n] !== i) k++;
    for (; k + 1 < this.#len; k++) this.#ring[(this.#head + k) % n] = this.#ring[(this.#head + k + 1) % n]!;
    this.#len--;
  }
}
