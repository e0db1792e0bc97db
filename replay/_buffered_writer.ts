/**
 * The part every event writer shares (`writers.ts`, `bincode.ts`): the preallocated
 * {@linkcode OutBuffer}, the event count and `flush()`. Each subclass formats in its own `write`.
 * @module
 */
import type { EventSink, InferredEvent } from "./schema.ts";
import { type ByteTarget, OutBuffer } from "./out_buffer.ts";

/** An {@linkcode EventSink} that formats events into an {@linkcode OutBuffer} over a target. */
export abstract class BufferedWriter implements EventSink {
  /** The output buffer. */
  readonly out: OutBuffer;
  /** Events written. */
  count = 0;
  /** Write to `target` (flush with {@linkcode BufferedWriter.flush}). */
  constructor(target: ByteTarget, capacity?: number) {
    this.out = new OutBuffer(target, capacity);
  }
  /** Format one event. No allocation. */
  abstract write(ev: InferredEvent): void;
  /** Flush buffered bytes to the target. */
  flush(): void {
    this.out.flush();
  }
}
