/**
 * The body of `deno task replay` (the task file only parses flags): resolve the input, check
 * `--out` (never an input, never a directory, inside the permissions: else exit 2 before anything
 * is opened for writing), open the writer, replay (on one thread, or two for large Binance
 * inputs: `pipeline.ts`), print warnings, the summary and (with `--truth`) the accuracy report
 * on stderr. Returns the exit code: {@linkcode EXIT_OK}, {@linkcode EXIT_FAILED},
 * {@linkcode EXIT_USAGE}.
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { type CaptureFiles, explicitFiles, resolveSession } from "./reader.ts";
import { createWriter, type OutFormat } from "./writers.ts";
import type { CancelModel } from "./l3.ts";
import { replayCapture } from "./replay.ts";
import { replayPiped } from "./pipeline.ts";
import { formatSummary, NULL_SINK, type ReplayStats, TeeSink } from "./summary.ts";
import {
  AccuracyCollector,
  formatAccuracy,
  loadTruth,
  scoreAccuracy,
  type TruthEvent,
  truthMismatch,
} from "./accuracy.ts";
import type { ByteTarget } from "./out_buffer.ts";
import type { TradeWindowOptions } from "./trade_window.ts";
import { checkOutPath, replayInputs } from "./_out_check.ts";
import { ProgressLine } from "./_progress.ts";
import { printable } from "./_warn.ts";
import type { PublishOptions } from "../publish/publisher.ts";
import { PublishHook } from "./publish.ts";
import { RecordedPace } from "./pace.ts";
import { CountingTarget } from "./out_buffer.ts";

/** Exit code: the replay ran to the end and synchronized (warnings, if any, on stderr). */
export const EXIT_OK = 0;
/**
 * Exit code: the replay failed — the book was never synchronized, a gap was never recovered
 * from, input was lost or unreadable, the output could not be written — or `--strict` and a
 * warning was issued.
 */
export const EXIT_FAILED = 1;
/** Exit code: a usage error — a bad flag or a bad `--out` (an input, a directory, no permission). */
export const EXIT_USAGE = 2;

const OUT_HINT = " (deno task replay may write only under captures/ and out/)";
const FORMAT_WORDS: Record<OutFormat, string> = { stdout: "text lines", jsonl: "JSONL", bincode: "bincode" };

/** Validated flags of `deno task replay`. */
export interface ReplayCliConfig {
  /** `--session` directory. */
  session?: string;
  /** `--snapshot` file. */
  snapshot?: string;
  /** `--diffs` file. */
  diffs?: string;
  /** `--diffs-recv` file. */
  diffsRecv?: string;
  /** `--trades` file. */
  trades?: string;
  /** `--no-trades`. */
  noTrades: boolean;
  /** `--out` path (undefined: stdout). */
  out?: string;
  /** `--out-format`. */
  format: OutFormat;
  /** `--cancel-model`. */
  cancelModel: CancelModel;
  /** `--truth` file. */
  truth?: string;
  /** `--trade-window-ms`: the trade matching window (default `trade_window.ts`'s). */
  tradeWindow?: TradeWindowOptions;
  /** `--strict`. */
  strict: boolean;
  /** `--threads`: 2 pipelines L3 + the writer into a Worker; auto decides by input size. */
  threads?: 1 | 2 | "auto";
  /** `--publish` and its flags: republish the records on NATS JetStream (`publish.ts`). */
  publish?: PublishOptions;
  /** `--pace` (with `--publish`): recorded receive-time gaps, or as fast as possible. */
  pace?: "recorded" | "max";
}

/** `--threads auto` pipelines inputs (data + trades files) of at least this many bytes. */
export const PIPE_AUTO_BYTES = 32 << 20;

/** Whether a replay of `files` runs on two threads (see {@linkcode ReplayCliConfig.threads}). */
export async function usePipeline(files: CaptureFiles, cfg: ReplayCliConfig): Promise<boolean> {
  if (cfg.truth !== undefined || (cfg.threads ?? "auto") === 1) return false;
  if (cfg.threads === 2) return true;
  let bytes = 0;
  for (const p of new Set([files.diffs, files.trades])) {
    if (p !== undefined) bytes += (await Deno.stat(p)).size;
  }
  return bytes >= PIPE_AUTO_BYTES;
}

function errMsg(e: unknown): string {
  return printable(e instanceof Error ? e.message : String(e));
}

/** Run the replay CLI; returns the process exit code. */
export async function runReplay(cfg: ReplayCliConfig): Promise<number> {
  let files: CaptureFiles;
  try {
    files = cfg.session !== undefined
      ? await resolveSession(cfg.session)
      : await explicitFiles(cfg.snapshot!, cfg.diffs!, cfg.trades, cfg.diffsRecv);
  } catch (e) {
    console.error(`replay: ${errMsg(e)}`);
    return EXIT_FAILED;
  }
  if (cfg.session !== undefined && cfg.trades !== undefined) files.trades = cfg.trades;
  if (cfg.out !== undefined) {
    const inputs = replayInputs(files, [
      ["metadata", cfg.session !== undefined ? `${cfg.session}/metadata.json` : undefined],
      ["--truth", cfg.truth],
    ]);
    const problem = await checkOutPath(cfg.out, inputs, OUT_HINT);
    if (problem !== undefined) {
      console.error(`replay: ${printable(problem)}`);
      return EXIT_USAGE;
    }
  }
  let piped = false;
  try {
    piped = await usePipeline(files, cfg);
  } catch {
    // An input that cannot be stat'ed fails below, with the replay's own message.
  }
  if (cfg.threads === 2 && !piped) {
    console.error(
      "replay: --threads 2 does not apply with --truth (scored on this thread): running on one thread",
    );
  }
  // --publish without --out: the events are counted, not written.
  const quiet = cfg.publish !== undefined && cfg.out === undefined;
  if (quiet) piped = false;
  let target: ByteTarget & { close?: () => void };
  try {
    target = quiet
      ? new CountingTarget()
      : cfg.out === undefined
      ? Deno.stdout
      : Deno.openSync(cfg.out, { write: true, create: true, truncate: true });
  } catch (e) {
    const hint = e instanceof Deno.errors.NotCapable ? OUT_HINT : "";
    console.error(`replay: cannot open --out ${cfg.out}: ${errMsg(e)}${hint}`);
    return EXIT_USAGE;
  }
  // Two threads: the Worker opens the output itself (checked above: it is writable). This handle
  // stays open until the end: closing it first would end a FIFO's reader before the Worker's open.
  const writer = piped ? undefined : createWriter(cfg.format, target);
  const truth = cfg.truth !== undefined ? await loadTruthOrNull(cfg.truth) : undefined;
  if (truth === null) return EXIT_FAILED;
  const collector = truth ? new AccuracyCollector() : undefined;
  // Progress only on a terminal, at most 4 times a second, so short replays print none; every
  // other line on stderr erases it first.
  const progress = new ProgressLine(Deno.stderr, systemClock, Deno.stderr.isTerminal());
  let stats: ReplayStats;
  let written = 0;
  let bytes = 0;
  const hook = cfg.publish === undefined ? undefined : new PublishHook(
    {
      ...cfg.publish,
      onLog: (l, t) => progress.line(`replay: [publish] ${l === "info" ? "" : l + ": "}${t}`),
    },
    cfg.pace === "recorded" ? new RecordedPace(systemClock) : undefined,
  );
  const common = {
    onStream: hook?.onStream,
    beforeLine: hook?.beforeLine,
    cancelModel: cfg.cancelModel,
    useTrades: !cfg.noTrades,
    tradeWindow: cfg.tradeWindow,
    clock: systemClock,
    onWarning: (m: string) => progress.line(`replay: warning: ${m}`),
    onProgress: (s: ReplayStats) => progress.update(`replay: ${s.diffLines} lines, ${s.totalEvents} events`),
  };
  try {
    if (writer === undefined) {
      const r = await replayPiped(files, { ...common, format: cfg.format, out: cfg.out ?? "-" });
      stats = r.stats;
      written = r.written;
      bytes = r.bytes;
    } else {
      stats = await replayCapture(files, {
        ...common,
        sink: collector ? new TeeSink(writer, collector) : writer,
        onApplied: collector ? (U, u) => collector.batch(U, u) : undefined,
      });
      writer.flush();
      written = writer.count;
      bytes = writer.out.total;
    }
  } catch (e) {
    progress.clear();
    await hook?.close().catch(() => undefined);
    // A closed pipe (e.g. `| head`) is the reader's choice, not an error.
    if (e instanceof Deno.errors.BrokenPipe) return EXIT_OK;
    console.error(`replay: ${errMsg(e)}`);
    return EXIT_FAILED;
  } finally {
    if (cfg.out !== undefined) target.close?.();
  }
  const published = hook === undefined ? EXIT_OK : await closePublish(hook);
  progress.clear();
  console.error(formatSummary(stats));
  console.error(
    quiet
      ? `replay: ${written} events inferred, not written (--publish without --out)`
      : `replay: wrote ${written} events, ${bytes} bytes to ${cfg.out ?? "stdout"} as ${
        FORMAT_WORDS[cfg.format]
      }${piped ? " (2 threads: L3 and the writer in a Worker)" : ""}`,
  );
  if (published !== EXIT_OK) return published;
  if (truth && collector) {
    const withTrades = files.trades !== undefined && !cfg.noTrades;
    const main = scoreAccuracy(collector, truth);
    const bad = truthMismatch(main);
    if (bad !== undefined) {
      console.error(`replay: --truth ${cfg.truth}: ${bad}`);
      return 1;
    }
    // The other mode, for comparison: without trades if the main run used them, else with them.
    const other = new AccuracyCollector();
    const canOther = withTrades || files.trades !== undefined;
    if (canOther) {
      await replayCapture(files, {
        sink: new TeeSink(NULL_SINK, other),
        cancelModel: cfg.cancelModel,
        useTrades: !withTrades,
        tradeWindow: cfg.tradeWindow,
        onApplied: (U, u) => other.batch(U, u),
      });
    }
    const otherScore = canOther ? scoreAccuracy(other, truth) : undefined;
    console.error(
      formatAccuracy(withTrades ? main : otherScore, withTrades ? otherScore : main),
    );
  }
  if (stats.failure !== undefined) {
    console.error(`replay: FAILED: ${stats.failure}`);
    return EXIT_FAILED;
  }
  return cfg.strict && stats.warnings.length > 0 ? EXIT_FAILED : EXIT_OK;
}

async function loadTruthOrNull(path: string): Promise<TruthEvent[] | null> {
  try {
    return await loadTruth(path);
  } catch (e) {
    console.error(`replay: --truth ${path}: ${errMsg(e)}`);
    return null;
  }
}

// Drain --publish: one summary line; EXIT_FAILED when anything was not stored (or dropped).
async function closePublish(hook: PublishHook): Promise<number> {
  const runId = hook.publisher?.runId;
  try {
    const d = await hook.close();
    if (d === undefined) return EXIT_OK; // nothing was replayed into a stream
    console.error(
      `replay: [publish] run ${runId}: ${d.acked} acknowledged (${d.duplicates} duplicates), ` +
        `${d.retries} retried, ${d.unacked} unacknowledged, ${d.dropped + d.ringLost} dropped`,
    );
    return d.unacked + d.dropped + d.ringLost > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (e) {
    console.error(`replay: [publish] ${errMsg(e)}`);
    return EXIT_FAILED;
  }
}
