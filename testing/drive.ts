/**
 * Test support: drive an {@linkcode EngineHandler} without the engine or a Worker. Polls on every
 * wake, collects decoded logger events, and waits for conditions on real events (no sleeps). A
 * guard timer fails a wait that never completes instead of hanging the test run.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import type { EngineHandler, HandlerContext } from "../engine/handler.ts";
import { EventKind, type LogEvent } from "../engine/events.ts";
import { type TestLogger, testLogger } from "../engine/testing.ts";

/** A handler under test with its event log. */
export class Drive {
  /** The handler. */
  readonly handler: EngineHandler;
  /** The logger and its reader. */
  readonly log: TestLogger;
  /** Every event so far. */
  readonly events: LogEvent[] = [];
  /** The context given to the handler. */
  readonly ctx: HandlerContext;
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #woken = false;

  /** Wrap `handler`; `clock` is handed to it (default: the system clock). */
  constructor(handler: EngineHandler, clock: Clock = systemClock) {
    this.handler = handler;
    this.log = testLogger(clock);
    this.ctx = {
      logger: this.log.logger,
      clock,
      source: this.log.logger.intern(handler.name),
      wake: () => {
        this.#woken = true;
        const w = this.#wake;
        this.#wake = undefined;
        w?.();
      },
      signal: this.#abort.signal,
    };
  }

  /** Start the handler. */
  async start(): Promise<void> {
    await this.handler.start(this.ctx);
  }

  /** Poll until idle and collect events. */
  pump(): void {
    while (this.handler.pollOnce(this.log.logger) !== undefined) { /* drain */ }
    for (const e of this.log.drain()) this.events.push({ ...e });
  }

  /** Poll on every wake until `pred()` holds (fails after `guardMs`). */
  async until(pred: () => boolean, what: string, guardMs = 15_000): Promise<void> {
    let guard: ReturnType<typeof setTimeout> | undefined;
    let expired = false;
    const expiry = new Promise<void>((r) =>
      guard = setTimeout(() => {
        expired = true;
        r();
      }, guardMs)
    );
    try {
      for (;;) {
        this.#woken = false;
        this.pump();
        if (pred()) return;
        if (expired) throw new Error(`timed out waiting for: ${what}; events: ${this.summary()}`);
        if (!this.#woken) await Promise.race([new Promise<void>((r) => (this.#wake = r)), expiry]);
      }
    } finally {
      clearTimeout(guard);
    }
  }

  /** Events of `kind`. */
  of(kind: number): LogEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }

  /** Number of events of `kind`. */
  count(kind: number): number {
    return this.of(kind).length;
  }

  /** Warning texts. */
  warnings(): string[] {
    return this.of(EventKind.Warning).map((e) => e.text);
  }

  /** Short list of event kinds for failure messages. */
  summary(): string {
    return this.events.map((e) => `${e.kind}${e.text ? ":" + e.text.slice(0, 40) : ""}`).join(", ");
  }

  /** Stop the handler and abort the context. */
  async stop(): Promise<void> {
    await this.handler.stop();
    this.#abort.abort();
    this.pump();
  }
}
