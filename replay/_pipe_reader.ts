/**
 * Private: the consumer half of the two-thread replay. Reads each message of the record ring
 * (`_pipe_stage.ts` writes the records of `market/record.ts` into 64-byte slots) IN PLACE
 * ({@linkcode RingMessage}) and makes the same calls on a `LocalStage` (`_stage.ts`) as the adapter
 * made on the replay's thread: context messages fill the {@linkcode BookContext} of the book
 * message that follows, control messages become `unchanged` / `dropTrades`, every other message
 * is handed over as is — snapshot levels included, straight from the ring into L3.
 *
 * A message is read in place once its LAST record is readable; its slots are released after it
 * (in runs of at most {@linkcode RELEASE_EVERY} records). A message the producer could only
 * publish in parts (larger than the free room: the ring was full) is copied into a batch as it
 * arrives, so its slots can be freed for the rest.
 *
 * Blocks (spins, then `Atomics.wait`) while the ring is empty; returns when the producer has
 * closed it and every record is read. Throws on an unknown message kind or a ring closed in the
 * middle of a message (protocol bugs). No allocation per message.
 * @module
 */
import { RingConsumer } from "../spsc/consumer.ts";
import { Flag, Off, RECORD_BYTES, RecordBatch } from "../market/record.ts";
import type { LocalStage } from "./_stage.ts";
import type { RecordReader } from "./record_l3.ts";
import { BookContext, type ContextRecords, decodeContext, ReplayKind } from "./_context.ts";

/** Empty-ring checks before the Worker sleeps (a sleeping Worker costs the producer a wake-up). */
export const SPINS = 1 << 16;

/** Records read before they are released to the producer (at a message boundary). */
export const RELEASE_EVERY = 1024;

/** A message of `count` records starting at readable record `start` of the ring, read in place. */
export class RingMessage implements RecordReader, ContextRecords {
  /** First record (index among the readable ones). */
  start = 0;
  /** Records. */
  count = 0;
  readonly #c: RingConsumer;
  readonly #u8: Uint8Array;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;

  /** Messages of the ring `c` reads (`sab`). */
  constructor(c: RingConsumer, sab: SharedArrayBuffer) {
    this.#c = c;
    this.#u8 = new Uint8Array(sab);
    this.#u32 = new Uint32Array(sab);
    this.#f64 = new Float64Array(sab);
  }

  // Byte offset of record i.
  #o(i: number): number {
    return this.#c.offsetAt(this.start + i);
  }
  get messageKind(): number {
    return this.#u8[this.#o(0)]!;
  }
  get seq(): number {
    return this.#f64[(this.#o(0) >> 3) + 1]!;
  }
  get updateId(): number {
    return this.#f64[(this.#o(0) >> 3) + 2]!;
  }
  get eventTimeMs(): number {
    return this.#f64[(this.#o(0) >> 3) + 3]!;
  }
  get recvSec(): number {
    return this.#u32[(this.#o(0) >> 2) + 8]!;
  }
  get recvSubNs(): number {
    return this.#u32[(this.#o(0) >> 2) + 9]!;
  }
  get reason(): number {
    return this.#u32[(this.#o(0) >> 2) + 1]! >>> 16;
  }
  get priceDecimals(): number {
    return this.#u8[this.#o(0) + Off.priceDecimals]!;
  }
  get qtyDecimals(): number {
    return this.#u8[this.#o(0) + Off.qtyDecimals]!;
  }
  isBid(i: number): boolean {
    return (this.#u8[this.#o(i) + Off.flags]! & Flag.BID) !== 0;
  }
  isEmpty(i: number): boolean {
    return (this.#u8[this.#o(i) + Off.flags]! & Flag.EMPTY) !== 0;
  }
  price(i: number): number {
    return this.#f64[(this.#o(i) >> 3) + 5]!;
  }
  qty(i: number): number {
    return this.#f64[(this.#o(i) >> 3) + 6]!;
  }
}

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #c: RingConsumer;
  readonly #u32: Uint32Array;
  readonly #u8: Uint8Array;
  readonly #stage: LocalStage;
  readonly #ctx = new BookContext();
  readonly #msg: RingMessage;
  readonly #batch = new RecordBatch(1024); // a message that arrived in parts

  /** Read `ring` (this thread is its only consumer) into `stage`. */
  constructor(ring: SharedArrayBuffer, stage: LocalStage) {
    this.#c = new RingConsumer(ring);
    if (this.#c.recordSize !== RECORD_BYTES) throw new TypeError("replay pipe: not a 64-byte-record ring");
    this.#u32 = new Uint32Array(ring);
    this.#u8 = new Uint8Array(ring);
    this.#msg = new RingMessage(this.#c, ring);
    this.#stage = stage;
  }

  /** Process messages until the ring is closed and drained. */
  run(): void {
    const c = this.#c;
    const b = this.#batch;
    const m = this.#msg;
    const u8 = this.#u8;
    const u32 = this.#u32;
    b.reset();
    let parts = false; // a message is being assembled in the batch
    for (;;) {
      const avail = c.available();
      if (avail === 0) {
        if (c.wait(1000, SPINS) === "closed" && c.available() === 0) break;
        continue;
      }
      let start = 0; // first record of the message at hand
      let pos = 0;
      while (pos < avail && start < RELEASE_EVERY) {
        const o = c.offsetAt(pos++);
        const last = (u8[o + Off.flags]! & Flag.LAST) !== 0;
        if (parts) {
          b.copyRecordFrom(u32, o >>> 2);
          if (!last) continue;
          this.#message(b);
          b.reset();
          parts = false;
          start = pos;
        } else if (last) {
          m.start = start;
          m.count = pos - start;
          this.#message(m);
          start = pos;
        }
      }
      if (parts) c.release(pos); // every record read is in the batch
      else if (pos === avail && start < avail) {
        // An incomplete message: the producer waits for room for the rest. Copy it and free it.
        for (let i = start; i < avail; i++) b.copyRecordFrom(u32, c.offsetAt(i) >>> 2);
        parts = true;
        c.release(avail);
      } else c.release(start);
    }
    if (parts) throw new TypeError("replay pipe: the ring closed in the middle of a message");
  }

  #message(r: RingMessage | RecordBatch): void {
    const k = r.messageKind as number;
    if (k === ReplayKind.Context) decodeContext(r, this.#ctx);
    else if (k === ReplayKind.Unchanged) this.#stage.unchanged();
    else if (k === ReplayKind.DropTrades) this.#stage.dropTrades();
    else if (k >= 1 && k <= 4) this.#stage.writeFrom(r, this.#ctx);
    else throw new TypeError(`replay pipe: unknown message kind ${k}`);
  }
}
