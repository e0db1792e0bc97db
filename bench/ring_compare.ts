/**
 * Ring comparison (issue 2): throughput main thread → Worker of 64-byte event records through
 * our SPSC ring (two ways: batched `commit()` with `flushEvery` 32 — the Logger's path inside
 * a poll — and `publish()` per record) vs `postMessage` (one event object per call) vs
 * `npm:ringbuf.js`, all in one run, several rounds each, every round verified (the consumer
 * checks the sequence of every record); then the producer cost of `Logger.latency` in ns per
 * record, inside a poll scope (the engine's path) and outside one.
 *
 * Prints tables and, as the last stdout line, one JSON object (`{"bench":"ring",...}`, see
 * `run.ts`). With `--allow-ffi` it also repeats the throughput rounds with main pinned to
 * CPU 0 and the Worker to CPU 1 (`sched_setaffinity`), and reports both.
 *
 * Run: `deno run --allow-read --allow-ffi bench/ring_compare.ts [--quick] [--help]`
 * @module
 */
import { parseArgs } from "node:util";
import { systemClock } from "../engine/clock.ts";
import {
  clockCost,
  constantClock,
  type CostResult,
  LOGGER_RING_CAPACITY,
  producerCost,
} from "./_producer_cost.ts";
import { ffiGranted, pinThisThread } from "./_pin.ts";
import {
  ConsumerWorker,
  FLUSH_EVERY,
  type Round,
  roundBatched,
  roundPostMessage,
  roundPublish,
  roundRingbuf,
} from "./_ring_throughput.ts";
import { type BenchRatio, type BenchResult, median, si, table } from "./_stats.ts";

const USAGE = `ring_compare.ts — our SPSC ring vs postMessage vs ringbuf.js, and Logger producer cost

Options:
  --rounds N        ring rounds per transport (default 5; --quick 3)
  --records N       records per ring round (default 10000000; --quick 2000000)
  --pm-rounds N     postMessage rounds (default 3; --quick 2)
  --pm-records N    records per postMessage round (default 500000; --quick 100000)
  --batches N       producer-cost batches per variant (default 20000; --quick 3000)
  --batch N         records per producer-cost batch (default 1000, at most 4096: the ring holds 8192)
  --pin MODE        off | on | both (default: both when --allow-ffi is granted, else off)
  --quick           fewer/smaller rounds
  --help            this text`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string" },
    records: { type: "string" },
    "pm-rounds": { type: "string" },
    "pm-records": { type: "string" },
    batches: { type: "string" },
    batch: { type: "string" },
    pin: { type: "string" },
    quick: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
function int(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got ${v}\n\n${USAGE}`);
    Deno.exit(2);
  }
  return n;
}
const q = values.quick;
const rounds = int(values.rounds, q ? 3 : 5, "rounds");
const records = int(values.records, q ? 2_000_000 : 10_000_000, "records");
const pmRounds = int(values["pm-rounds"], q ? 2 : 3, "pm-rounds");
const pmRecords = int(values["pm-records"], q ? 100_000 : 500_000, "pm-records");
const batches = int(values.batches, q ? 3_000 : 20_000, "batches");
const batch = int(values.batch, 1000, "batch");
if (batch > LOGGER_RING_CAPACITY / 2) {
  console.error(`--batch must be at most ${LOGGER_RING_CAPACITY / 2} (half the logger's ring), got ${batch}`);
  Deno.exit(2);
}
const canPin = ffiGranted() && navigator.hardwareConcurrency >= 2;
const pinMode = values.pin ?? (canPin ? "both" : "off");
if (!["off", "on", "both"].includes(pinMode)) {
  console.error(`--pin must be off, on or both, got ${pinMode}`);
  Deno.exit(2);
}
if (pinMode !== "off" && !canPin) {
  console.error("--pin needs --allow-ffi and at least 2 CPUs; running unpinned");
}
const pinSets = !canPin ? [false] : pinMode === "both" ? [false, true] : [pinMode === "on"];

const results: BenchResult[] = [];
const ratios: BenchRatio[] = [];
let allOk = true;

type RoundFn = (w: ConsumerWorker, n: number, pin: number) => Promise<Round>;

async function measure(name: string, fn: RoundFn, n: number, k: number, pin: number): Promise<BenchResult> {
  const w = new ConsumerWorker();
  try {
    await fn(w, Math.max(1000, Math.floor(n / 10)), pin); // warm-up, not counted
    const rs: Round[] = [];
    for (let r = 0; r < k; r++) {
      const round = await fn(w, n, pin);
      if (!round.ok) {
        allOk = false;
        console.error(`${name}: round ${r} FAILED verification: ${JSON.stringify(round.done)}`);
      }
      rs.push(round);
      console.error(`  ${name} round ${r + 1}/${k}: ${si(round.rate)} rec/s, stalls ${round.stalls}`);
    }
    const rates = rs.map((x) => x.rate);
    return {
      name,
      unit: "records/s",
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      rounds: k,
      recordsPerRound: n,
      verified: rs.every((x) => x.ok),
      fullRingStalls: rs.map((x) => x.stalls),
      consumerWaits: rs.map((x) => x.done.waits),
      waitTimeouts: rs.reduce((s, x) => s + x.done.timeouts, 0),
      spuriousWakes: rs.reduce((s, x) => s + x.done.spurious, 0),
    };
  } finally {
    w.terminate();
  }
}

for (const pinned of pinSets) {
  const tag = pinned ? "pinned 0/1" : "unpinned";
  const workerCpu = pinned ? 1 : -1;
  if (pinned && !pinThisThread(0)) console.error("could not pin the main thread to CPU 0");
  console.error(`# throughput, ${tag}`);
  const bat = await measure(
    `ours, batched (commit, flushEvery ${FLUSH_EVERY}) (${tag})`,
    roundBatched,
    records,
    rounds,
    workerCpu,
  );
  const pub = await measure(`ours, publish per record (${tag})`, roundPublish, records, rounds, workerCpu);
  const rb = await measure(`ringbuf.js (${tag})`, roundRingbuf, records, rounds, workerCpu);
  const pm = await measure(`postMessage 1/call (${tag})`, roundPostMessage, pmRecords, pmRounds, workerCpu);
  results.push(bat, pub, rb, pm);
  for (const [what, r] of [["batched", bat], ["publish per record", pub]] as const) {
    const vsPm = r.median / pm.median;
    const vsRb = r.median / rb.median;
    ratios.push({
      name: `ours ${what}/postMessage (${tag})`,
      value: vsPm,
      target: ">= 100x",
      met: vsPm >= 100,
    });
    ratios.push({ name: `ours ${what}/ringbuf.js (${tag})`, value: vsRb, target: ">= 5x", met: vsRb >= 5 });
  }
}

console.error("# producer cost (Logger.latency)");
const POLL = `in poll scope (beginPoll; ${batch} x latency; endPoll)`;
const OUTSIDE = "outside poll (clock read + publish per record)";
const cost: [string, CostResult][] = [];
{
  const w = new ConsumerWorker();
  const pin = pinSets.includes(true) ? 1 : -1;
  try {
    // Warm up every variant once so the figures below are steady-state JIT code.
    for (const path of ["poll", "outside"] as const) {
      for (const clock of [systemClock, constantClock]) {
        await producerCost(path, clock, 200, batch, undefined, -1);
      }
    }
    await producerCost("poll", systemClock, 200, batch, w, pin);
    cost.push([
      `${POLL}, system clock, Worker drains`,
      await producerCost("poll", systemClock, batches, batch, w, pin),
    ]);
    cost.push([
      `${OUTSIDE}, system clock, Worker drains`,
      await producerCost("outside", systemClock, batches, batch, w, pin),
    ]);
    cost.push([
      `${POLL}, constant clock, Worker drains`,
      await producerCost("poll", constantClock, batches, batch, w, pin),
    ]);
    cost.push([
      `${OUTSIDE}, constant clock, Worker drains`,
      await producerCost("outside", constantClock, batches, batch, w, pin),
    ]);
    cost.push([
      `${POLL}, system clock, same-thread drain`,
      await producerCost("poll", systemClock, batches, batch, undefined, -1),
    ]);
    cost.push([
      `${OUTSIDE}, system clock, same-thread drain`,
      await producerCost("outside", systemClock, batches, batch, undefined, -1),
    ]);
  } finally {
    w.terminate();
  }
}
const nowNs = clockCost();
for (const [name, c] of cost) {
  results.push({
    name: `Logger.latency ${name}`,
    unit: "ns/record",
    median: c.p50,
    p90: c.p90,
    rounds: batches,
    batch,
    drops: c.drops,
  });
}
results.push({ name: "performance.now() (systemClock.monoNs)", unit: "ns/call", median: nowNs });
const real = cost[0]![1];
ratios.push({
  name: "producer cost p50, in poll scope, system clock, Worker drains (engine path) ns",
  value: real.p50,
  target: "<= 50 ns",
  met: real.p50 <= 50,
});
const outside = cost[1]![1];
ratios.push({
  name: "producer cost p50, outside poll, system clock, Worker drains ns",
  value: outside.p50,
  target: "(info, no target)",
});

// ---- report ----
console.log("\nThroughput, main thread -> Worker, 64-byte records (median over rounds)\n");
console.log(table(
  ["transport", "median rec/s", "min", "max", "rounds x records", "verified", "full-ring stalls (median)"],
  results.filter((r) => r.unit === "records/s").map((r) => [
    r.name,
    si(r.median),
    si(r.min!),
    si(r.max!),
    `${r.rounds} x ${si(r.recordsPerRound as number)}`,
    r.verified ? "yes" : "NO",
    String(median(r.fullRingStalls as number[])),
  ]),
));
console.log("\nProducer cost per record (batches of " + batch + ", p50/p90 over batches)\n");
console.log(table(
  ["variant", "p50 ns", "p90 ns", "drops"],
  results.filter((r) => r.unit !== "records/s").map((r) => [
    r.name,
    r.median.toFixed(1),
    r.p90 === undefined ? "" : (r.p90 as number).toFixed(1),
    r.drops === undefined ? "" : String(r.drops),
  ]),
));
console.log("\nRatios and targets\n");
console.log(table(
  ["ratio", "value", "target", "met"],
  ratios.map((
    r,
  ) => [r.name, r.value.toFixed(1), r.target ?? "", r.met === undefined ? "" : r.met ? "yes" : "NO"]),
));
console.log(
  "\nFull-ring policy: the producer spins until a slot is free (nothing dropped); each time it found" +
    " the ring full counts as one stall.",
);
const flags = `--allow-read${ffiGranted() ? " --allow-ffi" : ""}`;
console.log(JSON.stringify({
  bench: "ring",
  command: `deno run ${flags} bench/ring_compare.ts ${Deno.args.join(" ")}`.trim(),
  ok: allOk,
  cpus: navigator.hardwareConcurrency,
  results,
  ratios,
}));
if (!allOk) Deno.exit(1);
