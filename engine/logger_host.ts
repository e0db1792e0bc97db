/**
 * Start the logging pipeline: allocate the ring, spawn the logger Worker, and return the
 * producer-side {@linkcode Logger}. `await logger.shutdown()` drains and flushes everything.
 * @module
 */
import { createRingBuffer } from "../spsc/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import { RECORD_SIZE } from "./events.ts";
import type { LogFormat } from "./format.ts";
import { Logger } from "./logger.ts";
import type { ConsumerStats, LoggerWorkerInit } from "./logger_consumer.ts";
import { createMetricsControl, MetricsLink, type MetricsReply } from "../ops/channel.ts";

/** Options for {@linkcode startLogger}. */
export interface StartLoggerOptions {
  /** Output format (default "text"). */
  format?: LogFormat;
  /** Append to this file instead of stderr. */
  file?: string;
  /** Ring capacity in records (power of two, default 8192). */
  capacity?: number;
  /** Clock for timestamps (default: system clock). */
  clock?: Clock;
  /** Pin the Worker thread to this CPU (needs --allow-ffi). */
  core?: number;
  /** Print every latency sample, not only summaries. */
  verbose?: boolean;
  /** Keep metrics in the Worker and return a {@linkcode MetricsLink} to ask for them. */
  metrics?: boolean;
}

/** A started logger plus what the Worker reported at start-up. */
export interface StartedLogger {
  /** The producer handle. */
  logger: Logger;
  /** The Worker's pinning outcome ("" when not asked to pin). */
  pinned: string;
  /** Resolves with the consumer's counts once it has drained (after `logger.shutdown()`). */
  stats: Promise<ConsumerStats>;
  /** With `metrics`: asks the Worker for counters, states and the exposition. */
  metrics?: MetricsLink;
}

/**
 * Spawn the logger Worker. Rejects with a clear error when the Worker cannot start
 * (e.g. the log file is not writable). Allocates (once).
 */
export async function startLogger(options: StartLoggerOptions = {}): Promise<StartedLogger> {
  const clock = options.clock ?? systemClock;
  const sab = createRingBuffer({ capacity: options.capacity ?? 8192, recordSize: RECORD_SIZE });
  const worker = new Worker(new URL("./logger_worker.ts", import.meta.url), { type: "module" });
  let readyResolve!: (pinned: string) => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<string>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  let statsResolve!: (s: ConsumerStats) => void;
  let statsReject!: (e: Error) => void;
  let link: MetricsLink | undefined;
  const stats = new Promise<ConsumerStats>((res, rej) => {
    statsResolve = res;
    statsReject = rej;
  });
  stats.catch(() => {});
  worker.onmessage = (e: MessageEvent) => {
    const m = e.data as { type: string; error?: string; pinned?: string } & ConsumerStats;
    if (m.type === "ready") readyResolve(m.pinned ?? "");
    else if (m.type === "failed") readyReject(new Error(`logger failed to start: ${m.error}`));
    else if (m.type === "drained") {
      link?.fail("the logger Worker has stopped");
      statsResolve(m);
    } else if (m.type === "metrics") link?.onReply(m as unknown as MetricsReply);
  };
  // Set once the Logger exists; a Worker error before that only rejects start-up.
  const created: { logger?: Logger } = {};
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const err = new Error(`logger worker error: ${e.message}`);
    // The Worker is the only place log lines are written; say it once, where a person will see it.
    console.error(`hft-ts: ${err.message}; log records from now on are lost`);
    created.logger?.consumerFailed(err.message);
    link?.fail(err.message);
    readyReject(err);
    statsReject(err);
  };
  const init: LoggerWorkerInit = {
    sab,
    format: options.format ?? "text",
    startNs: clock.monoNs(),
    startWallNs: clock.wallNs(),
  };
  if (options.file !== undefined) init.file = options.file;
  if (options.core !== undefined) init.core = options.core;
  if (options.verbose) init.verbose = true;
  if (options.metrics) {
    init.metrics = { ctrl: createMetricsControl() };
    link = new MetricsLink(init.metrics.ctrl, () => clock.monoNs());
  }
  worker.postMessage(init);
  let pinned: string;
  try {
    pinned = await ready;
  } catch (e) {
    worker.terminate();
    throw e;
  }
  const logger = new Logger(sab, {
    clock,
    drained: async () => {
      try {
        await stats;
      } catch {
        // Reported by onerror already.
      } finally {
        worker.terminate();
      }
    },
  });
  created.logger = logger;
  return link ? { logger, pinned, stats, metrics: link } : { logger, pinned, stats };
}
