/**
 * Parse + apply cost per Binance depth diff on real ETHUSDT data (../shared/fixtures, read in
 * place), ours against peer libraries, each driven the way it drives itself:
 * - ours: `parseFrame` (byte scanner, integers × 10^8) + `BookSync.onDiff` on an `L2Book`.
 * - ccxt and tardis-dev as `_binance_peers.ts` drives them (JSON.parse + each library's own
 *   sequence checks, mapper and book).
 * - JSON.parse alone: the floor any JSON-based client pays.
 *
 * Every round starts from a fresh book synchronised on the snapshot (untimed) and times the
 * 6467 diffs after it. Reports medians over rounds in µs/diff, the ratios, and a final JSON line.
 *
 * The subscriber's own cost (tens of ns, far below the round-to-round noise of the medians
 * above) is measured apart, in paired rounds (`_subscriber_cost.ts`): a no-op sink alone against
 * the same sink and a no-op subscriber, A/B/B/A on short chunks of the same diffs, the median of
 * the per-round differences with its spread.
 *
 * Run: `deno run --allow-read --allow-env --allow-sys bench/binance_compare.ts [--iterations N]
 * [--sub-rounds N]`
 * @module
 */
import { parseArgs } from "node:util";
import { L2Book } from "../venues/book.ts";
import { DiffResult, FrameKind, ParsedFrame, parseFrame } from "../venues/binance/mod.ts";
import { loadEthFixture, SYNC_AT, syncedBook } from "./_eth_fixture.ts";
import { emitDepthDiff } from "../venues/binance/emit.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { MarketStream } from "../market/stream.ts";
import type { RecordBatch } from "../market/record.ts";
import { formatPaired } from "./_paired.ts";
import { subscriberCost } from "./_subscriber_cost.ts";
import { runCcxt, runTardis, type Top } from "./_binance_peers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    iterations: { type: "string", default: "9" },
    "sub-rounds": { type: "string", default: "10000" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: deno run --allow-read --allow-env --allow-sys bench/binance_compare.ts " +
      "[--iterations N] [--sub-rounds N]",
  );
  Deno.exit(0);
}
const ROUNDS = Number(values.iterations);
const SUB_ROUNDS = Number(values["sub-rounds"]);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(SUB_ROUNDS) || SUB_ROUNDS < 1) {
  console.error("--iterations and --sub-rounds must be positive integers");
  Deno.exit(2);
}

/** Diffs per chunk of the paired subscriber rounds (short: a chunk is rarely preempted). */
const SUB_CHUNK = 16;

function loadavg(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch {
    return "n/a";
  }
}

const fx = loadEthFixture("binance_compare (nothing to measure)");
if (fx === undefined) Deno.exit(0);
const { diffs, snapshotText } = fx;
const TIMED = diffs.length - SYNC_AT;

type Runner = { name: string; run(): Top };

// --- ours --------------------------------------------------------------------------------
function runOurs(): Top {
  const book = new L2Book();
  const sync = syncedBook(snapshotText, diffs, book);
  const pf = new ParsedFrame();
  const t0 = performance.now();
  for (let i = SYNC_AT; i < diffs.length; i++) {
    if (parseFrame(diffs[i]!, pf) === FrameKind.Depth && sync.onDiff(pf.diff) !== DiffResult.Applied) {
      throw new Error("ours: not applied");
    }
  }
  record("ours", performance.now() - t0);
  return {
    bid: book.bids.bestPrice() / 1e8,
    bidQty: book.bids.bestQty() / 1e8,
    ask: book.asks.bestPrice() / 1e8,
    askQty: book.asks.bestQty() / 1e8,
  };
}

// --- ours + normalized records (what a handler with a subscriber or a sink does) ----------
let seen = 0;
const noopSink = {
  write(b: RecordBatch): void {
    seen += b.count + b.u32[0]!; // reads the bytes, as a ring writer does
  },
};
function runOursRecords(name: "oursSink" | "oursSub"): Top {
  const book = new L2Book();
  const sync = syncedBook(snapshotText, diffs, book);
  const inst = new InstrumentTable().add("binance", "spot", "ETHUSDT", 8, 8);
  const stream = new MarketStream(inst, book);
  if (name === "oursSink") stream.addSink(noopSink);
  else stream.subscribe(() => seen++);
  const pf = new ParsedFrame();
  const t0 = performance.now();
  for (let i = SYNC_AT; i < diffs.length; i++) {
    if (parseFrame(diffs[i]!, pf) === FrameKind.Depth && sync.onDiff(pf.diff) === DiffResult.Applied) {
      emitDepthDiff(stream, pf.diff, 1_723_161_255, 211_402_113);
    } else throw new Error(`${name}: not applied`);
  }
  record(name, performance.now() - t0);
  return {
    bid: book.bids.bestPrice() / 1e8,
    bidQty: book.bids.bestQty() / 1e8,
    ask: book.asks.bestPrice() / 1e8,
    askQty: book.asks.bestQty() / 1e8,
  };
}

// --- JSON.parse floor --------------------------------------------------------------------
let sink = 0;
function runJson(): Top {
  const t0 = performance.now();
  for (let i = SYNC_AT; i < diffs.length; i++) sink += JSON.parse(diffs[i]!).data.u & 1;
  record("jsonParse", performance.now() - t0);
  return { bid: NaN, bidQty: NaN, ask: NaN, askQty: NaN };
}

const samples: Record<string, number[]> = {
  ours: [],
  oursSink: [],
  oursSub: [],
  ccxt: [],
  tardis: [],
  jsonParse: [],
};
let recording = false;
function record(name: string, ms: number): void {
  if (recording) samples[name]!.push((ms * 1000) / TIMED);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const runners: Runner[] = [
  { name: "ours", run: runOurs },
  { name: "ccxt", run: () => runCcxt(snapshotText, diffs, record) },
  { name: "tardis", run: () => runTardis(snapshotText, diffs, record) },
  { name: "jsonParse", run: runJson },
  { name: "oursSink", run: () => runOursRecords("oursSink") },
  { name: "oursSub", run: () => runOursRecords("oursSub") },
];

// Warm up (JIT) and check that all three books agree on the final top.
for (let w = 0; w < 2; w++) {
  const tops = [...runners.slice(0, 3), ...runners.slice(4)].map((r) => r.run());
  for (const t of tops.slice(1)) {
    if (
      t.bid !== tops[0]!.bid || t.bidQty !== tops[0]!.bidQty || t.ask !== tops[0]!.ask ||
      t.askQty !== tops[0]!.askQty
    ) {
      throw new Error(`final tops differ: ${JSON.stringify(tops)}`);
    }
  }
  runJson();
}
recording = true;
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < runners.length; k++) runners[(r + k) % runners.length]!.run();
}

const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
  string,
  number
>;
const ours = med.ours!;
const rows: [string, number, string][] = [
  ["ours (parseFrame + BookSync/L2Book)", ours, "1.00"],
  ["ccxt 4.5.84 (JSON.parse + handleOrderBookMessage)", med.ccxt!, (med.ccxt! / ours).toFixed(2)],
  ["tardis-dev 13.35.3 (JSON.parse + mapper + OrderBook)", med.tardis!, (med.tardis! / ours).toFixed(2)],
  ["JSON.parse only (floor for JSON clients)", med.jsonParse!, (med.jsonParse! / ours).toFixed(2)],
  ["ours + normalized records to a no-op sink", med.oursSink!, (med.oursSink! / ours).toFixed(2)],
  ["ours + records + a no-op in-process subscriber", med.oursSub!, (med.oursSub! / ours).toFixed(2)],
];
console.log(`Binance ETHUSDT depth@100ms, ${TIMED} diffs/round, ${ROUNDS} rounds, medians`);
console.log(`| implementation | µs/diff | × ours |`);
console.log(`|---|---:|---:|`);
for (const [n, v, x] of rows) console.log(`| ${n} | ${v.toFixed(3)} | ${x} |`);
const withRecords = med.oursSub!;
const ccxtRatio = med.ccxt! / withRecords;
const tardisRatio = med.tardis! / withRecords;
const overhead = withRecords / ours - 1;
console.log(
  `subscriber cost, paired (${SUB_ROUNDS} rounds A/B/B/A, chunks of ${SUB_CHUNK} diffs; ` +
    `loadavg ${loadavg()})…`,
);
const sub = subscriberCost(diffs, snapshotText, SUB_ROUNDS, SUB_CHUNK);
const subNs = sub.ns.median;
const subMet = sub.ns.ciHigh <= 50; // the whole 95% interval of the median under the target
console.log(
  `subscriber cost per message (a no-op sink + a no-op subscriber − the sink alone): ${
    formatPaired(sub.ns, "ns")
  }; target ≤ 50 ns: ${
    subMet ? "met" : "NOT met"
  } (met = the CI's upper bound under it); loadavg ${loadavg()}`,
);
console.log(
  `targets (ours = with records and a subscriber): ccxt/ours ${ccxtRatio.toFixed(1)}× ` +
    `(≥10× ${ccxtRatio >= 10 ? "met" : "NOT met"}), tardis/ours ${tardisRatio.toFixed(1)}× ` +
    `(≥5× ${tardisRatio >= 5 ? "met" : "NOT met"}), records over parse+apply ${
      (overhead * 100).toFixed(1)
    }% ` +
    `(≤10% ${overhead <= 0.1 ? "met" : "NOT met"}), subscriber ${subNs.toFixed(1)} ns/message paired ` +
    `(≤50 ns ${subMet ? "met" : "NOT met"}), JSON.parse/ours ${(med.jsonParse! / ours).toFixed(2)}×`,
);
console.log(JSON.stringify({
  bench: "binance_compare",
  diffs: TIMED,
  rounds: ROUNDS,
  usPerDiff: {
    ours,
    oursRecordsSink: med.oursSink,
    oursRecordsSubscriber: med.oursSub,
    ccxt: med.ccxt,
    tardis: med.tardis,
    jsonParse: med.jsonParse,
  },
  ratios: {
    ccxtOverOurs: ccxtRatio,
    tardisOverOurs: tardisRatio,
    jsonParseOverOurs: med.jsonParse! / ours,
    recordsOverhead: overhead,
  },
  subscriberNsPerMessage: { ...sub.ns, chunk: SUB_CHUNK, target: "<= 50 (CI upper bound)" },
  targetsMet: {
    ccxt10x: ccxtRatio >= 10,
    tardis5x: tardisRatio >= 5,
    recordsWithin10pct: overhead <= 0.1,
    subscriber50ns: subMet,
  },
  sink: (sink + seen) & 1,
}));
