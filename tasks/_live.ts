/**
 * The shared body of the live tasks (`poc:binance`, `poc:hyperliquid`): pin, start the logger,
 * run the engine until duration / done / SIGINT / SIGTERM / error, stop the handler, write
 * `--book-out`, drain the logger. Returns the process exit code (0 ok, 1 runtime failure or
 * never synchronized, 2 usage problem found before start).
 * @module
 */
import { runEngine } from "../engine/engine.ts";
import type { EngineHandler } from "../engine/handler.ts";
import { startLogger } from "../engine/logger_host.ts";
import { pinCurrentThread, pinProcess, resolveCore } from "../engine/pinning.ts";
import type { CommonFlags } from "./_cli.ts";
import { type OutputPath, outputProblems } from "./_outputs.ts";
import type { MarketStream } from "../market/stream.ts";
import { startUpdatesWriter, type UpdatesWriter } from "../market/updates_writer.ts";
import { type OpsHandle, startOps, streamSources } from "../ops/attach.ts";
import { type Publisher, startPublisher } from "../publish/publisher.ts";
import { emptyShardLine, selectShard } from "../publish/shard.ts";
import { publishSummary } from "../publish/summary.ts";

/** A handler a live task can run: an engine handler that can dump its book. */
export interface LiveHandler extends EngineHandler {
  /** Write the final book as JSON (`--book-out`). */
  writeBookOut(path: string): Promise<void>;
  /** The normalized stream of the handler's instrument (`--updates-out`). */
  readonly stream: MarketStream;
  /** Every instrument's stream when the handler serves several (`--updates-out` carries all). */
  readonly streams?: MarketStream[];
}

/** What the task asks the handler at the end of a run to choose the exit code. */
export interface LiveChecks {
  /** True when the book was synchronized at least once during the run. */
  synchronized(): boolean;
  /** Why input was lost (e.g. capture writes failed), or undefined when none was. */
  inputLost?(): string | undefined;
  /** Why the handler gave up (an error retrying cannot fix: permission, URL, 4xx), or undefined. */
  fatal?(): string | undefined;
  /**
   * Once the flags, outputs and `--core` are checked, before the logger and the engine start
   * (e.g. fetch the venue's instrument metadata): an exit code to stop with (having printed one
   * line on stderr), or undefined to go on.
   */
  prepare?(): Promise<number | undefined>;
}

function envCore(): string | undefined {
  try {
    return Deno.env.get("HFT_CORE");
  } catch {
    return undefined;
  }
}

/** The output paths of the common flags, for {@linkcode outputProblems}. */
export function commonOutputs(common: CommonFlags): OutputPath[] {
  const out: OutputPath[] = [];
  if (common.captureDir !== undefined) {
    out.push({ flag: "--capture-dir", path: common.captureDir, kind: "dir" });
  }
  if (common.bookOut !== undefined) out.push({ flag: "--book-out", path: common.bookOut, kind: "file" });
  if (common.updatesOut !== undefined && common.updatesOut !== "-") {
    out.push({ flag: "--updates-out", path: common.updatesOut, kind: "file" });
  }
  if (common.logFile !== undefined) {
    out.push({ flag: "--log-file", path: common.logFile, kind: "file-in-existing-dir" });
  }
  return out;
}

/**
 * The pinning of `--core` / `HFT_CORE`: the core (undefined = unpinned) and what to log, or a
 * usage problem (a bad HFT_CORE, or a CPU that does not exist here).
 */
async function pin(common: CommonFlags): Promise<{ core?: number; notes: string[] } | { problem: string }> {
  let core: number | undefined;
  try {
    core = resolveCore(common.core, envCore());
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
  const notes: string[] = [];
  if (core === undefined) return { notes: ["warning: running unpinned (no --core / HFT_CORE)"] };
  const ncpu = navigator.hardwareConcurrency || 1;
  const r = await pinProcess(core);
  if (r.invalidCpu || (!r.ok && core >= ncpu)) {
    const what = common.core !== undefined ? `--core ${core}` : `HFT_CORE=${core}`;
    return { problem: `${what}: no such CPU here (this machine has ${ncpu}: 0..${ncpu - 1})` };
  }
  if (r.ok) {
    notes.push(`pinned with taskset to cpu ${core}; cpu list in force: ${r.cpus ?? "unknown"}`);
  } else notes.push(`warning: running unpinned: ${r.error}`);
  const t = pinCurrentThread(core);
  notes.push(
    t.ok ? `engine thread pinned to cpu ${core} (sched_setaffinity)` : `engine thread not pinned: ${t.error}`,
  );
  return { core, notes };
}

/**
 * Run `handler` as a live task with the common flags. Never throws; returns the exit code: 2 for
 * a usage problem found before start (an output path, `--core`), 1 when the run failed, never
 * synchronized or lost input (per `checks`, asked once the engine stopped), else 0.
 */
export async function runLive(
  handler: LiveHandler,
  common: CommonFlags,
  checks: LiveChecks,
): Promise<number> {
  const shard = common.nats?.shard;
  if (shard !== undefined && selectShard([handler.stream.instrument.symbol], shard).length === 0) {
    console.log(emptyShardLine(shard));
    return 0;
  }
  const problems = outputProblems(commonOutputs(common));
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    return 2;
  }
  const pinned = await pin(common);
  if ("problem" in pinned) {
    console.error(pinned.problem);
    return 2;
  }
  const prepared = await checks.prepare?.();
  if (prepared !== undefined) return prepared;
  const { core, notes } = pinned;
  const ncpu = navigator.hardwareConcurrency || 1;
  const loggerCore = core !== undefined && ncpu > 1 ? (core + 1) % ncpu : undefined;
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
      ops = await startOps(
        started.metrics,
        common.metricsPort,
        streamSources(handler.streams ?? [handler.stream]),
      );
      logger.info(0, `metrics and live page on ${ops.url}`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      await logger.shutdown();
      return 1;
    }
  }
  let updates: UpdatesWriter | undefined;
  let publisher: Publisher | undefined;
  try {
    if (common.updatesOut !== undefined) {
      updates = await startUpdatesWriter(common.updatesOut, handler.streams ?? [handler.stream]);
    }
    if (common.nats?.publish !== undefined) {
      const onLog = (l: string, t: string): void => {
        if (l === "info") logger.info(0, `[publish] ${t}`);
        else logger.warning(0, `[publish] ${t}`);
      };
      publisher = await startPublisher(
        { ...common.nats.publish, onLog },
        handler.streams ?? [handler.stream],
      );
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    await updates?.close().catch(() => 0);
    await ops?.close();
    await logger.shutdown();
    return 1;
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
  try {
    const engineOptions: Parameters<typeof runEngine>[1] = { logger, signal: stop.signal };
    if (common.duration !== undefined) engineOptions.durationMs = common.duration * 1000;
    const report = await runEngine([handler], engineOptions);
    if (report.reason === "error") code = 1;
    logger.info(0, `engine stopped: ${report.reason}`);
    const failures: string[] = [];
    if (updates !== undefined) {
      const u = updates;
      updates = undefined;
      try {
        const lines = await u.close();
        logger.info(0, `--updates-out ${common.updatesOut}: ${lines} lines`);
        if (u.ring.lostMessages > 0) {
          failures.push(`--updates-out lost ${u.ring.lostMessages} messages to a full ring (exit 1)`);
        }
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    const fatal = checks.fatal?.();
    if (fatal !== undefined) failures.push(`${handler.name} gave up: ${fatal} (exit 1)`);
    else if (report.reason !== "error" && !checks.synchronized()) {
      failures.push(`${handler.name} never synchronized: no usable book in this run (exit 1)`);
    }
    const lost = checks.inputLost?.();
    if (lost !== undefined) failures.push(`${handler.name} lost input: ${lost} (exit 1)`);
    for (const line of failures) {
      logger.error(0, line);
      if (common.logFile !== undefined) console.error(line); // where the person running it looks
      code = 1;
    }
    if (publisher !== undefined) {
      const p = publisher;
      publisher = undefined;
      if (await closePublisher(p, logger) !== 0) code = 1;
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
    await ops?.close();
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
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
    const { line, lost } = publishSummary(d, {
      runId: p.runId,
      copies: p.copies(),
      ringLost: p.ring.lostMessages,
    });
    if (lost) logger.error(0, line);
    else logger.info(0, line);
    return lost ? 1 : 0;
  } catch (e) {
    logger.error(0, `[publish] ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
