/**
 * The engine run loop (hft-rs's `Engine::run`). It starts handlers, then polls them whenever
 * they signal new input, histograms each busy poll's latency through the logger, emits
 * periodic metrics and queue depth, and stops on duration, signal, all handlers done, or a
 * thrown error — always stopping every handler and logging why, like hft-rs's `catch_unwind`
 * guard. The caller then drains the logger with `logger.shutdown()`.
 *
 * Scheduling: handlers queue input from I/O callbacks and call `ctx.wake()`. The loop polls
 * every handler until none has work, then awaits the next wake (one promise per idle period),
 * so Deno's event loop is never starved and no core is burnt while idle.
 * @module
 */
import { type Clock, systemClock } from "./clock.ts";
import type { EngineHandler, HandlerContext } from "./handler.ts";
import type { Logger } from "./logger.ts";
import { setLongTimeout, type Timers } from "./timer.ts";

/** Options for {@linkcode runEngine}. */
export interface EngineOptions {
  /** The logger (producer side). */
  logger: Logger;
  /** Clock (default: system clock). */
  clock?: Clock;
  /** Period of `[metrics] flushed` and `[log-queue]` lines in ms (default 5000; 0 = never). */
  metricsIntervalMs?: number;
  /** Stop after this many ms by `clock` (any finite length: long delays chain timers). */
  durationMs?: number;
  /** Timer functions behind `durationMs` (default: the global ones; tests pass fakes). */
  timers?: Timers;
  /** Stop when aborted (SIGINT/SIGTERM wiring lives in the task). */
  signal?: AbortSignal;
}

/** Why the engine stopped and what it did. */
export interface EngineReport {
  /** "done" (every handler finished), "duration", "signal" or "error". */
  reason: "done" | "duration" | "signal" | "error";
  /** The error when reason is "error". */
  error?: unknown;
  /** Polls that did work. */
  busyPolls: number;
  /** Times the loop went idle and waited for a wake. */
  idleWaits: number;
}

function allDone(handlers: EngineHandler[]): boolean {
  for (let i = 0; i < handlers.length; i++) if (!handlers[i]!.isDone()) return false;
  return true;
}

/**
 * Run `handlers` until they finish, `durationMs` passes, `signal` aborts, or one throws.
 * Resolves (never rejects) with the reason; errors are logged before it resolves.
 */
export async function runEngine(handlers: EngineHandler[], options: EngineOptions): Promise<EngineReport> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const ids = handlers.map((h) => logger.intern(h.name));
  const pollLabel = logger.intern("poll");
  const stop = new AbortController();
  let reason: EngineReport["reason"] = "done";
  let error: unknown;
  let metricsDue = false;
  let wakePending = false;
  let resolveWake: (() => void) | undefined;
  const wake = (): void => {
    wakePending = true;
    if (resolveWake !== undefined) {
      const r = resolveWake;
      resolveWake = undefined;
      r();
    }
  };
  const halt = (why: EngineReport["reason"]): void => {
    if (!stop.signal.aborted) {
      reason = why;
      stop.abort();
    }
    wake();
  };
  const onAbort = (): void => halt("signal");
  if (options.signal?.aborted) halt("signal");
  options.signal?.addEventListener("abort", onAbort);
  const interval = options.metricsIntervalMs ?? 5000;
  const metricsTimer = interval > 0
    ? setInterval(() => {
      metricsDue = true;
      wake();
    }, interval)
    : undefined;
  const durationTimer = options.durationMs !== undefined
    ? setLongTimeout(() => halt("duration"), options.durationMs, {
      clock,
      ...(options.timers ? { timers: options.timers } : {}),
    })
    : undefined;
  const report: EngineReport = { reason, busyPolls: 0, idleWaits: 0 };
  const started: boolean[] = handlers.map(() => false);
  try {
    for (let i = 0; i < handlers.length; i++) {
      const ctx: HandlerContext = { logger, clock, source: ids[i]!, wake, signal: stop.signal };
      await handlers[i]!.start(ctx);
      started[i] = true;
      logger.started(ids[i]!);
    }
    while (!stop.signal.aborted) {
      wakePending = false;
      let busy = true;
      while (busy && !stop.signal.aborted) {
        busy = false;
        for (let i = 0; i < handlers.length; i++) {
          logger.beginPoll();
          try {
            const lat = handlers[i]!.pollOnce(logger);
            if (lat !== undefined) {
              busy = true;
              report.busyPolls++;
              logger.pollLatency(pollLabel, lat, ids[i]!);
            }
          } finally {
            logger.endPoll();
          }
        }
      }
      if (allDone(handlers)) break;
      if (metricsDue) {
        metricsDue = false;
        logger.metricsFlushed();
        logger.queueDepth();
      }
      if (!wakePending && !stop.signal.aborted) {
        report.idleWaits++;
        await new Promise<void>((r) => (resolveWake = r));
      }
    }
  } catch (e) {
    reason = "error";
    error = e;
    stop.abort();
    await logger.whenRoom();
    logger.error(0, `handler failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  } finally {
    if (metricsTimer !== undefined) clearInterval(metricsTimer);
    durationTimer?.clear();
    options.signal?.removeEventListener("abort", onAbort);
    // Stop handlers first (closing captures must never wait on the logger), then log.
    const stopErrors: unknown[] = [];
    for (let i = 0; i < handlers.length; i++) {
      try {
        await handlers[i]!.stop();
        stopErrors.push(undefined);
      } catch (e) {
        stopErrors.push(e);
      }
    }
    await logger.whenRoom(2 * handlers.length + 4);
    for (let i = 0; i < handlers.length; i++) {
      const e = stopErrors[i];
      if (e !== undefined) {
        logger.error(ids[i]!, `stop failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (started[i]) logger.stopped(ids[i]!);
    }
    logger.metricsFlushed();
    logger.queueDepth();
  }
  report.reason = reason;
  if (error !== undefined) report.error = error;
  return report;
}
