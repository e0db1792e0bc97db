/**
 * Test support: read every record a {@linkcode Logger} wrote into a ring, in the same thread,
 * as plain decoded events. Allocates; not for production paths.
 * @module
 */
import { createRingBuffer, RingConsumer } from "../spsc/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { HandlerContext } from "./handler.ts";
import { decodeRecord } from "./codec.ts";
import { EventKind, type LogEvent, newLogEvent, RECORD_SIZE } from "./events.ts";
import { Logger } from "./logger.ts";
import type { Timers } from "./timer.ts";

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

/**
 * Poll `cond` every ~2 ms until it holds, against a deadline of `timeoutMs` from now; rejects with
 * `timed out waiting for: <what>` when the deadline passes first.
 *
 * For waiting on the effects of other threads, processes or sockets (a Worker, a child process,
 * a simulator's I/O) that give the test no promise to await. It is never a fixed sleep: it
 * returns as soon as the condition holds. Prefer awaiting a real event or promise when one exists.
 */
export async function waitUntil(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * True when the real-data fixture file `file` exists (read in place, never copied). When it does
 * not, warns `SKIP: <who>: fixture <path> absent` once so the skipped tests are visible.
 */
export function fixturePresent(file: URL, who: string): boolean {
  try {
    Deno.statSync(file);
    return true;
  } catch {
    console.warn(`SKIP: ${who}: fixture ${file.pathname} absent (tests that need it are ignored)`);
    return false;
  }
}

/**
 * A {@linkcode HandlerContext} for driving a handler by hand in a test: the handler is named
 * `source`, wakes are ignored (the test calls `pollOnce` itself), and the signal never aborts.
 */
export function testContext(logger: Logger, source = "test", clock: Clock = systemClock): HandlerContext {
  return {
    logger,
    clock,
    source: logger.intern(source),
    wake: () => {},
    signal: new AbortController().signal,
  };
}

/** One timer set on {@linkcode FakeTimers}. */
export interface FakeTimer {
  /** The delay asked for, ms. */
  ms: number;
  /** Run the callback (removes the timer from `pending`). */
  fire(): void;
}

/**
 * A {@linkcode Timers} seam that never waits: timers are queued in `pending` and a test fires
 * them by hand (after advancing a {@linkcode FakeClock}); `requested` keeps every delay asked for.
 */
export class FakeTimers implements Timers {
  /** Timers set and neither fired nor cleared, oldest first. */
  readonly pending: FakeTimer[] = [];
  /** Every delay ever asked for, in order. */
  readonly requested: number[] = [];

  /** Queue `fn` with delay `ms`. */
  set(fn: () => void, ms: number): unknown {
    this.requested.push(ms);
    const t: FakeTimer = {
      ms,
      fire: () => {
        const i = this.pending.indexOf(t);
        if (i >= 0) this.pending.splice(i, 1);
        fn();
      },
    };
    this.pending.push(t);
    return t;
  }

  /** Drop a queued timer. */
  clear(handle: unknown): void {
    const i = this.pending.indexOf(handle as FakeTimer);
    if (i >= 0) this.pending.splice(i, 1);
  }
}
