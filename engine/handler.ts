/**
 * The contract between the engine and venue handlers (hft-rs's `EngineHandler`).
 * @module
 */
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";

/** What the engine hands a handler when it starts. */
export interface HandlerContext {
  /** The shared logger (producer side). */
  readonly logger: Logger;
  /** The one clock seam. */
  readonly clock: Clock;
  /** Interned id of the handler's name, for logger calls. */
  readonly source: number;
  /** Call when new input is queued so the engine polls soon (cheap; safe to call often). */
  wake(): void;
  /** Aborted when the engine stops. */
  readonly signal: AbortSignal;
}

/**
 * A venue handler driven by the engine. I/O callbacks (WebSocket, fetch) only queue raw input
 * and call `ctx.wake()`; all book work happens inside `pollOnce`, which the engine times.
 */
export interface EngineHandler {
  /** Display name, e.g. "binance:BTCUSDT". */
  readonly name: string;
  /** Open connections and start I/O. Called once. */
  start(ctx: HandlerContext): void | Promise<void>;
  /**
   * Process queued input. Returns the latency of this poll in ns (work done), or `undefined`
   * when there was nothing to do. May throw on a bug; the engine then logs and shuts down.
   */
  pollOnce(logger: Logger): number | undefined;
  /** True once the handler has finished on its own (e.g. `--max-messages` reached). */
  isDone(): boolean;
  /** Close connections and flush any capture. Called once, also after a throw. */
  stop(): Promise<void>;
}
