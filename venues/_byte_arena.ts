/**
 * FIFO storage of frame bytes for an inbox: each frame's bytes are contiguous in {@linkcode
 * ByteArena.buf}, start at a multiple of 4 (checked a word at a time) and are followed by at least
 * one spare byte (a scanner may write its sentinel there), and frames are released in the order
 * they were reserved.
 *
 * Contract:
 * - Offsets handed out are virtual (they only grow); {@linkcode ByteArena.at} turns one into an
 *   index of `buf` as it is now. `buf` may be replaced by a reservation (when the held bytes must
 *   move or grow), so read it again after each {@linkcode ByteArena.reserve}.
 * - When everything reserved has been released, the next frame starts at `buf[0]` again: a
 *   reader that keeps up never makes the arena move bytes. Otherwise the held bytes are moved to
 *   the front when the end is reached, and `buf` doubles when they fill more than half of it
 *   (each move frees at least half: amortized O(1) per byte).
 * - Single-threaded. No allocation unless `buf` must grow.
 * @module
 */

/** Frame bytes held in arrival order. */
export class ByteArena {
  /** The bytes (replaced when the arena grows). */
  buf: Uint8Array;
  #u32: Uint32Array; // the same bytes, for word-wise checks
  #base = 0; // virtual offset of buf[0]
  #top = 0; // virtual offset of the next free byte
  #live = 0; // virtual offset of the oldest byte still held

  /** Room for `bytes` bytes before growing. */
  constructor(bytes = 1 << 16) {
    this.buf = new Uint8Array(bytes);
    this.#u32 = new Uint32Array(this.buf.buffer, 0, bytes >> 2);
  }

  /** Bytes held (reserved and not released, spare bytes included). */
  get held(): number {
    return this.#top - this.#live;
  }

  /**
   * Reserve `n` bytes plus the spare byte after them; returns their virtual start. Shrink the
   * reservation with {@linkcode ByteArena.trim} before reserving again when fewer were written.
   */
  reserve(n: number): number {
    const need = (n + 4) & ~3; // and the spare byte, rounded up: every start is a multiple of 4
    if (this.#top - this.#base + need > this.buf.length) this.#makeRoom(need);
    const v = this.#top;
    this.#top = v + need;
    return v;
  }

  /** The last reservation (at virtual `v`) holds `n` bytes (at most what was reserved). */
  trim(v: number, n: number): void {
    const need = (n + 4) & ~3;
    if (v + need > this.#top) throw new RangeError("trim beyond the reservation");
    this.#top = v + need;
  }

  /** The end (virtual) of a reservation of `n` bytes at virtual `v`, spare byte and padding included. */
  static endOf(v: number, n: number): number {
    return v + ((n + 4) & ~3);
  }

  /** True when the `n` bytes at virtual `v` are all ASCII (read a word at a time). */
  ascii(v: number, n: number): boolean {
    const p = v - this.#base;
    const w = this.#u32, q = p >> 2, m = n >> 2;
    let or = 0;
    for (let k = 0; k < m; k++) or |= w[q + k]!;
    const b = this.buf;
    for (let k = p + (m << 2); k < p + n; k++) or |= b[k]!;
    return (or & 0x80808080) === 0;
  }

  /** Undo the last reservation (at virtual `v`). */
  unreserve(v: number): void {
    this.#top = v;
  }

  /** The index in `buf` of virtual offset `v`. */
  at(v: number): number {
    return v - this.#base;
  }

  /** Every byte before virtual offset `v` is no longer needed. */
  release(v: number): void {
    this.#live = v;
    if (v === this.#top) this.#base = v; // nothing held: start again at buf[0]
  }

  #makeRoom(need: number): void {
    const live = this.#top - this.#live;
    const from = this.#live - this.#base;
    const old = this.buf;
    if (live + need > old.length >> 1) {
      const b = new Uint8Array(Math.max(old.length * 2, (live + need) * 2));
      b.set(old.subarray(from, from + live));
      this.buf = b;
      this.#u32 = new Uint32Array(b.buffer, 0, b.length >> 2);
    } else old.copyWithin(0, from, from + live);
    this.#base = this.#live;
  }
}
