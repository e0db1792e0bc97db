/**
 * Test support: read every record a {@linkcode Logger} wrote into a ring, in the same thread,
 * as plain decoded events. Allocates; not for production paths.
 * @module
 */
import { createRingBuffer, RingConsumer } from "../spsc/mod.ts";
import type { Clock } from "./clock.ts";
import { decodeRecord } from "./codec.ts";
import { EventKind, type LogEvent, newLogEvent, RECORD_SIZE } from "./events.ts";
import { Logger } from "./logger.ts";

/** A logger whose records a test reads back with `drain()`. */
export interface TestLogger {
  /** The logger under test. */
  logger: Logger;
  /** Every record written since the last call, decoded, interned names resolved (not Intern records). */
  drain(): LogEvent[];
}

/** A {@linkcode Logger} on an in-memory ring plus a same-thread reader. */
export function testLogger(clock?: Clock, capacity = 1 << 16): TestLogger {
  const sab = createRingBuffer({ capacity, recordSize: RECORD_SIZE });
  const logger = new Logger(sab, clock ? { clock } : {});
  const ring = new RingConsumer(sab);
  const names: string[] = [""];
  return {
    logger,
    drain(): LogEvent[] {
      logger.flush();
      const out: LogEvent[] = [];
      for (let n = ring.available(); n > 0; n = ring.available()) {
        for (let i = 0; i < n; i++) {
          const ev = decodeRecord(ring.bytes, ring.view, ring.offsetAt(i), names, newLogEvent());
          if (ev.kind === EventKind.Intern) names[ev.a] = ev.text;
          else out.push(ev);
        }
        ring.release(n);
      }
      return out;
    },
  };
}
