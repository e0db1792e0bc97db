/**
 * Private: the consumer half of the two-thread replay. Reads each message of the record ring
 * (`_pipe_stage.ts` writes the records of `market/record.ts` into 64-byte slots) IN PLACE
 * (`RingMessage`, `market/ring_message.ts`) and makes the same calls on a `LocalStage` (`_stage.ts`) as the adapter
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
import { DATA_OFFSET } from "../spsc/layout.ts";
import { Flag, Off, RECORD_BYTES, RecordBatch, RecordKind } from "../market/record.ts";
import { RingMessage } from "../market/ring_message.ts";
import type { LocalStage } from "./_stage.ts";
import { BookContext, decodeContext, ReplayKind } from "./_context.ts";
import { PipeFlag, wakeProducer, wakeRoom } from "./_pipe_records.ts";

/** Empty-ring checks before the Worker sleeps (a sleeping Worker costs the producer a wake-up). */
export const SPINS = 1 << 10;

/** Records read before they are released to the producer (at a message boundary). */
export const RELEASE_EVERY = 1024;

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #c: RingConsumer;
  readonly #u32: Uint32Array;
  readonly #u8: Uint8Array;
  readonly #stage: LocalStage;
  readonly #ctx = new BookContext();
  readonly #msg: RingMessage;
  readonly #batch = new RecordBatch(1024); // a message that arrived in parts
  readonly #flags: Int32Array;
  readonly #wakeAt: number; // records left unread at or below which a sleeping producer is woken

  /**
   * Read `ring` (this thread is its only consumer) into `stage`; `flags` (the {@linkcode PipeFlag}
   * words) to wake a producer sleeping for room.
   */
  constructor(ring: SharedArrayBuffer, stage: LocalStage, flags: Int32Array) {
    this.#c = new RingConsumer(ring);
    this.#flags = flags;
    this.#wakeAt = this.#c.capacity - Math.max(1, wakeRoom(this.#c.capacity));
    if (this.#c.recordSize !== RECORD_BYTES) throw new TypeError("replay pipe: not a 64-byte-record ring");
    this.#u32 = new Uint32Array(ring);
    this.#u8 = new Uint8Array(ring);
    this.#msg = new RingMessage(ring, this.#c.capacity);
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
      const slot0 = (c.offsetAt(0) - DATA_OFFSET) >> 6; // the ring slot of readable record 0
      const mask = c.capacity - 1;
      while (pos < avail && start < RELEASE_EVERY) {
        const o = DATA_OFFSET + (((slot0 + pos++) & mask) << 6);
        const last = (u8[o + Off.flags]! & Flag.LAST) !== 0;
        if (parts) {
          b.copyRecordFrom(u32, o >>> 2);
          if (!last) continue;
          this.#message(b);
          b.reset();
          parts = false;
          start = pos;
        } else if (last) {
          m.slot = slot0 + start;
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
      if (Atomics.load(this.#flags, PipeFlag.ProducerAsleep) !== 0 && c.len() <= this.#wakeAt) {
        wakeProducer(this.#flags);
      }
    }
    if (parts) throw new TypeError("replay pipe: the ring closed in the middle of a message");
  }

  #message(r: RingMessage | RecordBatch): void {
    const k = r.messageKind as number;
    if (k === ReplayKind.Context) decodeContext(r, this.#ctx);
    else if (k === ReplayKind.Unchanged) this.#stage.unchanged();
    else if (k === ReplayKind.DropTrades) this.#stage.dropTrades();
    else if (k === RecordKind.Update && !this.#ctx.window && r instanceof RingMessage) {
      // The common case: the levels read in place from the ring (unless the message wraps).
      const w0 = r.firstWord();
      if (w0 >= 0) this.#stage.updateAt(r, this.#ctx, r.words, r.ringBytes, w0);
      else this.#stage.writeFrom(r, this.#ctx);
    } else if (k >= 1 && k <= 4) this.#stage.writeFrom(r, this.#ctx);
    else throw new TypeError(`replay pipe: unknown message kind ${k}`);
  }
}
