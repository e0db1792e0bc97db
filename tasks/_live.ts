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

/** A handler a live task can run: an engine handler that can dump its book. */
export interface LiveHandler extends EngineHandler {
  /** Write the final book as JSON (`--book-out`). */
  writeBookOut(path: string): Promise<void>;
  /** Set when the handler stopped on an error retrying cannot fix (the run then exits 1). */
  readonly fatal?: string | undefined;
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

/** Run `handler` as a live task with the common flags. Never throws; returns the exit code. */
export async function runLive(handler: LiveHandler, common: CommonFlags): Promise<number> {
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
    if (report.reason === "error" || handler.fatal !== undefined) code = 1;
    logger.info(0, `engine stopped: ${report.reason}`);
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
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
    await logger.shutdown();
  }
  return code;
}
