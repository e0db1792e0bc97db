/**
 * `deno task bench`: runs every standalone comparison script that exists
 * (`bench/ring_compare.ts`, `bench/binance_compare.ts`, `bench/replay_compare.ts`) as a
 * subprocess with only the permissions that script declares in its `Run:` doc line, streams
 * its output, keeps its last stdout line that parses as a JSON object, and ends with a summary
 * table of every median and ratio, each next to the exact command that produced it. The
 * summary is also written to `.bench/summary.json`.
 *
 * A script's final JSON line may use any shape; `results: [{name, unit, median}]` and
 * `ratios: [{name, value, target, met}]` are shown as such, every other numeric or boolean
 * leaf is shown by its key path.
 *
 * Flags: `--only ring|binance|stream|replay` (repeatable), `--quick` (fewer rounds), `--help`.
 * @module
 */
import { parseArgs } from "node:util";
import { flattenSummary, type SummaryRow } from "./_summary.ts";
import { table } from "./_stats.ts";

/** One comparison script run by this harness. */
interface Script {
  /** Key for `--only`. */
  key: string;
  /** Path from the project root. */
  file: string;
  /** Permission flags used when the script's doc comment declares none. */
  fallbackPerms: string[];
  /** Extra arguments for `--quick`. */
  quickArgs: string[];
}

const SCRIPTS: Script[] = [
  {
    key: "ring",
    file: "bench/ring_compare.ts",
    fallbackPerms: ["--allow-read", "--allow-ffi"],
    quickArgs: ["--quick"],
  },
  {
    key: "binance",
    file: "bench/binance_compare.ts",
    fallbackPerms: ["--allow-read", "--allow-env", "--allow-sys"],
    quickArgs: ["--iterations", "3", "--sub-rounds", "3000"],
  },
  {
    key: "stream",
    file: "bench/stream_ring_compare.ts",
    fallbackPerms: ["--allow-read", "--allow-sys=loadavg"],
    quickArgs: ["--quick"],
  },
  {
    key: "replay",
    file: "bench/replay_compare.ts",
    fallbackPerms: ["--allow-read", "--allow-write"],
    quickArgs: ["--rounds", "3", "--warmup", "2"],
  },
];

const USAGE = `deno task bench [--only ring|binance|stream|replay]... [--quick]

Runs each comparison script in bench/ as its own process with least permissions and prints a
summary of medians and ratios. Scripts that do not exist yet are skipped with a note.`;

function parseFlags() {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        only: { type: "string", multiple: true },
        quick: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}\nRun with --help for usage.`);
    Deno.exit(2);
  }
}
const { values } = parseFlags();
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const only = values.only ?? [];
for (const o of only) {
  if (!SCRIPTS.some((s) => s.key === o)) {
    console.error(`--only must be one of ${SCRIPTS.map((s) => s.key).join(", ")}, got ${o}\n\n${USAGE}`);
    Deno.exit(2);
  }
}

const root = new URL("..", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);

/** Permission flags from the script's `Run: ... deno run <flags> bench/x.ts` doc line. */
function declaredPerms(source: string, file: string): string[] | undefined {
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = source.match(new RegExp(`deno run((?:\\s+--allow-[^\\s]+)+)\\s+${esc}`));
  return m ? m[1]!.trim().split(/\s+/) : undefined;
}

function loadavg(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch {
    return "n/a";
  }
}

interface Outcome {
  key: string;
  command: string;
  status: "ok" | "failed" | "skipped";
  note: string;
  json?: Record<string, unknown>;
}

async function runScript(s: Script): Promise<Outcome> {
  const path = rootPath + s.file;
  let source: string;
  try {
    source = await Deno.readTextFile(path);
  } catch {
    return { key: s.key, command: "", status: "skipped", note: `${s.file} does not exist (yet)` };
  }
  const perms = declaredPerms(source, s.file) ?? s.fallbackPerms;
  // bench/ has its own config and lock: the peer libraries never enter the product's lock.
  const args = ["run", "--config", "bench/deno.json", ...perms, s.file, ...(values.quick ? s.quickArgs : [])];
  const command = `deno ${args.join(" ")}`;
  console.log(`\n=== ${s.key}: ${command}   (loadavg ${loadavg()})\n`);
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: rootPath,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  let json: Record<string, unknown> | undefined;
  let partial = "";
  const enc = new TextEncoder();
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    await Deno.stdout.write(enc.encode(chunk));
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) json = parseJsonLine(line) ?? json;
  }
  json = parseJsonLine(partial) ?? json;
  const { code } = await child.status;
  const secs = ((performance.now() - t0) / 1e3).toFixed(1);
  const note = `exit ${code}, ${secs} s, loadavg after ${loadavg()}`;
  if (code !== 0) return { key: s.key, command, status: "failed", note, json };
  if (!json) return { key: s.key, command, status: "failed", note: note + ", no final JSON line" };
  return { key: s.key, command, status: "ok", note, json };
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith("{") || !t.endsWith("}")) return undefined;
  try {
    const v = JSON.parse(t);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

console.log(
  `hft-ts benchmarks — deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${Deno.build.os}/${Deno.build.arch}, ` +
    `${navigator.hardwareConcurrency} CPUs, loadavg ${loadavg()}${values.quick ? ", --quick" : ""}`,
);
const outcomes: Outcome[] = [];
for (const s of SCRIPTS) {
  if (only.length > 0 && !only.includes(s.key)) continue;
  outcomes.push(await runScript(s));
}

const rows: SummaryRow[] = [];
for (const o of outcomes) {
  if (o.json) rows.push(...flattenSummary(o.key, o.json));
}
console.log("\n=== summary\n");
console.log(
  table(["bench", "status", "command / note"], outcomes.map((o) => [o.key, o.status, o.command || o.note])),
);
for (const o of outcomes) if (o.command) console.log(`  ${o.key}: ${o.note}`);
console.log("");
console.log(
  table(
    ["bench", "figure", "value", "target", "met"],
    rows.map((r) => [r.bench, r.name, r.value, r.target, r.met]),
  ),
);

try {
  await Deno.mkdir(rootPath + ".bench", { recursive: true });
  await Deno.writeTextFile(
    rootPath + ".bench/summary.json",
    JSON.stringify({ deno: Deno.version.deno, quick: values.quick, outcomes }, null, 2) + "\n",
  );
  console.log("\nsummary written to .bench/summary.json");
} catch (e) {
  console.error(`could not write .bench/summary.json: ${e instanceof Error ? e.message : e}`);
}
if (outcomes.some((o) => o.status === "failed")) Deno.exit(1);
