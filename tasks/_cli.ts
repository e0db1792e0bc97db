/**
 * Shared command-line handling of the tasks: the common flags of DESIGN.md, `--help`, and
 * exit code 2 with a clear message on a bad flag.
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { systemClock } from "../engine/clock.ts";
import { captureSessionProblem, sessionNameProblem } from "../venues/capture_names.ts";
import { parseRotate, type RotatePolicy } from "../venues/capture_rotation.ts";
import { parsePublishFlags, PUBLISH_HELP, PUBLISH_OPTIONS, type PublishFlags } from "../publish/cli_flags.ts";

/** Flags every live task takes. */
export interface CommonFlags {
  /** Stop after this many seconds. */
  duration?: number;
  /** Stop after this many market-data messages. */
  maxMessages?: number;
  /** CPU core for the engine (`--core` or `HFT_CORE`). */
  core?: number;
  /** Log line format. */
  logFormat: "text" | "jsonl";
  /** Append log lines to this file instead of stderr. */
  logFile?: string;
  /** Write the final book as JSON here on exit. */
  bookOut?: string;
  /** Write the normalized stream as JSON lines here ("-" = stdout). */
  updatesOut?: string;
  /** Capture raw market data under this directory. */
  captureDir?: string;
  /** Capture session label (default: epoch ms). */
  captureSession?: string;
  /** Rotate capture files into parts (`--rotate hourly|daily|<MB>`). */
  captureRotate?: RotatePolicy;
  /** Gzip capture parts as they close (`--gzip`). */
  captureGzip?: boolean;
  /** Print every latency sample. */
  verbose: boolean;
  /** Serve /metrics, /healthz and the live page on 127.0.0.1:<port> (0 = any free port). */
  metricsPort?: number;
  /** `--publish …` and `--shard` (see publish/cli_flags.ts). */
  nats?: PublishFlags;
}

/** The option table of {@linkcode CommonFlags}, for `parseArgs`. */
export const COMMON_OPTIONS: ParseArgsOptionsConfig = {
  duration: { type: "string" },
  "max-messages": { type: "string" },
  core: { type: "string" },
  "log-format": { type: "string" },
  "log-file": { type: "string" },
  "book-out": { type: "string" },
  "updates-out": { type: "string" },
  "capture-dir": { type: "string" },
  "capture-session": { type: "string" },
  rotate: { type: "string" },
  gzip: { type: "boolean" },
  verbose: { type: "boolean" },
  "metrics-port": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...PUBLISH_OPTIONS,
};

/** Help text of the common flags. */
export const COMMON_HELP = `Common flags:
  --duration <s>          stop cleanly after this many seconds
  --max-messages <n>      stop cleanly after this many market-data messages
  --core <n>              pin the engine to CPU n (also HFT_CORE); the logger Worker takes the next CPU
  --log-format text|jsonl log line format (default text)
  --log-file <path>       append log lines to this file instead of stderr
  --book-out <file>       on exit, write the final book as JSON
  --updates-out <file|->  write every book change and trade as normalized JSON lines (- = stdout)
  --capture-dir <dir>     capture raw market data under <dir>/<symbol>/<session>/
  --capture-session <s>   capture session label (default: epoch milliseconds); a plain folder name,
                          and refused when that session folder exists and is not empty
  --rotate hourly|daily|<MB>  rotate capture files into numbered parts (by UTC hour, day or size)
  --gzip                  gzip each capture part as it closes
  --verbose               print every latency sample, not only summaries
  --metrics-port <n>      serve /metrics, /healthz and the live page / on 127.0.0.1:<n> (0 = any)
${PUBLISH_HELP}
  -h, --help              this help`;

/** A command-line spec: name, usage text, and task-specific options. */
export interface CliSpec {
  /** Task name, e.g. "poc:binance". */
  name: string;
  /** Usage and task-specific flag help. */
  usage: string;
  /** Task-specific options for `parseArgs`. */
  options: ParseArgsOptionsConfig;
  /** Whether the common flags apply (default true). */
  common?: boolean;
}

/** Thrown for a bad flag value; tasks turn it into exit code 2. */
export class UsageError extends Error {
  /** A usage error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parse a flag that must be a non-negative number (integer when `int`). */
export function numberFlag(name: string, v: unknown, int: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (
    typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `--${name} must be a non-negative ${int ? "integer" : "number"}, got "${String(v)}"`,
    );
  }
  return n;
}

/** The last instant a JavaScript `Date` can hold, ms since the epoch (year 275760). */
const MAX_DATE_MS = 8.64e15;

/**
 * Parse a length of time given in units of `unitMs` (seconds: 1000; ms: 1) that must be more than 0
 * (or 0 when `allowZero`) and end before the last instant a `Date` can hold, counted from `nowMs`.
 * Returns it in ms.
 */
export function durationFlag(
  name: string,
  v: unknown,
  unitMs: number,
  nowMs: number,
  allowZero = false,
): number | undefined {
  const n = numberFlag(name, v, false);
  if (n === undefined) return undefined;
  const ms = n * unitMs;
  if (ms === 0 && !allowZero) throw new UsageError(`--${name} must be more than 0, got "${String(v)}"`);
  if (!(nowMs + ms <= MAX_DATE_MS)) {
    throw new UsageError(
      `--${name} ${String(v)} would end after the last date a Date can hold (year 275760)`,
    );
  }
  return ms;
}

function die(spec: CliSpec, msg: string): never {
  console.error(`${spec.name}: ${msg}\nRun with --help for usage.`);
  Deno.exit(2);
}

/**
 * Parse `args`. Prints help and exits 0 on `--help`; prints the problem and exits 2 on an unknown
 * flag, a missing value or a bad common value. `validate` may throw {@linkcode UsageError}.
 */
export function parseCli<T>(
  args: string[],
  spec: CliSpec,
  validate: (values: Record<string, unknown>, common: CommonFlags) => T,
): { values: Record<string, unknown>; common: CommonFlags; config: T } {
  const withCommon = spec.common ?? true;
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({
      args,
      options: withCommon
        ? { ...COMMON_OPTIONS, ...spec.options }
        : { help: COMMON_OPTIONS.help!, ...spec.options },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as Record<string, unknown>;
  } catch (e) {
    die(spec, e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    console.log(withCommon ? `${spec.usage}\n\n${COMMON_HELP}` : spec.usage);
    Deno.exit(0);
  }
  try {
    const common = withCommon ? commonFlags(values) : { logFormat: "text" as const, verbose: false };
    return { values, common, config: validate(values, common) };
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) die(spec, e.message);
    throw e;
  }
}

function commonFlags(v: Record<string, unknown>): CommonFlags {
  const fmt = v["log-format"] ?? "text";
  if (fmt !== "text" && fmt !== "jsonl") {
    throw new UsageError(`--log-format must be text or jsonl, got "${fmt}"`);
  }
  const c: CommonFlags = { logFormat: fmt, verbose: v.verbose === true };
  const durationMs = durationFlag("duration", v.duration, 1000, systemClock.wallNs() / 1e6);
  if (durationMs !== undefined) c.duration = durationMs / 1000;
  const max = numberFlag("max-messages", v["max-messages"], true);
  if (max !== undefined) c.maxMessages = max;
  const port = numberFlag("metrics-port", v["metrics-port"], true);
  if (port !== undefined && port > 65535) {
    throw new UsageError(`--metrics-port must be 0..65535, got ${port}`);
  }
  if (port !== undefined) c.metricsPort = port;
  const core = numberFlag("core", v.core, true);
  if (core !== undefined) c.core = core;
  const nats = parsePublishFlags(v);
  if (nats.publish !== undefined || nats.shard !== undefined) c.nats = nats;
  for (
    const [flag, key] of [["log-file", "logFile"], ["book-out", "bookOut"], ["updates-out", "updatesOut"], [
      "capture-dir",
      "captureDir",
    ], [
      "capture-session",
      "captureSession",
    ]] as const
  ) {
    const s = v[flag];
    if (s !== undefined) {
      if (typeof s !== "string" || s === "") throw new UsageError(`--${flag} needs a value`);
      c[key] = s;
    }
  }
  if (v.rotate !== undefined) c.captureRotate = parseRotate(String(v.rotate));
  if (v.gzip === true) c.captureGzip = true;
  return c;
}

/**
 * Check the capture flags for `instrument` (the venue's name, as the handler uses it) up front,
 * before anything connects: a session name that is not a plain folder name, or a session folder
 * that exists and is not empty, throws {@linkcode UsageError} (exit 2). Returns the capture part
 * of a handler config.
 */
export function captureConfig(c: CommonFlags, instrument: string): {
  captureDir?: string;
  captureSession?: string;
  captureRotate?: RotatePolicy;
  captureGzip?: boolean;
} {
  const problem = c.captureSession === undefined
    ? undefined
    : c.captureDir === undefined
    ? sessionNameProblem(c.captureSession)
    : captureSessionProblem(c.captureDir, instrument, c.captureSession);
  if (problem !== undefined) throw new UsageError(problem);
  const out: ReturnType<typeof captureConfig> = {};
  if (c.captureDir !== undefined) out.captureDir = c.captureDir;
  if (c.captureSession !== undefined) out.captureSession = c.captureSession;
  if (c.captureRotate !== undefined) out.captureRotate = c.captureRotate;
  if (c.captureGzip !== undefined) out.captureGzip = c.captureGzip;
  return out;
}

/** `--stale-after <s>` (seconds, > 0) as milliseconds; undefined when absent. */
export function staleAfterFlag(v: unknown): number | undefined {
  const s = numberFlag("stale-after", v, false);
  if (s === 0) throw new UsageError("--stale-after must be more than 0 seconds");
  return s === undefined ? undefined : s * 1000;
}
