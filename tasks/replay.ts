/**
 * `deno task replay`: rebuild the book from a Binance or Hyperliquid capture and infer L3 events
 * (hft-rs's `replay_binance`). Thin: flags → {@linkcode runReplay} in replay/cli.ts.
 * @module
 */
import { parseCli, UsageError } from "./_cli.ts";
import { type ReplayCliConfig, runReplay } from "../replay/cli.ts";
import { parsePublishFlags, PUBLISH_OPTIONS } from "../publish/cli_flags.ts";

const USAGE = `deno task replay — replay a Binance or Hyperliquid capture into inferred L3 events

Usage:
  deno task replay --session <capture-dir>/<SYMBOL|COIN>/<session> [options]
  deno task replay --snapshot <snapshot.json> --diffs <diffs.jsonl> [--trades <trades.jsonl>] [options]

Input:
  --session <dir>            a capture session of either venue; the venue comes from metadata.json
                             (format/venue), else from the data file present:
                             Binance (poc:binance): snapshot.json, snapshot-<k>.json, diffs.jsonl +
                               diffs.recv_ns, trades.jsonl (optional), metadata.json (optional)
                             Hyperliquid (poc:hyperliquid): messages.jsonl (l2Book + trades frames) +
                               messages.recv_ns, metadata.json (optional; its connections[] mark reconnects,
                               whose first book is applied as a fresh snapshot)
                             each file may be .gz
  --snapshot <file>          Binance: the REST depth body (with --diffs)
  --diffs <file>             depth frames, one per line, raw or combined form (.gz ok); receive times are read
                             from the .recv_ns file beside it when present
  --diffs-recv <file>        receive times of --diffs, one integer ns per line
  --trades <file>            trade frames, one per line (Binance @trade; Hyperliquid "trades" channel): fills
                             are matched to trades by time, price and side (default: the session's own trades)
  --no-trades                ignore the session's trades (use the no-trades model)
  --trade-window-ms <b[,a]>  a trade may fill decreases of updates whose event time is up to b ms after and
                             a ms before the trade time (default 200,0; Hyperliquid: since the previous book)
Output:
  --out <path>               output file ("-" = stdout; default stdout); the task may write under captures/ and out/;
                             checked before the run: never one of the replay's inputs (any spelling, symlink or
                             hard link), never a directory, its directory must exist
  --out-format <f>           stdout (text lines) | jsonl | bincode (80-byte records; docs/inferred_event.md)
Republish (NATS JetStream, the live tasks' publisher and subjects; DESIGN.md "Publishing on NATS JetStream"):
  --publish <urls>           publish the capture's normalized records to nats://host:port[,…]; the L3 events are
                             then written only with --out (each message waits for room: nothing is dropped)
  --pace recorded|max        recorded: keep the capture's receive-time gaps; max (default): as fast as possible
  --publish-format json|binary, --snapshot-every <s>, --stream <name> (default MD), --replicas <n>: as on the live
                             tasks
  --cancel-model <m>         tail (default) | head | proportional: where cancels are taken from in a level's queue
  --truth <file>             ground-truth order events (JSONL): report fill/cancel accuracy, with and without trades
  --threads <n>              1 | 2 | auto (default): 2 runs L3 inference and the writer in a Worker while this
                             thread reads the capture into records (either venue).
                             Starting the Worker costs ~60 ms, so it pays off on large inputs: auto picks 2 for
                             Binance inputs of at least 32 MB without --truth
  --strict                   exit 1 when any warning was issued (truncated line, malformed line, missing receive times)
  -h, --help                 this help

Exit codes: 0 done (warnings on stderr); 1 replay failed: the book was never synchronized, a gap was never
recovered from, input was lost or unreadable, output could not be written (one "replay: FAILED: ..." line says
why), or a warning with --strict; 2 usage error: a bad flag or a bad --out (an input, a directory, no such
directory, outside the write permission).
A closing summary (messages, events by kind, gaps, elapsed time, throughput) goes to stderr; a progress line too,
when stderr is a terminal.`;

const OPTIONS = {
  session: { type: "string" },
  snapshot: { type: "string" },
  diffs: { type: "string" },
  "diffs-recv": { type: "string" },
  trades: { type: "string" },
  "no-trades": { type: "boolean" },
  out: { type: "string" },
  "out-format": { type: "string" },
  "cancel-model": { type: "string" },
  truth: { type: "string" },
  "trade-window-ms": { type: "string" },
  strict: { type: "boolean" },
  threads: { type: "string" },
  pace: { type: "string" },
  ...PUBLISH_OPTIONS,
} as const;

function str(v: unknown, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw new UsageError(`--${flag} needs a value`);
  return v;
}

const { config } = parseCli(
  Deno.args,
  { name: "replay", usage: USAGE, options: OPTIONS, common: false },
  (v): ReplayCliConfig => {
    const session = str(v.session, "session");
    const snapshot = str(v.snapshot, "snapshot");
    const diffs = str(v.diffs, "diffs");
    if (session !== undefined && (snapshot !== undefined || diffs !== undefined)) {
      throw new UsageError("give either --session or --snapshot/--diffs, not both");
    }
    if (session === undefined && (snapshot === undefined || diffs === undefined)) {
      throw new UsageError("need --session <dir>, or both --snapshot <file> and --diffs <file>");
    }
    const format = str(v["out-format"], "out-format") ?? "stdout";
    if (format !== "stdout" && format !== "jsonl" && format !== "bincode") {
      throw new UsageError(`--out-format must be stdout, jsonl or bincode, got "${format}"`);
    }
    const model = str(v["cancel-model"], "cancel-model") ?? "tail";
    if (model !== "tail" && model !== "head" && model !== "proportional") {
      throw new UsageError(`--cancel-model must be tail, head or proportional, got "${model}"`);
    }
    const threads = str(v.threads, "threads") ?? "auto";
    if (threads !== "1" && threads !== "2" && threads !== "auto") {
      throw new UsageError(`--threads must be 1, 2 or auto, got "${threads}"`);
    }
    if (threads === "2" && v.truth !== undefined) {
      throw new UsageError("--truth scores events on this thread: use --threads 1 or auto with it");
    }
    const tw = str(v["trade-window-ms"], "trade-window-ms");
    const [before, after] = (tw ?? "").split(",").map((x) => (x === "" ? NaN : Number(x)));
    if (
      tw !== undefined && !(before! >= 0 && (after === undefined || after >= 0) && tw.split(",").length <= 2)
    ) {
      throw new UsageError(`--trade-window-ms must be BEFORE[,AFTER] in ms (>= 0), got "${tw}"`);
    }
    let publish;
    try {
      const flags = parsePublishFlags(v);
      if (flags.shard !== undefined) throw new UsageError("--shard applies to the live tasks, not to replay");
      publish = flags.publish;
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    const pace = str(v.pace, "pace");
    if (pace !== undefined && pace !== "recorded" && pace !== "max") {
      throw new UsageError(`--pace must be recorded or max, got "${pace}"`);
    }
    if (pace !== undefined && publish === undefined) throw new UsageError("--pace needs --publish");
    const out = str(v.out, "out");
    if (format === "bincode" && (out === undefined || out === "-") && Deno.stdout.isTerminal()) {
      throw new UsageError("--out-format bincode writes binary: give --out <file>");
    }
    return {
      session,
      snapshot,
      diffs,
      diffsRecv: str(v["diffs-recv"], "diffs-recv"),
      trades: str(v.trades, "trades"),
      noTrades: v["no-trades"] === true,
      out: out === "-" ? undefined : out,
      format,
      cancelModel: model,
      truth: str(v.truth, "truth"),
      tradeWindow: tw === undefined ? undefined : { beforeMs: before, afterMs: after ?? 0 },
      strict: v.strict === true,
      threads: threads === "auto" ? "auto" : threads === "2" ? 2 : 1,
      publish,
      pace: pace === "recorded" ? "recorded" : "max",
    };
  },
);

Deno.exit(await runReplay(config));
