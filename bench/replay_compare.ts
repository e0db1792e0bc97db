/**
 * Replay throughput: the end-to-end replay (read lines, byte-scanner parse, BookSync + L2 book,
 * L3 inference, bincode encoding into an in-memory counting sink) against a pass that only
 * reads the same lines and `JSON.parse`s them (same line reader + `TextDecoder`), and against
 * a naive web-streams reader (`TextDecoderStream` + split) + `JSON.parse`.
 *
 * The replay runs three ways: on one thread (`replayCapture`); on two threads with a warm L3
 * Worker (`ReplayPipeline`: parse + book here, L3 + bincode in the Worker, fed through the SPSC
 * ring; the steady-state throughput of a long replay); and on two threads with a Worker spawned
 * per replay (`replayPiped`, what one CLI run of a small capture pays: spawn + cold JIT).
 *
 * Input: the recorded ETHUSDT fixture (diffs + trades), or with `--synthetic N` a synthetic
 * capture of N batches written to a temp dir. Medians of `--rounds` (default 9) after `--warmup`
 * rounds (default 6: the optimizing JIT needs several replays to settle on the replay's code,
 * most of all in the Worker; JSON.parse is native code). The spawn-per-replay rounds are all
 * measured: each pays its own spawn and cold JIT.
 *
 * Hyperliquid: `replay_hl.ts` (`--hl-copies`, default 400, copies of the BTC fixture).
 *
 *   deno run --allow-read --allow-write bench/replay_compare.ts [--rounds 9] [--warmup 6] [--synthetic 20000]
 *
 * Prints a table and, last, one JSON line.
 * @module
 */
import { parseArgs } from "node:util";
import { systemClock } from "../engine/clock.ts";
import { replayCapture } from "../replay/replay.ts";
import { replayPiped, ReplayPipeline } from "../replay/pipeline.ts";
import { type CaptureFiles, resolveSession } from "../replay/reader.ts";
import { BincodeWriter } from "../replay/bincode.ts";
import { CountingTarget } from "../replay/out_buffer.ts";
import { BINCODE_RECORD_SIZE } from "../replay/schema.ts";
import { LineReader } from "../replay/lines.ts";
import { SyntheticMarket } from "../sim/binance/market.ts";
import { FrameKind, ParsedFrame, parseFrameInPlace } from "../venues/binance/parse.ts";
import { BookSync } from "../venues/binance/sync.ts";
import { L2Book } from "../venues/book.ts";
import { readSnapshot } from "../replay/_snapshot.ts";
import { fastDepthLine, fastTradeLine } from "../replay/_fast_frame.ts";
import { ETH_DIR } from "./_eth_fixture.ts";
import { hlJson, hlRounds, median, printHl } from "./replay_hl.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string" },
    warmup: { type: "string" },
    synthetic: { type: "string" },
    "hl-copies": { type: "string" },
  },
});
const rounds = Number(values.rounds ?? 9);
const warmup = Number(values.warmup ?? 6);
const FIXTURE = ETH_DIR.pathname;

async function syntheticSession(batches: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "replay_bench_" });
  const m = new SyntheticMarket({ seed: 11, eventsPerBatch: 40, initialLevels: 400 });
  let snap = "";
  const diffs: string[] = [];
  const trades: string[] = [];
  for (let i = 0; i < batches; i++) {
    if (i === 2) snap = m.snapshotJson(5000); // after the first diffs, as a live fetch would be
    const b = m.step();
    if (b.depth) diffs.push(`{"stream":"btcusdt@depth@100ms","data":${b.depth}}`);
    for (const t of b.trades) trades.push(`{"stream":"btcusdt@trade","data":${t}}`);
  }
  await Deno.writeTextFile(`${dir}/snapshot.json`, snap);
  await Deno.writeTextFile(`${dir}/diffs.jsonl`, diffs.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/trades.jsonl`, trades.join("\n") + "\n");
  return dir;
}

async function replayRound(files: CaptureFiles): Promise<{ ns: number; lines: number; events: number }> {
  const target = new CountingTarget();
  const w = new BincodeWriter(target);
  const t0 = systemClock.monoNs();
  const s = await replayCapture(files, { sink: w, clock: systemClock });
  w.flush();
  const ns = systemClock.monoNs() - t0;
  if (target.bytes !== s.totalEvents * BINCODE_RECORD_SIZE) throw new Error("bincode byte count mismatch");
  return { ns, lines: s.diffLines + s.tradeLines, events: s.totalEvents };
}

/** The two-thread replay into a counting sink in the Worker (`pipe`: a warm Worker; else a new one). */
async function pipedRound(
  files: CaptureFiles,
  pipe?: ReplayPipeline,
): Promise<{ ns: number; lines: number }> {
  const opts = { format: "bincode" as const, clock: systemClock };
  const t0 = systemClock.monoNs();
  const r = pipe ? await pipe.replay(files, opts) : await replayPiped(files, opts);
  const ns = systemClock.monoNs() - t0;
  if (r.bytes !== r.stats.totalEvents * BINCODE_RECORD_SIZE) throw new Error("bincode byte count mismatch");
  return { ns, lines: r.stats.diffLines + r.stats.tradeLines };
}

/**
 * Stages of the replay alone: scan only (the replay's fast line path with the general scanner as
 * fallback), or scan + BookSync + L2 book (no L3, no output).
 */
async function stageRound(files: CaptureFiles, withBook: boolean): Promise<{ ns: number; lines: number }> {
  const frame = new ParsedFrame(1024);
  const book = new L2Book(4096);
  const sync = new BookSync(book);
  const snap = await readSnapshot(files.snapshots[0]!.path);
  if (typeof snap === "string") throw new Error(snap);
  let lines = 0;
  let depth = 0;
  const t0 = systemClock.monoNs();
  for (const p of [files.diffs, ...(files.trades ? [files.trades] : [])]) {
    const r = await LineReader.open(p, 1 << 20);
    const fast = p === files.diffs ? fastDepthLine : fastTradeLine;
    for (;;) {
      // As the replay does: the strict fast path finds the line end, else the general scanner.
      let kind: FrameKind;
      const nl = fast(r.buf, r.cursor, r.filled, frame);
      if (nl >= 0) {
        r.advanceTo(nl);
        kind = p === files.diffs ? FrameKind.Depth : FrameKind.Trade;
      } else if (r.next() || (await r.nextLine())) kind = parseFrameInPlace(r.buf, r.start, r.end, frame);
      else break;
      lines++;
      if (kind !== FrameKind.Depth || !withBook) continue;
      depth++;
      sync.onDiff(frame.diff);
      if (sync.needsSnapshot) {
        sync.snapshotRequested();
        sync.onSnapshot(snap);
      }
    }
    await r.close();
  }
  const ns = systemClock.monoNs() - t0;
  if (withBook && sync.applied + sync.skipped < depth - 2) throw new Error("sync lost diffs");
  return { ns, lines };
}

async function jsonRound(paths: string[]): Promise<{ ns: number; lines: number }> {
  const dec = new TextDecoder();
  let lines = 0;
  let sink = 0;
  const t0 = systemClock.monoNs();
  for (const p of paths) {
    const r = await LineReader.open(p, 1 << 20);
    while (r.next() || (await r.nextLine())) {
      const o = JSON.parse(dec.decode(r.buf.subarray(r.start, r.end)));
      sink += o.data ? 1 : 0;
      lines++;
    }
    await r.close();
  }
  const ns = systemClock.monoNs() - t0;
  if (sink < 0) console.log(sink);
  return { ns, lines };
}

async function naiveRound(paths: string[]): Promise<{ ns: number; lines: number }> {
  let lines = 0;
  let sink = 0;
  const t0 = systemClock.monoNs();
  for (const p of paths) {
    const f = await Deno.open(p);
    let rest = "";
    for await (const chunk of f.readable.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const l of parts) {
        const o = JSON.parse(l);
        sink += o.data ? 1 : 0;
        lines++;
      }
    }
  }
  const ns = systemClock.monoNs() - t0;
  if (sink < 0) console.log(sink);
  return { ns, lines };
}

const synthetic = values.synthetic !== undefined ? Number(values.synthetic) : undefined;
let dir = FIXTURE;
let tmp: string | undefined;
if (synthetic !== undefined) dir = tmp = await syntheticSession(synthetic);
else {
  try {
    Deno.statSync(FIXTURE + "diffs.jsonl");
  } catch {
    console.warn(`fixture ${FIXTURE} absent: using a synthetic capture of 20000 batches`);
    dir = tmp = await syntheticSession(20000);
  }
}
const files = await resolveSession(dir);
const paths = [files.diffs, ...(files.trades ? [files.trades] : [])];
let bytes = 0;
for (const p of paths) bytes += (await Deno.stat(p)).size;

const res = {
  replay: [] as number[],
  piped: [] as number[],
  pipedCold: [] as number[],
  json: [] as number[],
  naive: [] as number[],
  scan: [] as number[],
  book: [] as number[],
};
let lines = 0;
let events = 0;
const pipe = new ReplayPipeline();
for (let i = 0; i < warmup + rounds; i++) {
  const a = await replayRound(files);
  const p = await pipedRound(files, pipe);
  const b = await jsonRound(paths);
  const c = await naiveRound(paths);
  const d = await stageRound(files, false);
  const e = await stageRound(files, true);
  if (
    b.lines !== a.lines || c.lines !== a.lines || d.lines !== a.lines || e.lines !== a.lines ||
    p.lines !== a.lines
  ) {
    throw new Error(`line counts differ: ${a.lines} ${b.lines} ${c.lines} ${d.lines} ${e.lines} ${p.lines}`);
  }
  lines = a.lines;
  events = a.events;
  if (i < warmup) continue;
  res.replay.push(a.ns);
  res.piped.push(p.ns);
  res.json.push(b.ns);
  res.naive.push(c.ns);
  res.scan.push(d.ns);
  res.book.push(e.ns);
}
pipe.close();
// Spawn-per-replay rounds last: a terminated Worker's teardown would disturb the rounds above.
for (let i = 0; i < rounds; i++) {
  const q = await pipedRound(files);
  if (q.lines !== lines) throw new Error(`line counts differ: ${q.lines} ${lines}`);
  res.pipedCold.push(q.ns);
}
if (tmp) await Deno.remove(tmp, { recursive: true });
// Hyperliquid: the one driver on a capture of back-to-back copies of the BTC fixture.
const hl = await hlRounds(Number(values["hl-copies"] ?? 400), warmup, rounds);

const row = (name: string, ns: number) =>
  `| ${name.padEnd(46)} | ${(ns / 1e6).toFixed(1).padStart(8)} | ${
    ((lines * 1e9) / ns / 1e3).toFixed(0).padStart(8)
  } | ${((bytes / 1e6) / (ns / 1e9)).toFixed(1).padStart(7)} |`;
const mR = median(res.replay);
const mP = median(res.piped);
const mC = median(res.pipedCold);
const mJ = median(res.json);
const mN = median(res.naive);
const mS = median(res.scan);
const mB = median(res.book);
console.log(
  `input: ${dir} (${lines} lines, ${
    (bytes / 1e6).toFixed(1)
  } MB; ${events} events); ${rounds} rounds after ${warmup} warm-up rounds, medians`,
);
console.log(
  `| ${"pass".padEnd(46)} | ${"ms".padStart(8)} | ${"klines/s".padStart(8)} | ${"MB/s".padStart(7)} |`,
);
console.log(`|${"-".repeat(48)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(9)}|`);
console.log(row("replay, 1 thread: scan+sync+book+L3+bincode", mR));
console.log(row("replay, 2 threads: warm L3 Worker (ring)", mP));
console.log(row("replay, 2 threads: Worker spawned per replay", mC));
console.log(row("baseline: same line reader + JSON.parse only", mJ));
console.log(row("baseline: TextDecoderStream split + JSON.parse", mN));
console.log(row("stage: line reader + byte-scanner parse", mS));
console.log(row("stage: + BookSync + L2 book (no L3/output)", mB));
console.log(
  `speedup vs JSON.parse-only (target >= 2x): 2 threads, warm Worker ${(mJ / mP).toFixed(2)}x; ` +
    `1 thread ${(mJ / mR).toFixed(2)}x; 2 threads, Worker spawned per replay ${(mJ / mC).toFixed(2)}x`,
);
console.log(
  `1 thread vs naive: ${(mN / mR).toFixed(2)}x; scan-only vs JSON.parse-only: ${(mJ / mS).toFixed(2)}x`,
);
if (hl) printHl(hl);
console.log(JSON.stringify({
  bench: "replay_compare",
  input: synthetic !== undefined || tmp ? "synthetic" : "ethusdt-fixture",
  lines,
  bytes,
  events,
  rounds,
  replayMs: mR / 1e6,
  pipedWarmMs: mP / 1e6,
  pipedSpawnMs: mC / 1e6,
  jsonParseMs: mJ / 1e6,
  naiveMs: mN / 1e6,
  scanOnlyMs: mS / 1e6,
  scanBookMs: mB / 1e6,
  speedupVsJsonParse: mJ / mR,
  pipedWarmSpeedupVsJsonParse: mJ / mP,
  pipedSpawnSpeedupVsJsonParse: mJ / mC,
  speedupVsNaive: mN / mR,
  scanOnlySpeedupVsJsonParse: mJ / mS,
  targetsMet: { replay2x: mJ / mP >= 2 },
  hl: hl && hlJson(hl),
}));
