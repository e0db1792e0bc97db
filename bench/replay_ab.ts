/**
 * A/B of the replay's CPU cost: this tree against another tree of the repo (a baseline commit
 * checked out as a worktree, e.g. `git worktree add /tmp/base <commit>`), in ONE process, on the
 * recorded ETHUSDT fixture (Binance diffs + trades, bincode into a counting sink).
 *
 * Each tree's `replay/replay.ts` and `replay/pipeline.ts` are imported by absolute path; rounds
 * alternate A, B, B, A, ... (so neither side always runs first after the other warms the caches)
 * and each round is measured in process CPU time (`process.cpuUsage()`: user + system of every
 * thread, so a two-thread round counts both threads), not wall time: on a loaded machine wall
 * time measures the neighbours. Medians of `--rounds` after `--warmup` rounds; the ratio is
 * new / base (below 1: this tree is cheaper).
 *
 *   deno run -A bench/replay_ab.ts /tmp/base [--rounds 15] [--warmup 6] [--mode both|1|2]
 *
 * `--hl-copies N`: the Hyperliquid fixture instead, N back-to-back copies (`replay_hl.ts`).
 *
 * `--solo N`: the same comparison with each tree in processes of its own (N per tree, started
 * alternately A, B, B, A, ...; each runs `--warmup` then `--rounds` replays of one tree and reports
 * its median): what a user's replay process gets, with no JIT feedback, heap or code cache
 * shared between the trees. The ratio is of the medians of the processes' medians.
 *
 * `--once [--repeat N] [--base]`: N replays (default 1) on one thread of this tree (of the
 * baseline with `--base`) and exit, for instruction counts, which are repeatable on a loaded
 * machine: the count of `--repeat 11` minus that of `--repeat 1`, over 10, is one warm replay:
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file \
 *     deno run -A --v8-flags=--single-threaded bench/replay_ab.ts /tmp/base --once --repeat 11
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { median } from "./_stats.ts";
import { bigSession, HL_DIR } from "./replay_hl.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    rounds: { type: "string" },
    warmup: { type: "string" },
    mode: { type: "string" },
    once: { type: "boolean" },
    repeat: { type: "string" },
    "startup-only": { type: "boolean" },
    base: { type: "boolean" },
    "hl-copies": { type: "string" },
    solo: { type: "string" },
    child: { type: "boolean" },
    fixture: { type: "string" },
  },
});
const baseDir = positionals[0];
if (baseDir === undefined) {
  console.error("usage: replay_ab.ts <baseline tree> [--rounds N] [--warmup N] [--mode both|1|2] [--once]");
  Deno.exit(2);
}
const rounds = Number(values.rounds ?? 15);
const warmup = Number(values.warmup ?? 6);
const mode = values.mode ?? "both";
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmup) || warmup < 0) {
  console.error("--rounds must be >= 1 and --warmup >= 0");
  Deno.exit(2);
}
if (mode !== "both" && mode !== "1" && mode !== "2") {
  console.error(`--mode must be both, 1 or 2, got ${mode}`);
  Deno.exit(2);
}

const thisTree = new URL("../", import.meta.url).pathname;
const hlCopies = values["hl-copies"] === undefined ? 0 : Number(values["hl-copies"]);
if (!Number.isInteger(hlCopies) || hlCopies < 0) {
  console.error(`--hl-copies must be a non-negative integer, got ${values["hl-copies"]}`);
  Deno.exit(2);
}
const probe = hlCopies > 0
  ? new URL("messages.jsonl", HL_DIR).pathname
  : new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/diffs.jsonl", import.meta.url).pathname;
try {
  Deno.statSync(probe);
} catch {
  console.warn(`replay_ab: fixture absent at ${probe}: nothing to measure`);
  Deno.exit(0);
}
const fixture = values.fixture !== undefined
  ? values.fixture
  : hlCopies > 0
  ? await bigSession(hlCopies)
  : new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url).pathname;

/** The parts of a tree's replay this bench drives (the same API on both sides). */
interface Tree {
  name: string;
  replay1: () => Promise<number>;
  pipe: { replay: (files: unknown, opts: unknown) => Promise<{ bytes: number }>; close(): void };
  files: unknown;
}

async function loadTree(name: string, root: string): Promise<Tree> {
  const r = root.endsWith("/") ? root : root + "/";
  const replay = await import(`file://${r}replay/replay.ts`);
  const pipeline = await import(`file://${r}replay/pipeline.ts`);
  const reader = await import(`file://${r}replay/reader.ts`);
  const bincode = await import(`file://${r}replay/bincode.ts`);
  const out = await import(`file://${r}replay/out_buffer.ts`);
  const files = await reader.resolveSession(fixture);
  const replay1 = async () => {
    const target = new out.CountingTarget();
    const w = new bincode.BincodeWriter(target);
    await replay.replayCapture(files, { sink: w });
    w.flush();
    return target.bytes as number;
  };
  return { name, replay1, pipe: new pipeline.ReplayPipeline(), files };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

if (values["startup-only"]) {
  const t = await loadTree("new", values.base ? baseDir : thisTree);
  t.pipe.close();
  if (hlCopies > 0) await Deno.remove(fixture, { recursive: true });
  Deno.exit(0);
}
if (values.once) {
  const t = await loadTree("new", values.base ? baseDir : thisTree);
  t.pipe.close();
  const n = Number(values.repeat ?? 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += await t.replay1();
  console.log(`bytes ${bytes}`);
  if (hlCopies > 0) await Deno.remove(fixture, { recursive: true });
  Deno.exit(0);
}

const modes = mode === "both" ? ["1", "2"] : [mode];
if (values.child) {
  // One tree in this process: its median CPU ms per replay for each mode, as one JSON line.
  const t = await loadTree("tree", values.base ? baseDir : thisTree);
  const med: Record<string, number> = {};
  for (const m of modes) {
    const xs: number[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      const [ms] = await round(t, m);
      if (i >= warmup) xs.push(ms);
    }
    med[m] = median(xs);
  }
  t.pipe.close();
  console.log(JSON.stringify(med));
  Deno.exit(0);
}
if (values.solo !== undefined) {
  await solo(Number(values.solo));
  if (hlCopies > 0) await Deno.remove(fixture, { recursive: true });
  Deno.exit(0);
}

const base = await loadTree("base", baseDir);
const cur = await loadTree("new", thisTree);
const trees = [base, cur];
const res: Record<string, number[]> = {};
for (const t of trees) for (const m of modes) res[`${t.name}${m}`] = [];

async function round(t: Tree, m: string): Promise<[number, number]> {
  const c0 = cpuMs();
  const bytes = m === "1" ? await t.replay1() : (await t.pipe.replay(t.files, { format: "bincode" })).bytes;
  return [cpuMs() - c0, bytes];
}

const expected = new Map<string, number>();
for (let i = 0; i < warmup + rounds; i++) {
  const order = i % 2 === 0 ? trees : [cur, base];
  for (const m of modes) {
    for (const t of order) {
      const [ms, bytes] = await round(t, m);
      const prev = expected.get(m);
      if (prev === undefined) expected.set(m, bytes);
      else if (prev !== bytes) throw new Error(`output sizes differ (${m} thread): ${prev} vs ${bytes}`);
      if (i >= warmup) res[`${t.name}${m}`]!.push(ms);
    }
  }
}
for (const t of trees) t.pipe.close();
if (hlCopies > 0) await Deno.remove(fixture, { recursive: true });

report(
  `${rounds} rounds after ${warmup} warm-up, alternating`,
  "process CPU ms (user+sys, all threads), medians",
  res,
  {},
);

// `--solo N`: N processes per tree, alternately; each reports its medians (`--child`).
async function solo(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--solo must be a positive integer, got ${values.solo}`);
    Deno.exit(2);
  }
  const self = new URL(import.meta.url).pathname;
  const child = async (isBase: boolean): Promise<Record<string, number>> => {
    const args = ["run", "-A", self, baseDir!, "--child", "--mode", mode, "--rounds", String(rounds)];
    args.push("--warmup", String(warmup), "--fixture", fixture);
    if (isBase) args.push("--base");
    const out = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit" }).output();
    if (!out.success) throw new Error(`a ${isBase ? "baseline" : "new"} process failed (exit ${out.code})`);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    return JSON.parse(lines[lines.length - 1]!);
  };
  const got: Record<string, number[]> = {};
  for (const m of modes) got[`base${m}`] = [], got[`new${m}`] = [];
  for (let i = 0; i < n; i++) {
    for (const isBase of i % 2 === 0 ? [true, false] : [false, true]) {
      const med = await child(isBase);
      for (const m of modes) got[`${isBase ? "base" : "new"}${m}`]!.push(med[m]!);
    }
  }
  report(
    `${n} processes per tree, alternating, each ${rounds} rounds after ${warmup} warm-up`,
    "process CPU ms per replay (user+sys, all threads), medians of the processes' medians",
    got,
    { solo: n },
    true,
  );
}

// The table and the JSON line: per mode the medians of `samples` (`base1`, `new1`, …) and their
// ratio; `pairs`: also each sample's ratio to the baseline's sample of the same index.
function report(
  how: string,
  what: string,
  samples: Record<string, number[]>,
  extra: Record<string, number>,
  pairs = false,
): void {
  const load = Deno.readTextFileSync("/proc/loadavg").trim();
  const input = hlCopies > 0 ? `Hyperliquid × ${hlCopies}` : "ETHUSDT";
  console.log(`baseline ${baseDir} vs ${thisTree}; ${input}; ${how};`);
  console.log(`${what}; load ${load}`);
  const out: Record<string, number> = {};
  for (const m of modes) {
    const bs = samples[`base${m}`]!;
    const ns = samples[`new${m}`]!;
    const b = out[`base${m}`] = median(bs);
    const v = out[`new${m}`] = median(ns);
    const each = pairs ? ` (per pair: ${ns.map((x, i) => (x / bs[i]!).toFixed(3)).join(" ")})` : "";
    console.log(
      `${m} thread${m === "1" ? " " : "s"}: base ${b.toFixed(1)} ms, new ${v.toFixed(1)} ms, new/base ${
        (v / b).toFixed(3)
      }${each}`,
    );
  }
  console.log(JSON.stringify({ bench: "replay_ab", ...extra, rounds, warmup, load, ...out }));
}
