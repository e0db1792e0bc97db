/**
 * The shared body of the live tasks (`poc:binance`, `poc:hyperliquid`): pin, start the logger,
 * run the engine until duration / done / SIGINT / SIGTERM / error, stop the handler, write
 * `--book-out`, drain the logger. Returns the process exit code.
 * @module
 */
import { runEngine } from "../engine/engine.ts";
import type { EngineHandler } from "../engine/handler.ts";
import { startLogger } from "../engine/logger_host.ts";
import { pinCurrentThread, pinProcess, resolveCore } from "../engine/pinning.ts";
import type { CommonFlags } from "./_cli.ts";
import type { MarketStream } from "../market/stream.ts";
import { startUpdatesWriter, type UpdatesWriter } from "../market/updates_writer.ts";
import type { L2Book } from "../venues/book.ts";
import { type OpsHandle, startOps } from "../ops/attach.ts";
import { type Publisher, startPublisher } from "../publish/publisher.ts";
import { selectShard } from "../publish/shard.ts";

/** A handler a live task can run: an engine handler that can dump its book. */
export interface LiveHandler extends EngineHandler {
  /** The local book (sampled for the live page with `--metrics-port`). */
  readonly book: L2Book;
  /** Write the final book as JSON (`--book-out`). */
  writeBookOut(path: string): Promise<void>;
  /** The normalized stream of the handler's instrument (`--updates-out`). */
  readonly stream: MarketStream;
}

function envCore(): string | undefined {
  try {
    return Deno.env.get("HFT_CORE");
  } catch {
    return undefined;
  }
}

/**
 * The paths the task will write that its permissions do not cover, each with a message.
 * Checked before anything starts so a bad path fails at once and clearly.
 */
export function unwritablePaths(common: CommonFlags): string[] {
  const out: string[] = [];
  for (
    const [flag, path] of [["--capture-dir", common.captureDir], ["--book-out", common.bookOut], [
      "--updates-out",
      common.updatesOut === "-" ? undefined : common.updatesOut,
    ], [
      "--log-file",
      common.logFile,
    ]]
  ) {
    if (path === undefined) continue;
    if (Deno.permissions.querySync({ name: "write", path }).state !== "granted") {
      out.push(`${flag} ${path}: this task may only write under captures/ and out/ (its --allow-write)`);
    }
  }
  return out;
}

/**
 * Run `handler` as a live task with the common flags. Never throws; returns the exit code.
 * `scales` are the book's decimal exponents, for the live page's ladder.
 */
export async function runLive(
  handler: LiveHandler,
  common: CommonFlags,
  scales = { priceScale: 8, qtyScale: 8 },
): Promise<number> {
  const shard = common.nats?.shard;
  if (shard !== undefined && selectShard([handler.stream.instrument.symbol], shard).length === 0) {
    console.log(`shard ${shard.index}/${shard.count}: no symbol of this task belongs to it; nothing to do`);
    return 0;
  }
  const denied = unwritablePaths(common);
  if (denied.length > 0) {
    for (const d of denied) console.error(d);
    return 1;
  }
  const core = resolveCore(common.core, envCore());
  const ncpu = navigator.hardwareConcurrency || 1;
  const notes: string[] = [];
  let loggerCore: number | undefined;
  if (core === undefined) {
    notes.push("warning: running unpinned (no --core / HFT_CORE)");
  } else {
    const r = await pinProcess(core);
    if (r.ok) {
      notes.push(`pinned with taskset to cpu ${core}; cpu list in force: ${r.cpus ?? "unknown"}`);
    } else notes.push(`warning: running unpinned: ${r.error}`);
    const t = pinCurrentThread(core);
    notes.push(
      t.ok ? `engine thread pinned to cpu ${core} (sched_setaffinity)` : `engine thread: ${t.error}`,
    );
    if (ncpu > 1) loggerCore = (core + 1) % ncpu;
  }
  const loggerOptions: Parameters<typeof startLogger>[0] = {
    format: common.logFormat,
    verbose: common.verbose,
    metrics: common.metricsPort !== undefined,
  };
  if (common.logFile !== undefined) loggerOptions.file = common.logFile;
  if (loggerCore !== undefined) loggerOptions.core = loggerCore;
  let started;
  try {
    started = await startLogger(loggerOptions);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  const { logger } = started;
  for (const n of notes) {
    if (n.startsWith("warning: ")) logger.warning(0, n.slice(9));
    else logger.info(0, n);
  }
  if (started.pinned !== "") logger.info(0, started.pinned);
  let ops: OpsHandle | undefined;
  if (common.metricsPort !== undefined && started.metrics !== undefined) {
    try {
      ops = await startOps(started.metrics, common.metricsPort, [{
        name: handler.name,
        book: handler.book,
        ...scales,
      }]);
      logger.info(0, `metrics and live page on ${ops.url}`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      await logger.shutdown();
      return 1;
    }
  }

  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) {
      // A second signal while stopping: the user wants out now, even if a capture is cut short.
      console.error("second signal while stopping: exiting at once");
      Deno.exit(130);
    }
    stop.abort();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  const onRejection = (e: PromiseRejectionEvent): void => {
    e.preventDefault();
    logger.error(0, `unhandled rejection: ${e.reason instanceof Error ? e.reason.stack : String(e.reason)}`);
    stop.abort();
  };
  const onError = (e: ErrorEvent): void => {
    e.preventDefault();
    logger.error(0, `uncaught error: ${e.error instanceof Error ? e.error.stack : e.message}`);
    stop.abort();
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  let code = 0;
  let updates: UpdatesWriter | undefined;
  let publisher: Publisher | undefined;
  try {
    if (common.updatesOut !== undefined) {
      updates = await startUpdatesWriter(common.updatesOut, [handler.stream]);
    }
    if (common.nats?.publish !== undefined) {
      const onLog = (l: string, t: string): void => {
        if (l === "info") logger.info(0, `[publish] ${t}`);
        else logger.warning(0, `[publish] ${t}`);
      };
      publisher = await startPublisher({ ...common.nats.publish, onLog }, [handler.stream]);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    await updates?.close().catch(() => 0);
    await logger.shutdown();
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
    return 1;
  }
  try {
    const engineOptions: Parameters<typeof runEngine>[1] = { logger, signal: stop.signal };
    if (common.duration !== undefined) engineOptions.durationMs = common.duration * 1000;
    const report = await runEngine([handler], engineOptions);
    if (report.reason === "error") code = 1;
    logger.info(0, `engine stopped: ${report.reason}`);
    if (updates !== undefined) {
      try {
        const lines = await updates.close();
        const r = updates.ring;
        logger.info(
          0,
          `--updates-out ${common.updatesOut}: ${lines} lines (${r.lostMessages} messages lost to a full ring)`,
        );
        if (r.lostMessages > 0) code = code || 1;
      } catch (e) {
        logger.error(0, e instanceof Error ? e.message : String(e));
        code = 1;
      }
      updates = undefined;
    }
    if (publisher !== undefined) {
      code = code || await closePublisher(publisher, logger);
      publisher = undefined;
    }
    if (common.bookOut !== undefined) {
      try {
        await handler.writeBookOut(common.bookOut);
        logger.info(0, `book written to ${common.bookOut}`);
      } catch (e) {
        logger.error(0, `cannot write --book-out ${common.bookOut}: ${e instanceof Error ? e.message : e}`);
        code = 1;
      }
    }
  } finally {
    await updates?.close().catch(() => 0);
    await publisher?.close().catch(() => undefined);
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
    await ops?.close();
    await logger.shutdown();
  }
  return code;
}

/** Close `--publish`: one summary line; 1 when anything was not acknowledged. */
async function closePublisher(
  p: Publisher,
  logger: { info(c: number, t: string): unknown; error(c: number, t: string): unknown },
): Promise<number> {
  try {
    const d = await p.close();
    const lost = d.unacked + d.dropped + d.ringLost + p.ring.lostMessages;
    const line =
      `[publish] run ${p.runId}: ${d.acked} acknowledged (${d.duplicates} duplicates), ${d.retries} retried, ` +
      `${d.reconnects} reconnects, ${p.copies()} snapshot copies; lost: ${d.unacked} unacknowledged, ` +
      `${d.dropped} dropped (buffer full), ${p.ring.lostMessages} to a full ring`;
    if (lost > 0) logger.error(0, line);
    else logger.info(0, line);
    return lost > 0 ? 1 : 0;
  } catch (e) {
    logger.error(0, `[publish] ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
