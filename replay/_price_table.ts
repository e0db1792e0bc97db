/**
 * An open-addressing hash map from integer prices (f64 holding integers < 2^53) to small
 * non-negative int32 values, on typed arrays: no boxed keys, no allocation per operation.
 *
 * Contract: linear probing with backward-shift deletion (no tombstones); the table doubles when
 * it is half full (the only allocation). Single-threaded.
 * @module
 */

const EMPTY = -1;

/** The map. */
export class PriceTable {
  #keys: Float64Array;
  #vals: Int32Array;
  #mask: number;
  #size = 0;

  /** Room for about `capacity / 2` keys before growing (capacity rounded up to a power of two). */
  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#keys = new Float64Array(cap);
    this.#vals = new Int32Array(cap).fill(EMPTY);
    this.#mask = cap - 1;
  }

  /**
   * The operand of {@linkcode PriceTable.find}, {@linkcode PriceTable.insertFound} and
   * {@linkcode PriceTable.deleteKey}: set it, then call them. A field keeps the price an unboxed
   * double; a double passed as an argument to a call that is not inlined is boxed (allocated).
   */
  key = 0;
  #at = 0; // slot of the last find(): the key's slot, or the empty slot where it would go

  /** Number of keys. */
  get size(): number {
    return this.#size;
  }

  #slot(price: number): number {
    // ToUint32 is the value modulo 2^32 (exact for integers below 2^53); no fmod, no division.
    const lo = price >>> 0;
    const hi = (price * 2.3283064365386963e-10) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.#mask;
  }

  /** The value for `price`, or -1 when absent. */
  get(price: number): number {
    const keys = this.#keys;
    const vals = this.#vals;
    let i = this.#slot(price);
    while (true) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === price) return v;
      i = (i + 1) & this.#mask;
    }
  }

  /** The value for {@linkcode PriceTable.key}, or -1 when absent (remembered for `insertFound`). */
  find(): number {
    const keys = this.#keys;
    const vals = this.#vals;
    const key = this.key;
    const mask = this.#mask;
    let i = this.#slot(key);
    while (true) {
      const v = vals[i]!;
      if (v === EMPTY || keys[i] === key) {
        this.#at = i;
        return v;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Insert {@linkcode PriceTable.key} with `value` (>= 0) right after a `find()` of the same key
   * returned -1, with no other change to the table in between (one probe instead of two).
   */
  insertFound(value: number): void {
    if ((this.#size + 1) * 2 > this.#vals.length) {
      this.#grow();
      this.set(this.key, value);
      return;
    }
    const i = this.#at;
    this.#keys[i] = this.key;
    this.#vals[i] = value;
    this.#size++;
  }

  /** Set `price` to `value` (value >= 0). */
  set(price: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#vals.length) this.#grow();
    const keys = this.#keys;
    const vals = this.#vals;
    let i = this.#slot(price);
    while (vals[i] !== EMPTY) {
      if (keys[i] === price) {
        vals[i] = value;
        return;
      }
      i = (i + 1) & this.#mask;
    }
    keys[i] = price;
    vals[i] = value;
    this.#size++;
  }

  /** Remove `price`; returns its value, or -1 when absent. */
  delete(price: number): number {
    this.key = price;
    return this.deleteKey();
  }

  /** Remove {@linkcode PriceTable.key}; returns its value, or -1 when absent. */
  deleteKey(): number {
    const price = this.key;
    const keys = this.#keys;
    const vals = this.#vals;
    const mask = this.#mask;
    let i = this.#slot(price);
    while (true) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === price) break;
      i = (i + 1) & mask;
    }
    const out = vals[i]!;
    // Backward-shift: move later entries of the probe run into the hole when that keeps them reachable.
    let hole = i;
    let j = (i + 1) & mask;
    while (vals[j] !== EMPTY) {
      const home = this.#slot(keys[j]!);
      // Entry at j may move to `hole` if `home` is not cyclically within (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        keys[hole] = keys[j]!;
        vals[hole] = vals[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    vals[hole] = EMPTY;
    this.#size--;
    return out;
  }

  /** Remove every key. */
  clear(): void {
    this.#vals.fill(EMPTY);
    this.#size = 0;
  }

  /** Call `fn(price, value)` for every key (allocates the callback; for checks). */
  forEach(fn: (price: number, value: number) => void): void {
    for (let i = 0; i < this.#vals.length; i++) {
      if (this.#vals[i] !== EMPTY) fn(this.#keys[i]!, this.#vals[i]!);
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const vals = this.#vals;
    const cap = vals.length * 2;
    this.#keys = new Float64Array(cap);
    this.#vals = new Int32Array(cap).fill(EMPTY);
    this.#mask = cap - 1;
    this.#size = 0;
    for (let i = 0; i < vals.length; i++) if (vals[i] !== EMPTY) this.set(keys[i]!, vals[i]!);
  }
}
