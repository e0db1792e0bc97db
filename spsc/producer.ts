/**
 * Producer side of the SPSC ring (see `layout.ts` for the full contract).
 * One thread only. Never blocks; a full ring drops the record and counts it.
 *
 * Two ways to make records visible:
 * - `publish()`: store `HEAD` after every record (lowest latency per record).
 * - `commit()` + `flush()`: records are committed locally and `HEAD` is stored once per
 *   `flushEvery` records or at `flush()`. Each `HEAD` store moves a cache line to the
 *   consumer's core (about 100 ns here), so batching is what makes the ring fast; the caller
 *   must `flush()` at the end of each burst (the engine does, after every poll).
 * @module
 */
import { CLOSED, DATA_OFFSET, DROPS, HEAD, ringGeometry, SLEEP, TAIL, WSEQ } from "./layout.ts";

/**
 * Writes fixed-size records into a ring. Use {@linkcode RingProducer.claim} to get the byte
 * offset of a free slot, write the record through {@linkcode RingProducer.bytes} or
 * {@linkcode RingProducer.view}, then {@linkcode RingProducer.publish}. No allocation per record.
 */
export class RingProducer {
  /** Number of record slots. */
  readonly capacity: number;
  /** Bytes per record. */
  readonly recordSize: number;
  /** Byte view of the whole buffer; records start at the offsets `claim()` returns. */
  readonly bytes: Uint8Array;
  /** DataView of the whole buffer, for typed field writes. */
  readonly view: DataView;
  readonly #ctrl: Int32Array;
  readonly #mask: number;
  readonly #flushEvery: number;
  #head: number;
  #tailCache: number;
  #drops: number;
  #pending = 0;

  /**
   * Attach to a buffer made by `createRingBuffer`. `flushEvery` bounds how many committed
   * records may wait for a `flush()` (default 32).
   */
  constructor(sab: SharedArrayBuffer, options: { flushEvery?: number } = {}) {
    const { capacity, recordSize } = ringGeometry(sab);
    this.capacity = capacity;
    this.recordSize = recordSize;
    this.bytes = new Uint8Array(sab);
    this.view = new DataView(sab);
    this.#ctrl = new Int32Array(sab, 0, DATA_OFFSET / 4);
    this.#mask = capacity - 1;
    this.#head = Atomics.load(this.#ctrl, HEAD);
    this.#tailCache = Atomics.load(this.#ctrl, TAIL);
    this.#drops = Atomics.load(this.#ctrl, DROPS) >>> 0;
    this.#flushEvery = Math.max(1, Math.min(options.flushEvery ?? 32, capacity));
  }

  /**
   * Reserve the next slot. Returns its byte offset, or -1 when the ring is full (the drop is
   * counted; do not publish). Calling `claim` twice without `publish` returns the same slot.
   */
  claim(): number {
    const h = this.#head;
    if (((h - this.#tailCache) | 0) >= this.capacity) {
      this.#tailCache = Atomics.load(this.#ctrl, TAIL);
      if (((h - this.#tailCache) | 0) >= this.capacity) {
        this.#drops = (this.#drops + 1) >>> 0;
        Atomics.store(this.#ctrl, DROPS, this.#drops | 0);
        // Make sure the consumer sees what is waiting, so it can free room.
        if (this.#pending > 0) this.flush();
        return -1;
      }
    }
    return DATA_OFFSET + (h & this.#mask) * this.recordSize;
  }

  /** True when a `claim` would succeed now. Counts nothing. */
  hasRoom(): boolean {
    if (((this.#head - this.#tailCache) | 0) < this.capacity) return true;
    this.#tailCache = Atomics.load(this.#ctrl, TAIL);
    return ((this.#head - this.#tailCache) | 0) < this.capacity;
  }

  /** Make the claimed record (and any committed ones) visible now, waking the consumer if asleep. */
  publish(): void {
    this.#head = (this.#head + 1) | 0;
    this.flush();
  }

  /** Commit the claimed record; it becomes visible at the next flush (automatic every `flushEvery`). */
  commit(): void {
    this.#head = (this.#head + 1) | 0;
    if (++this.#pending >= this.#flushEvery) this.flush();
  }

  /** Publish every committed record and wake the consumer only if it is asleep. */
  flush(): void {
    this.#pending = 0;
    Atomics.store(this.#ctrl, HEAD, this.#head);
    if (Atomics.load(this.#ctrl, SLEEP) !== 0) this.#wake();
  }

  /**
   * Free slots now. Reloads the consumer's index only when the cached one leaves fewer than
   * `want` free. With {@linkcode RingProducer.offsetAhead} and {@linkcode RingProducer.commitMany},
   * a writer fills several records and commits them at once (never more than `room()` of them).
   */
  room(want = 1): number {
    let free = this.capacity - ((this.#head - this.#tailCache) | 0);
    if (free < want) {
      this.#tailCache = Atomics.load(this.#ctrl, TAIL);
      free = this.capacity - ((this.#head - this.#tailCache) | 0);
    }
    return free;
  }

  /** Byte offset of the free slot `k` records past the next one (`k < room()`). */
  offsetAhead(k: number): number {
    return DATA_OFFSET + ((this.#head + k) & this.#mask) * this.recordSize;
  }

  /** Commit the `n` records written at `offsetAhead(0)` … `offsetAhead(n - 1)`, as `n` commits. */
  commitMany(n: number): void {
    this.#head = (this.#head + n) | 0;
    this.#pending += n;
    if (this.#pending >= this.#flushEvery) this.flush();
  }

  /** Committed records not yet flushed. */
  pending(): number {
    return this.#pending;
  }

  /** Copy `record` (at most `recordSize` bytes) into the ring. False if full (drop counted). */
  tryPush(record: Uint8Array): boolean {
    if (record.length > this.recordSize) {
      throw new RangeError(`record of ${record.length} bytes exceeds record size ${this.recordSize}`);
    }
    const off = this.claim();
    if (off < 0) return false;
    this.bytes.set(record, off);
    this.publish();
    return true;
  }

  /** Records pushed and not yet consumed. */
  len(): number {
    return (this.#head - Atomics.load(this.#ctrl, TAIL)) | 0;
  }

  /** Records published so far (u32, wraps). */
  pushed(): number {
    return this.#head >>> 0;
  }

  /** Records dropped because the ring was full (u32, wraps). */
  dropped(): number {
    return this.#drops;
  }

  /** Flush, mark the stream finished and wake the consumer; it drains what is left and stops. */
  close(): void {
    this.flush();
    Atomics.store(this.#ctrl, CLOSED, 1);
    this.#wake();
  }

  #wake(): void {
    if (Atomics.exchange(this.#ctrl, SLEEP, 0) === 1) {
      Atomics.add(this.#ctrl, WSEQ, 1);
      Atomics.notify(this.#ctrl, WSEQ, 1);
    }
  }
}
