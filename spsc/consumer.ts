/**
 * Consumer side of the SPSC ring (see `layout.ts` for the full contract).
 * One thread only. Reads records in batches and sleeps with `Atomics.wait` when idle, so it
 * must run where blocking is acceptable (a Worker, or a main thread that expects to block).
 * @module
 */
import { CLOSED, DATA_OFFSET, DROPS, HEAD, ringGeometry, SLEEP, TAIL, WSEQ } from "./layout.ts";

/**
 * Result of {@linkcode RingConsumer.wait}: records are readable, the timeout passed, the ring is
 * closed and empty, or the consumer was woken with nothing to read (a wake meant for an earlier
 * sleep; harmless, wait again).
 */
export type WaitResult = "ready" | "timeout" | "closed" | "spurious";

/**
 * Reads records from a ring in order. `available()` tells how many are readable,
 * `offsetAt(i)` gives the byte offset of the i-th one, `release(n)` frees the first n.
 */
export class RingConsumer {
  /** Number of record slots. */
  readonly capacity: number;
  /** Bytes per record. */
  readonly recordSize: number;
  /** Byte view of the whole buffer. */
  readonly bytes: Uint8Array;
  /** DataView of the whole buffer. */
  readonly view: DataView;
  readonly #ctrl: Int32Array;
  readonly #mask: number;
  #tail: number;
  #headCache: number;

  /** Attach to a buffer made by `createRingBuffer`. */
  constructor(sab: SharedArrayBuffer) {
    const { capacity, recordSize } = ringGeometry(sab);
    this.capacity = capacity;
    this.recordSize = recordSize;
    this.bytes = new Uint8Array(sab);
    this.view = new DataView(sab);
    this.#ctrl = new Int32Array(sab, 0, DATA_OFFSET / 4);
    this.#mask = capacity - 1;
    this.#tail = Atomics.load(this.#ctrl, TAIL);
    this.#headCache = Atomics.load(this.#ctrl, HEAD);
  }

  /** Number of records readable now (reloads the producer's index only when needed). */
  available(): number {
    let n = (this.#headCache - this.#tail) | 0;
    if (n === 0) {
      this.#headCache = Atomics.load(this.#ctrl, HEAD);
      n = (this.#headCache - this.#tail) | 0;
    }
    return n;
  }

  /** Byte offset of the i-th readable record (0 = oldest). `i` must be < `available()`. */
  offsetAt(i: number): number {
    return DATA_OFFSET + ((this.#tail + i) & this.#mask) * this.recordSize;
  }

  /** Free the `n` oldest records for the producer. */
  release(n: number): void {
    this.#tail = (this.#tail + n) | 0;
    Atomics.store(this.#ctrl, TAIL, this.#tail);
  }

  /** Records pushed and not yet released. */
  len(): number {
    return (Atomics.load(this.#ctrl, HEAD) - this.#tail) | 0;
  }

  /** Records the producer dropped because the ring was full (u32). */
  dropped(): number {
    return Atomics.load(this.#ctrl, DROPS) >>> 0;
  }

  /** True once the producer has closed the ring. Records may still be readable. */
  isClosed(): boolean {
    return Atomics.load(this.#ctrl, CLOSED) === 1;
  }

  /**
   * Block until a record is readable, the ring is closed and empty, or `timeoutMs` passes.
   * Spins `spins` times first (cheap wake-ups while busy), then sleeps on the wake sequence.
   */
  wait(timeoutMs: number, spins = 256): WaitResult {
    const ctrl = this.#ctrl;
    for (let i = 0; i < spins; i++) {
      if (this.available() > 0) return "ready";
      if (Atomics.load(ctrl, CLOSED) === 1) return this.available() > 0 ? "ready" : "closed";
    }
    Atomics.store(ctrl, SLEEP, 1);
    const seq = Atomics.load(ctrl, WSEQ);
    if (this.available() > 0) {
      Atomics.store(ctrl, SLEEP, 0);
      return "ready";
    }
    if (Atomics.load(ctrl, CLOSED) === 1) {
      Atomics.store(ctrl, SLEEP, 0);
      return "closed";
    }
    const woke = Atomics.wait(ctrl, WSEQ, seq, timeoutMs);
    Atomics.store(ctrl, SLEEP, 0);
    if (this.available() > 0) return "ready";
    if (Atomics.load(ctrl, CLOSED) === 1) return "closed";
    return woke === "timed-out" ? "timeout" : "spurious";
  }
}
