/**
 * Private: the consumer half of the two-thread replay. Assembles each message from the record
 * ring (`_pipe_stage.ts` writes the records of `market/record.ts` into 64-byte slots; a message
 * may arrive in parts) and makes the same calls on a `LocalStage` (`_stage.ts`) as the adapter
 * made on the replay's thread: context messages fill the {@linkcode BookContext} of the book
 * message that follows, control messages become `unchanged` / `dropTrades`, every other message
 * is handed over as is — snapshot levels included, straight into L3.
 *
 * Blocks (spins, then `Atomics.wait`) while the ring is empty; returns when the producer has
 * closed it and every record is read. Frees slots in runs of at most {@linkcode RELEASE_EVERY}.
 * Throws on an unknown message kind or a ring closed in the middle of a message (protocol bugs).
 * No allocation per message (the batch grows only for a bigger message).
 * @module
 */
import { RingConsumer } from "../spsc/consumer.ts";
import { Flag, Off, RECORD_BYTES, RecordBatch } from "../market/record.ts";
import type { LocalStage } from "./_stage.ts";
import { BookContext, decodeContext, ReplayKind } from "./_context.ts";

/** Empty-ring checks before the Worker sleeps (a sleeping Worker costs the producer a wake-up). */
export const SPINS = 1 << 16;

/** Records read before they are released to the producer. */
export const RELEASE_EVERY = 1024;

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #c: RingConsumer;
  readonly #u32: Uint32Array;
  readonly #u8: Uint8Array;
  readonly #stage: LocalStage;
  readonly #ctx = new BookContext();
  readonly #batch = new RecordBatch(1024);

  /** Read `ring` (this thread is its only consumer) into `stage`. */
  constructor(ring: SharedArrayBuffer, stage: LocalStage) {
    this.#c = new RingConsumer(ring);
    if (this.#c.recordSize !== RECORD_BYTES) throw new TypeError("replay pipe: not a 64-byte-record ring");
    this.#u32 = new Uint32Array(ring);
    this.#u8 = new Uint8Array(ring);
    this.#stage = stage;
  }

  /** Process messages until the ring is closed and drained. */
  run(): void {
    const c = this.#c;
    const b = this.#batch;
    const u8 = this.#u8;
    const u32 = this.#u32;
    b.reset();
    for (;;) {
      let avail = c.available();
      if (avail === 0) {
        if (c.wait(1000, SPINS) === "closed" && c.available() === 0) break;
        continue;
      }
      let pos = 0;
      while (pos < avail) {
        const o = c.offsetAt(pos++);
        b.copyRecordFrom(u32, o >>> 2);
        if ((u8[o + Off.flags]! & Flag.LAST) !== 0) {
          this.#message(b);
          b.reset();
        }
        if (pos >= RELEASE_EVERY) {
          c.release(pos);
          avail -= pos;
          pos = 0;
        }
      }
      c.release(pos);
    }
    if (b.count > 0) throw new TypeError("replay pipe: the ring closed in the middle of a message");
  }

  #message(b: RecordBatch): void {
    const k = b.messageKind as number;
    if (k === ReplayKind.Context) decodeContext(b, this.#ctx);
    else if (k === ReplayKind.Unchanged) this.#stage.unchanged();
    else if (k === ReplayKind.DropTrades) this.#stage.dropTrades();
    else if (k >= 1 && k <= 4) this.#stage.write(b, this.#ctx);
    else throw new TypeError(`replay pipe: unknown message kind ${k}`);
  }
}
