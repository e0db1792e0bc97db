/**
 * A/B of the `Logger.latency` producer cost in a poll scope (the engine's path: `beginPoll`,
 * `batch` × `latency`, `endPoll`): this tree against another tree of the repo (a baseline
 * commit checked out as a worktree, e.g. `git worktree add /tmp/lbase <commit>`), in ONE
 * process. Each tree's `engine/logger.ts` is imported by absolute path, each side has its own
 * ring; rounds run A, B, B, A (a drift within the round cancels) and the figure is the median of
 * the per-round differences B − A in ns per record (`_paired.ts`), with its spread.
 *
 * `--control` runs the baseline on both sides (A/A): its figure is the method's own bias.
 * The ring holds `--capacity` records (default 8192: the logger's, `engine/logger_host.ts`).
 * Two drains: `worker` (a Worker drains each ring, cross-core, as in production; every batch
 * starts with an empty ring, the wait untimed) and `local` (the ring is drained on this thread
 * between batches, untimed: the producer code alone).
 *
 *   deno run --config bench/deno.json --allow-read --allow-sys=loadavg --allow-ffi \
 *     bench/logger_ab.ts /tmp/lbase [--rounds N] [--batch N] [--capacity N] [--drain worker|local|both]
 *
 * `--once [--base] --records N`: write N records in poll scopes of `--batch` on one thread
 * (local drain) with this tree's logger (the baseline's with `--base`) and exit, for instruction
 * counts (repeatable on a loaded machine): the count at N = 1.2M minus the count at N = 0.2M, over
 * 1M, is one warm record:
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file deno run --config bench/deno.json \
 *     --allow-read --allow-sys=loadavg --v8-flags=--single-threaded \
 *     bench/logger_ab.ts /tmp/lbase --once --records 1200000
 * @module
 */
import { parseArgs } from "node:util";
import { formatPaired, pairedStats } from "./_paired.ts";
import { ConsumerWorker } from "./_ring_throughput.ts";
import { ffiGranted, pinThisThread } from "./_pin.ts";
import type { ConsumerDone } from "./_ring_worker.ts";

const USAGE =
  "usage: deno run --allow-read --allow-sys=loadavg [--allow-ffi] bench/logger_ab.ts <baseline tree>\n" +
  "  [--rounds N] [--batch N] [--capacity N] [--drain worker|local|both] [--control]\n" +
  "  | --once [--base] --records N";

function flags() {
  try {
    return parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        rounds: { type: "string", default: "4000" },
        batch: { type: "string", default: "1000" },
        capacity: { type: "string", default: "8192" },
        drain: { type: "string", default: "both" },
        once: { type: "boolean", default: false },
        control: { type: "boolean", default: false },
        base: { type: "boolean", default: false },
        records: { type: "string", default: "1000000" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    console.error(`logger_ab: ${e instanceof Error ? e.message : e}\n${USAGE}`);
    Deno.exit(2);
  }
}
const { values, positionals } = flags();
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const baseDir = positionals[0];
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const capacity = Number(values.capacity);
const records = Number(values.records);
const drain = values.drain;
if (
  baseDir === undefined || !Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(batch) || batch < 1 ||
  batch > capacity / 2 || !(capacity >= 2 && (capacity & (capacity - 1)) === 0) ||
  !Number.isInteger(records) || records < 1 || !["worker", "local", "both"].includes(drain)
) {
  console.error(
    baseDir === undefined
      ? "logger_ab: give the baseline tree (a worktree of the commit to compare with)"
      : "logger_ab: --rounds, --batch (at most half of --capacity) and --records must be positive " +
        "integers, --capacity a power of two, --drain worker, local or both",
  );
  console.error(USAGE);
  Deno.exit(2);
}
const baseRoot = baseDir.endsWith("/") ? baseDir : baseDir + "/";
try {
  Deno.statSync(baseRoot + "engine/logger.ts");
} catch {
  console.error(`logger_ab: ${baseRoot}engine/logger.ts not found (make a worktree of the baseline there)`);
  Deno.exit(2);
}
const thisRoot = new URL("../", import.meta.url).pathname;

/** The part of either tree's Logger this bench drives. */
interface LoggerLike {
  readonly ring: { len(): number; close(): void };
  intern(name: string): number;
  beginPoll(): void;
  endPoll(): void;
  latency(label: number, ns: number, source?: number): boolean;
  dropped(): number;
}
type LoggerCtor = new (sab: SharedArrayBuffer) => LoggerLike;
interface Tree {
  Logger: LoggerCtor;
  createRingBuffer(o: { capacity: number; recordSize: number }): SharedArrayBuffer;
  RingConsumer: new (sab: SharedArrayBuffer) => { available(): number; release(n: number): void };
  RECORD_SIZE: number;
}
async function load(root: string): Promise<Tree> {
  const lg = await import(root + "engine/logger.ts");
  const sp = await import(root + "spsc/mod.ts");
  const ev = await import(root + "engine/events.ts");
  return {
    Logger: lg.Logger,
    createRingBuffer: sp.createRingBuffer,
    RingConsumer: sp.RingConsumer,
    RECORD_SIZE: ev.RECORD_SIZE,
  };
}

/** One side: a tree's logger on its own ring, drained by a Worker or on this thread. */
class Side {
  readonly logger: LoggerLike;
  readonly label: number;
  readonly source: number;
  readonly local: { available(): number; release(n: number): void } | undefined;
  v = 0;
  constructor(t: Tree, readonly worker: ConsumerWorker | undefined, readonly sab: SharedArrayBuffer) {
    this.logger = new t.Logger(sab);
    this.label = this.logger.intern("bench");
    this.source = this.logger.intern("bench:source");
    this.local = worker ? undefined : new t.RingConsumer(sab);
    if (this.local) this.local.release(this.local.available()); // the two Intern records
  }
  /** One timed poll scope of `batch` records: ns per record. */
  run(): number {
    const lg = this.logger;
    if (this.worker) { while (lg.ring.len() !== 0) { /* the Worker is draining (untimed) */ } }
    const label = this.label;
    const source = this.source;
    let v = this.v;
    const t0 = performance.now();
    lg.beginPoll();
    for (let j = 0; j < batch; j++) lg.latency(label, v++, source);
    lg.endPoll();
    const t1 = performance.now();
    this.v = v;
    if (this.local) this.local.release(this.local.available());
    return ((t1 - t0) * 1e6) / batch;
  }
  /** Times the Worker found the ring empty and waited (spun, then slept), over the run. */
  waits = 0;
  async finish(): Promise<void> {
    const lg = this.logger;
    lg.ring.close();
    if (lg.dropped() !== 0) throw new Error(`${lg.dropped()} records dropped: the figure would flatter`);
    if (this.worker) {
      const done = await this.worker.next<ConsumerDone>();
      if (done.count !== this.v + 2) {
        throw new Error(`Worker saw ${done.count} records, expected ${this.v + 2}`);
      }
      this.waits = done.waits;
    }
  }
}

// With --allow-ffi: this thread on CPU 0, both sides' Workers on CPU 1, so the scheduler's
// placement of the two Workers cannot favour one side (unpinned, a per-process bias of tens of ns).
const pinned = ffiGranted() && navigator.hardwareConcurrency >= 2 && !values.once && pinThisThread(0);
if (!values.once && !pinned) console.error("logger_ab: unpinned (grant --allow-ffi to pin the threads)");

async function side(t: Tree, useWorker: boolean): Promise<Side> {
  const sab = t.createRingBuffer({ capacity, recordSize: t.RECORD_SIZE });
  const w = useWorker ? new ConsumerWorker() : undefined;
  if (w) await w.start("drain", 0, pinned ? 1 : -1, sab);
  return new Side(t, w, sab);
}

// --control: an A/A run (the baseline on both sides): the method's own bias.
const trees = { base: await load(baseRoot), head: await load(values.control ? baseRoot : thisRoot) };

if (values.once) {
  const s = await side(values.base ? trees.base : trees.head, false);
  for (let n = 0; n < records; n += batch) s.run();
  await s.finish();
  console.log(`${values.base ? "base" : "head"}: ${s.v} records`);
  Deno.exit(0);
}

const out: Record<string, unknown> = {
  bench: values.control ? "logger_aa" : "logger_ab",
  base: baseRoot,
  batch,
  capacity,
  rounds,
  pinned,
};
for (const mode of drain === "both" ? ["local", "worker"] : [drain]) {
  const useWorker = mode === "worker";
  const a = await side(trees.base, useWorker);
  const b = await side(trees.head, useWorker);
  for (let w = 0; w < 300; w++) {
    a.run(); // warm-up (JIT), not recorded
    b.run();
  }
  const ra: number[] = new Array(rounds);
  const rb: number[] = new Array(rounds);
  for (let r = 0; r < rounds; r++) {
    const a1 = a.run();
    const b1 = b.run();
    const b2 = b.run();
    const a2 = a.run();
    ra[r] = (a1 + a2) / 2;
    rb[r] = (b1 + b2) / 2;
  }
  await a.finish();
  await b.finish();
  a.worker?.terminate();
  b.worker?.terminate();
  const s = pairedStats(ra, rb);
  console.log(
    `${mode} drain, batch ${batch}, ring of ${capacity}: base ${s.medianA.toFixed(1)} ns/record, this tree ${
      s.medianB.toFixed(1)
    } ns/record; this − base ${formatPaired(s, "ns/record")}; loadavg ${Deno.loadavg().join(" ")}`,
  );
  if (useWorker) {
    const per = (x: Side) => (x.waits / (2 * rounds + 300)).toFixed(1);
    console.log(
      `  the Worker found the ring empty (and spun or slept) ${per(a)} / ${per(b)} times per batch`,
    );
  }
  out[mode] = s;
}
console.log(JSON.stringify(out));
