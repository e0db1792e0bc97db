/**
 * Private: the consumer half of the two-thread replay. Reads whole messages from the record ring
 * (`market/ring.ts` `RecordRingReader`) and makes the same calls on a `LocalStage` (`_stage.ts`)
 * as the adapter made on the replay's thread: context messages fill the {@linkcode BookContext}
 * of the book message that follows, control messages become `unchanged` / `dropTrades`, every
 * other message is handed over as is — snapshot levels included, straight into L3.
 *
 * Blocks (spins, then `Atomics.wait`) while the ring is empty; returns when the producer has
 * closed it and every record is read. No allocation per message.
 * @module
 */
import { RecordRingReader } from "../market/ring.ts";
import type { RecordBatch } from "../market/record.ts";
import type { LocalStage } from "./_stage.ts";
import { BookContext, decodeContext, ReplayKind } from "./_context.ts";

/** Empty-ring polls before the Worker sleeps (a sleeping Worker costs the producer a wake-up). */
export const SPINS = 1 << 16;

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #r: RecordRingReader;
  readonly #stage: LocalStage;
  readonly #ctx = new BookContext();
  readonly #fn: (b: RecordBatch) => void;

  /** Read `ring` (this thread is its only consumer) into `stage`. */
  constructor(ring: SharedArrayBuffer, stage: LocalStage) {
    this.#r = new RecordRingReader(ring);
    this.#stage = stage;
    this.#fn = (b) => this.#message(b);
  }

  /** Process messages until the ring is closed and drained. */
  run(): void {
    const r = this.#r;
    let idle = 0;
    for (;;) {
      if (r.poll(this.#fn) > 0) {
        idle = 0;
        continue;
      }
      if (r.done) return;
      if (++idle < SPINS) continue;
      idle = 0;
      r.wait(1000);
    }
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
