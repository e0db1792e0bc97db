/**
 * The body of `deno task replay` (the task file only parses flags): resolve the input, open the
 * writer, replay, print warnings, the summary and (with `--truth`) the accuracy report on
 * stderr. Returns the exit code.
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { type CaptureFiles, explicitFiles, resolveSession } from "./reader.ts";
import { createWriter, type OutFormat } from "./writers.ts";
import type { CancelModel } from "./l3.ts";
import { replayCapture } from "./replay.ts";
import { formatSummary, NULL_SINK, type ReplayStats, TeeSink } from "./summary.ts";
import { AccuracyCollector, formatAccuracy, loadTruth, scoreAccuracy, type TruthEvent } from "./accuracy.ts";
import type { ByteTarget } from "./out_buffer.ts";

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
  /** `--strict`. */
  strict: boolean;
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
    return 1;
  }
  if (cfg.session !== undefined && cfg.trades !== undefined) files.trades = cfg.trades;
  let target: ByteTarget & { close?: () => void };
  try {
    target = cfg.out === undefined
      ? Deno.stdout
      : Deno.openSync(cfg.out, { write: true, create: true, truncate: true });
  } catch (e) {
    const hint = e instanceof Deno.errors.NotCapable
      ? " (deno task replay may write only under captures/ and out/)"
      : "";
    console.error(`replay: cannot open --out ${cfg.out}: ${errMsg(e)}${hint}`);
    return 1;
  }
  const writer = createWriter(cfg.format, target);
  const truth = cfg.truth !== undefined ? await loadTruthOrNull(cfg.truth) : undefined;
  if (truth === null) return 1;
  const collector = truth ? new AccuracyCollector() : undefined;
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let lastProgress = systemClock.monoNs();
  let stats: ReplayStats;
  try {
    stats = await replayCapture(files, {
      sink: collector ? new TeeSink(writer, collector) : writer,
      cancelModel: cfg.cancelModel,
      useTrades: !cfg.noTrades,
      clock: systemClock,
      onWarning: (m) => console.error(`replay: warning: ${m}`),
      // Progress only on a terminal, at most 4 times a second, so short replays print none.
      onProgress: tty
        ? (s) => {
          const now = systemClock.monoNs();
          if (now - lastProgress < 250e6) return;
          lastProgress = now;
          Deno.stderr.writeSync(enc.encode(`\rreplay: ${s.diffLines} lines, ${s.totalEvents} events`));
        }
        : undefined,
      onApplied: collector ? (U, u) => collector.batch(U, u) : undefined,
    });
    writer.flush();
  } catch (e) {
    // A closed pipe (e.g. `| head`) is the reader's choice, not an error.
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    console.error(`replay: ${errMsg(e)}`);
    return 1;
  } finally {
    if (cfg.out !== undefined) target.close?.();
  }
  if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
  console.error(formatSummary(stats));
  console.error(
    `replay: wrote ${writer.count} events, ${writer.out.total} bytes (${cfg.format}) to ${
      cfg.out ?? "stdout"
    }`,
  );
  if (truth && collector) {
    const withTrades = files.trades !== undefined && !cfg.noTrades;
    const main = scoreAccuracy(collector, truth);
    // The other mode, for comparison: without trades if the main run used them, else with them.
    const other = new AccuracyCollector();
    const canOther = withTrades || files.trades !== undefined;
    if (canOther) {
      await replayCapture(files, {
        sink: new TeeSink(NULL_SINK, other),
        cancelModel: cfg.cancelModel,
        useTrades: !withTrades,
        onApplied: (U, u) => other.batch(U, u),
      });
    }
    const otherScore = canOther ? scoreAccuracy(other, truth) : undefined;
    console.error(
      formatAccuracy(withTrades ? main : otherScore, withTrades ? otherScore : main),
    );
  }
  return cfg.strict && stats.warnings.length > 0 ? 1 : 0;
}

async function loadTruthOrNull(path: string): Promise<TruthEvent[] | null> {
  try {
    return await loadTruth(path);
  } catch (e) {
    console.error(`replay: --truth ${path}: ${errMsg(e)}`);
    return null;
  }
}
