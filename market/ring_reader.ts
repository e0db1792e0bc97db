/**
 * {@linkcode RecordRingReader}: the consumer side of the record ring (contract: `ring.ts`), in the
 * consumer Worker — each whole message read in place ({@linkcode RingMessage}) or copied into a
 * reusable `RecordBatch`.
 * @module
 */
import { RingConsumer } from "../spsc/consumer.ts";
import { DATA_OFFSET } from "../spsc/layout.ts";
import { Flag, Off, RECORD_BYTES, RecordBatch, RecordKind } from "./record.ts";
import { RingMessage } from "./ring_message.ts";

/** Records read between two releases of their slots to the writer (at a message boundary). */
export const RELEASE_EVERY = 4096;

/**
 * Empty-ring checks before {@linkcode RecordRingReader.wait} sleeps (about 20–60 µs here): a
 * reader that falls asleep between two publications costs the writer a wake-up (a system call)
 * and itself the time to be scheduled again, which on a busy machine is longer than the ring takes
 * to fill.
 */
export const WAIT_SPINS = 1 << 12;

/**
 * Consumer side, in the consumer Worker: {@linkcode RecordRingReader.read} hands each whole message
 * over in place ({@linkcode RingMessage}: no copy), {@linkcode RecordRingReader.poll} as a copy in a
 * reusable `RecordBatch` (for code that wants the batch's byte views).
 */
export class RecordRingReader {
  /** The message `poll` read last (valid until the next `poll` callback). */
  readonly batch: RecordBatch = new RecordBatch();
  /** Messages read. */
  messages = 0;
  /** Gap markers seen. */
  gaps = 0;
  readonly #c: RingConsumer;
  readonly #u8: Uint8Array;
  readonly #u32: Uint32Array;
  readonly #msg: RingMessage;
  readonly #mask: number;

  /** Read from `sab` (the writer's ring). */
  constructor(sab: SharedArrayBuffer) {
    this.#c = new RingConsumer(sab);
    if (this.#c.recordSize !== RECORD_BYTES) throw new TypeError("record ring: not a 64-byte-record ring");
    this.#u8 = new Uint8Array(sab);
    this.#u32 = new Uint32Array(sab);
    this.#msg = new RingMessage(sab, this.#c.capacity);
    this.#mask = this.#c.capacity - 1;
  }

  /**
   * Call `fn` for each whole message available (at most `max`) with the message read IN PLACE in
   * the ring (valid only during the call: its slots are freed after it); returns how many were
   * read. A `gap` message arrives as a one-record message of kind `Gap` (`lost` set). The slots
   * are released to the writer in runs (one shared store per {@linkcode RELEASE_EVERY} records or
   * per call, not per message). No allocation, no copy.
   */
  read(fn: (m: RingMessage) => void, max = Infinity): number {
    const c = this.#c;
    const u8 = this.#u8;
    const m = this.#msg;
    const mask = this.#mask;
    let done = 0;
    let avail = c.available();
    let slot = (c.offsetAt(0) - DATA_OFFSET) >>> 6; // ring slot of the first unreleased record
    let start = 0; // first record (from `slot`) of the message at hand
    let pos = 0; // records scanned
    while (done < max) {
      if (pos === avail) {
        if (start > 0) { // free what was read before asking for more
          c.release(start);
          slot += start;
          avail -= start;
          pos -= start;
          start = 0;
        }
        avail = c.available();
        if (pos === avail) break;
      }
      // Published at message boundaries only: a readable message is whole up to its LAST record.
      if ((u8[DATA_OFFSET + (((slot + pos++) & mask) << 6) + Off.flags]! & Flag.LAST) === 0) continue;
      m.slot = slot + start;
      m.count = pos - start;
      start = pos;
      if (u8[DATA_OFFSET + ((m.slot & mask) << 6)] === RecordKind.Gap) this.gaps++;
      this.messages++;
      done++;
      fn(m);
      if (start >= RELEASE_EVERY) {
        c.release(start);
        slot += start;
        avail -= start;
        pos -= start;
        start = 0;
      }
    }
    if (start > 0) c.release(start);
    return done;
  }

  /**
   * Call `fn` for each whole message available (at most `max`) copied into {@linkcode batch};
   * returns how many were read. A `gap` message arrives as a one-record batch of kind `Gap`.
   * No allocation (but the batch's growth to the largest message).
   */
  poll(fn: (batch: RecordBatch) => void, max = Infinity): number {
    const c = this.#c;
    const u32 = this.#u32;
    const bytes = this.#u8;
    const b = this.batch;
    let done = 0;
    let avail = c.available();
    let pos = 0; // records read since the last release
    while (done < max && pos < avail) {
      // One message: records up to the one flagged LAST (published whole, never split).
      b.reset();
      for (;;) {
        const o = c.offsetAt(pos++);
        b.copyRecordFrom(u32, o >>> 2);
        if (bytes[o + Off.flags]! & Flag.LAST) break;
      }
      if (b.messageKind === RecordKind.Gap) this.gaps++;
      this.messages++;
      done++;
      fn(b);
      if (pos >= avail || pos >= RELEASE_EVERY) { // free the slots (one shared store, not one per message)
        c.release(pos);
        pos = 0;
        avail = c.available();
      }
    }
    if (pos > 0) c.release(pos);
    return done;
  }

  /**
   * Block up to `timeoutMs` for records (Worker threads only), after `spins` checks of the empty
   * ring ({@linkcode WAIT_SPINS}).
   */
  wait(timeoutMs: number, spins = WAIT_SPINS): "ready" | "timeout" | "closed" | "spurious" {
    return this.#c.wait(timeoutMs, spins);
  }

  /** True once the writer closed the ring and it is drained. */
  get done(): boolean {
    return this.#c.isClosed() && this.#c.available() === 0;
  }
}
