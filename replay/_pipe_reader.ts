/**
 * Private: the consumer half of the two-thread replay. Reads each message of the ring
 * (`_pipe_stage.ts` writes the records of `market/record.ts` in the compact encoding of
 * `_pipe_codec.ts`) IN PLACE ({@linkcode PipeMessage}) and makes the same calls on a `LocalStage`
 * (`_stage.ts`) as the adapter made on the replay's thread: context messages fill the
 * {@linkcode BookContext} of the book message that follows, control messages become `unchanged` /
 * `dropTrades`, every other message is handed over as is — an update's and a snapshot's levels
 * straight from the ring into L3.
 *
 * A message is read in place once all its slots are readable (its header, always published
 * whole, gives its length); its slots are released after it (in runs of at most
 * {@linkcode RELEASE_EVERY} slots). A message the producer could only publish in parts (larger
 * than the free room: the ring was full) is copied out as it arrives, so its slots can be freed
 * for the rest.
 *
 * Blocks (spins, then `Atomics.wait`) while the ring is empty; returns when the producer has
 * closed it and every slot is read. Throws on an unknown message kind or a ring closed in the
 * middle of a message (protocol bugs). No allocation per message (the copy of a message in parts
 * grows only for a bigger one).
 * @module
 */
import { RingConsumer } from "../spsc/consumer.ts";
import { DATA_OFFSET } from "../spsc/layout.ts";
import { RecordKind } from "../market/record.ts";
import type { LocalStage } from "./_stage.ts";
import { BookContext, decodeContext, ReplayKind } from "./_context.ts";
import { PipeFlag, wakeProducer, wakeRoom } from "./_pipe_records.ts";
import { HEADER_SLOTS, PipeMessage, SLOT_BYTES } from "./_pipe_codec.ts";

const DATA_F64 = DATA_OFFSET >> 3;

/** Empty-ring checks before the Worker sleeps (a sleeping Worker costs the producer a wake-up). */
export const SPINS = 1 << 10;

/** Slots read before they are released to the producer (at a message boundary). */
export const RELEASE_EVERY = 4096;

/** A message that arrived in parts, copied out of the ring slot by slot. */
class PartsBuffer {
  /** The message, read from slot 0 of the copy. */
  msg: PipeMessage;
  /** Slots copied. */
  have = 0;
  /** Slots of the whole message (0: none in progress). */
  want = 0;
  #f64: Float64Array;

  constructor(slots: number) {
    this.#f64 = new Float64Array(slots * 2);
    this.msg = new PipeMessage(new Uint32Array(this.#f64.buffer), this.#f64, 0, slots);
  }

  /** Start a message of `want` slots (grows the copy to a power of two that holds it). */
  begin(want: number): void {
    let cap = this.#f64.length >> 1;
    if (want > cap) {
      while (cap < want) cap *= 2;
      this.#f64 = new Float64Array(cap * 2);
      this.msg = new PipeMessage(new Uint32Array(this.#f64.buffer), this.#f64, 0, cap);
    }
    this.have = 0;
    this.want = want;
  }

  /** Append `n` slots read from `src` (the ring's float64 words) at slots `s0`… (mod `mask + 1`). */
  copy(src: Float64Array, s0: number, n: number, mask: number): void {
    const d = this.#f64;
    let o = this.have << 1;
    for (let k = 0; k < n; k++, o += 2) {
      const q = DATA_F64 + (((s0 + k) & mask) << 1);
      d[o] = src[q]!;
      d[o + 1] = src[q + 1]!;
    }
    this.have += n;
  }
}

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #c: RingConsumer;
  readonly #f64: Float64Array;
  readonly #stage: LocalStage;
  readonly #ctx = new BookContext();
  readonly #msg: PipeMessage;
  readonly #parts = new PartsBuffer(1024);
  readonly #flags: Int32Array;
  readonly #wakeAt: number; // slots left unread at or below which a sleeping producer is woken

  /**
   * Read `ring` (this thread is its only consumer) into `stage`; `flags` (the {@linkcode PipeFlag}
   * words) to wake a producer sleeping for room.
   */
  constructor(ring: SharedArrayBuffer, stage: LocalStage, flags: Int32Array) {
    this.#c = new RingConsumer(ring);
    this.#flags = flags;
    this.#wakeAt = this.#c.capacity - wakeRoom(this.#c.capacity);
    if (this.#c.recordSize !== SLOT_BYTES) throw new TypeError("replay pipe: not a 16-byte-slot ring");
    this.#f64 = new Float64Array(ring);
    this.#msg = new PipeMessage(new Uint32Array(ring), this.#f64, DATA_F64, this.#c.capacity);
    this.#stage = stage;
  }

  /** Process messages until the ring is closed and drained. */
  run(): void {
    const c = this.#c;
    const parts = this.#parts;
    const m = this.#msg;
    const mask = c.capacity - 1;
    parts.want = 0;
    for (;;) {
      const avail = c.available();
      if (avail === 0) {
        if (c.wait(1000, SPINS) === "closed" && c.available() === 0) break;
        continue;
      }
      const slot0 = (c.offsetAt(0) - DATA_OFFSET) >> 4; // the ring slot of readable slot 0
      let pos = 0; // slots read (every message before it is done)
      if (parts.want > 0) {
        // The rest of a message that came in parts.
        const k = Math.min(parts.want - parts.have, avail);
        parts.copy(this.#f64, slot0, k, mask);
        pos = k;
        if (parts.have === parts.want) {
          parts.want = 0;
          parts.msg.load(0);
          this.#message(parts.msg);
        }
      }
      while (pos < avail && pos < RELEASE_EVERY) {
        // The producer commits a header whole: a part of one is a protocol bug.
        if (avail - pos < HEADER_SLOTS) {
          throw new TypeError("replay pipe: a message header published in part");
        }
        const len = m.load(slot0 + pos);
        if (len <= avail - pos) {
          this.#message(m);
          pos += len;
        } else {
          // Not all published: the producer waits for room for the rest. Copy it and free it.
          parts.begin(len);
          parts.copy(this.#f64, slot0 + pos, avail - pos, mask);
          pos = avail;
        }
      }
      c.release(pos);
      if (Atomics.load(this.#flags, PipeFlag.ProducerAsleep) !== 0 && c.len() <= this.#wakeAt) {
        wakeProducer(this.#flags);
      }
    }
    if (parts.want > 0) throw new TypeError("replay pipe: the ring closed in the middle of a message");
  }

  #message(r: PipeMessage): void {
    const k = r.messageKind;
    if (k === RecordKind.Update && !this.#ctx.window) {
      // The common case: the levels read in place (unless the message wraps or is WIDE).
      const p0 = r.firstLevelWord();
      if (p0 < 0) return this.#stage.writeFrom(r, this.#ctx);
      const n = r.isEmpty(0) ? 0 : r.count;
      this.#stage.updateStrided(r, this.#ctx, r.words, p0, 2, Math.min(r.nBids, n), n);
    } else if (k === ReplayKind.Context) decodeContext(r, this.#ctx);
    else if (k === ReplayKind.Unchanged) this.#stage.unchanged();
    else if (k === ReplayKind.DropTrades) this.#stage.dropTrades();
    else if (k >= 1 && k <= 4) this.#stage.writeFrom(r, this.#ctx);
    else throw new TypeError(`replay pipe: unknown message kind ${k}`);
  }
}
