/**
 * An open-addressing hash map from integer prices (f64 holding integers < 2^53) to small
 * non-negative int32 values, on typed arrays: no boxed keys, no allocation per operation.
 *
 * Contract: linear probing with backward-shift deletion (no tombstones); the table doubles when
 * it is half full. Single-threaded.
 *
 * Direct window: once `LEARN_KEYS` distinct keys have been inserted, their grid is detected
 * (`_price_grid.ts`: the tick as the GCD of their distances to the first one, a window of `WINDOW`
 * ticks centred on it), and the window becomes a plain array indexed by `(price - base) / tick`
 * (nearby prices share cache lines; no hashing). Keys off that grid or outside the window stay in
 * the hash part. The split is invisible to callers: every method sees one map. The window (256
 * KiB) is allocated once, on detection.
 * @module
 */
import { detectGrid, LEARN_KEYS, priceSlot, WINDOW } from "./_price_grid.ts";

export { LEARN_KEYS, WINDOW } from "./_price_grid.ts";

const EMPTY = -1;

/** The map. */
export class PriceTable {
  #keys: Float64Array;
  #vals: Int32Array;
  #mask: number;
  #size = 0; // keys in the hash part
  #winSize = 0; // keys in the window
  #win: Int32Array | null = null;
  #tick = 0; // 0 until detected
  #base = 0; // price of window index 0
  #inv = 0; // 1 / tick
  #atWin = -1; // window index of the last find(), or -1 when it probed the hash part
  #atKey = NaN; // the key of that window find() (the tick never changes once set)

  /** Room for about `capacity / 2` keys before growing (capacity rounded up to a power of two). */
  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#keys = new Float64Array(cap);
    this.#vals = new Int32Array(cap).fill(EMPTY);
    this.#mask = cap - 1;
    this.key = 0.5; // a double from the start (see `InferredEvent`'s constructor)
    this.key = 0;
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
    return this.#size + this.#winSize;
  }

  /** The detected tick (0 before detection, -1 when none fits); for tests. */
  get tick(): number {
    return this.#tick;
  }

  // Window index of `price`, or -1 when it is off the grid / outside the window / not detected.
  #winIndex(price: number): number {
    const tick = this.#tick;
    if (tick <= 0) return -1;
    const base = this.#base;
    const idx = ((price - base) * this.#inv + 0.5) >>> 0;
    return idx < WINDOW && idx * tick + base === price ? idx : -1;
  }

  #slot(price: number): number {
    return priceSlot(price, this.#mask);
  }

  /** The value for `price`, or -1 when absent. */
  get(price: number): number {
    const w = this.#winIndex(price);
    if (w >= 0) return this.#win![w]!;
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
    const tick = this.#tick;
    if (tick > 0) {
      const base = this.#base;
      // Rounded product, not a division: exact enough for every on-grid key in the window, and
      // the multiply-back check rejects anything else.
      const idx = ((key - base) * this.#inv + 0.5) >>> 0;
      if (idx < WINDOW && idx * tick + base === key) {
        this.#atWin = idx;
        this.#atKey = key;
        return this.#win![idx]!;
      }
    }
    this.#atWin = -1;
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
    const w = this.#atWin;
    if (w >= 0) {
      this.#win![w] = value;
      this.#winSize++;
      return;
    }
    if ((this.#size + 1) * 2 > this.#vals.length) {
      this.#grow();
      this.#setHash(this.key, value);
    } else {
      const i = this.#at;
      this.#keys[i] = this.key;
      this.#vals[i] = value;
      this.#size++;
    }
    if (this.#tick === 0 && this.#size >= LEARN_KEYS) this.#detect();
  }

  /** Set `price` to `value` (value >= 0). */
  set(price: number, value: number): void {
    const w = this.#winIndex(price);
    if (w >= 0) {
      const win = this.#win!;
      if (win[w] === EMPTY) this.#winSize++;
      win[w] = value;
      return;
    }
    this.#setHash(price, value);
    if (this.#tick === 0 && this.#size >= LEARN_KEYS) this.#detect();
  }

  #setHash(price: number, value: number): void {
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
    const w = this.#atWin >= 0 && this.#atKey === price ? this.#atWin : this.#winIndex(price);
    if (w >= 0) {
      const win = this.#win!;
      const v = win[w]!;
      if (v !== EMPTY) {
        win[w] = EMPTY;
        this.#winSize--;
      }
      return v;
    }
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
    if (this.#winSize > 0) this.#win!.fill(EMPTY);
    this.#winSize = 0;
  }

  /** Call `fn(price, value)` for every key (allocates the callback; for checks). */
  forEach(fn: (price: number, value: number) => void): void {
    const win = this.#win;
    if (win !== null && this.#winSize > 0) {
      for (let i = 0; i < WINDOW; i++) if (win[i] !== EMPTY) fn(this.#base + i * this.#tick, win[i]!);
    }
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
    for (let i = 0; i < vals.length; i++) if (vals[i] !== EMPTY) this.#setHash(keys[i]!, vals[i]!);
  }

  // Detect the grid from the hash keys (`_price_grid.ts`), build the window and move the keys
  // that fall in it out of the hash part.
  #detect(): void {
    const keys = this.#keys;
    const vals = this.#vals;
    const grid = detectGrid(keys, vals, EMPTY);
    if (grid === undefined) {
      this.#tick = -1; // never detect again (no window when the tick is not positive)
      return;
    }
    this.#tick = grid.tick;
    this.#inv = 1 / grid.tick;
    this.#base = grid.base;
    this.#win ??= new Int32Array(WINDOW).fill(EMPTY);
    const cap = vals.length;
    this.#keys = new Float64Array(cap);
    this.#vals = new Int32Array(cap).fill(EMPTY);
    this.#size = 0;
    for (let i = 0; i < cap; i++) {
      const v = vals[i]!;
      if (v === EMPTY) continue;
      const k = keys[i]!;
      const w = this.#winIndex(k);
      if (w >= 0) {
        this.#win[w] = v;
        this.#winSize++;
      } else this.#setHash(k, v);
    }
  }
}
