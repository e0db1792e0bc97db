/**
 * A/B of the record ring (engine thread → consumer Worker, `market/ring.ts`, 10 records per
 * message, every `seq` checked): this tree against another tree of the repo (a baseline commit
 * checked out as a worktree, e.g. `git worktree add /tmp/rbase <commit>`), in ONE process. Each
 * tree's ring, record batch and reader are imported by absolute path; each side has its own ring
 * and Worker (`_stream_ring_ab_worker.ts`). A round writes `--messages` messages through one side
 * and waits until its Worker has read them all; rounds run A, B, B, A (a drift within the round
 * cancels) and the figure is the median of the per-round differences B − A in ns per record
 * (`_paired.ts`), with both sides' median rates. The producer waits for room (the live writer
 * drops instead; spinning, then napping: `_room.ts`), so these are sustained rates, nothing lost.
 *
 * The Worker reads in place (`read`) where its tree has it, else copies (`poll`); `--copy` makes
 * both sides copy. `--control` runs the baseline on both sides (A/A: the method's own bias);
 * `--head <tree>` puts another tree in place of this one (two past commits against each other).
 * With `--allow-ffi` this thread is pinned to CPU 0 and both Workers to CPU 1.
 *
 *   deno run --config bench/deno.json --allow-read --allow-sys=loadavg [--allow-ffi] \
 *     bench/stream_ring_ab.ts /tmp/rbase [--rounds N] [--messages N] [--copy] [--control] [--head <tree>]
 * @module
 */
import { parseArgs } from "node:util";
import { formatPaired, pairedStats } from "./_paired.ts";
import { ffiGranted, pinThisThread } from "./_pin.ts";
import { waitForRoom } from "./_room.ts";
import type { AbWorkerDone, AbWorkerInit } from "./_stream_ring_ab_worker.ts";

const USAGE = "usage: deno run --allow-read --allow-sys=loadavg [--allow-ffi] bench/stream_ring_ab.ts " +
  "<baseline tree> [--rounds N] [--messages N] [--copy] [--control] [--head <tree>]";
const PER_MSG = 10;
const CAPACITY = 1 << 16;

function flags() {
  try {
    return parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        rounds: { type: "string", default: "200" },
        messages: { type: "string", default: "20000" },
        copy: { type: "boolean", default: false },
        control: { type: "boolean", default: false },
        head: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    console.error(`stream_ring_ab: ${e instanceof Error ? e.message : e}\n${USAGE}`);
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
const messages = Number(values.messages);
if (
  baseDir === undefined || !Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(messages) ||
  messages < 1
) {
  console.error(
    baseDir === undefined
      ? "stream_ring_ab: give the baseline tree (a worktree of the commit to compare with)"
      : "stream_ring_ab: --rounds and --messages must be positive integers",
  );
  console.error(USAGE);
  Deno.exit(2);
}
function treeRoot(dir: string): string {
  const root = new URL(dir.endsWith("/") ? dir : dir + "/", `file://${Deno.cwd()}/`).href;
  try {
    Deno.statSync(new URL("market/ring.ts", root));
  } catch {
    console.error(`stream_ring_ab: ${root}market/ring.ts not found (make a worktree of the commit there)`);
    Deno.exit(2);
  }
  return root;
}
const baseRoot = treeRoot(baseDir);
const thisRoot = values.head === undefined ? new URL("../", import.meta.url).href : treeRoot(values.head);

/** The parts of either tree this bench drives (the same names in every tree since the ring landed). */
interface Tree {
  root: string;
  // deno-lint-ignore no-explicit-any
  ring: any;
  // deno-lint-ignore no-explicit-any
  record: any;
  view: unknown;
}
async function load(root: string): Promise<Tree> {
  const ring = await import(root + "market/ring.ts");
  const record = await import(root + "market/record.ts");
  const bv = await import(root + "market/book_view.ts");
  const ins = await import(root + "market/instrument.ts");
  const bk = await import(root + "venues/book.ts");
  const view = new bv.L2BookView(new bk.L2Book(), new ins.InstrumentTable().add("bench", "spot", "X", 8, 8));
  return { root, ring, record, view };
}

interface Writer {
  write(batch: unknown, view: unknown): void;
  room(): number;
  flush(): void;
  close(): void;
  readonly lostMessages: number;
}
interface Batch {
  begin(h: unknown): void;
  add(flags: number, price: number, qty: number): void;
  finish(empty: boolean): void;
}

/** One side: a tree's writer on its own ring, read by its own Worker. */
class Side {
  readonly wr: Writer;
  readonly batch: Batch;
  readonly h: { kind: number; seq: number };
  seq = 0;
  constructor(readonly t: Tree, readonly worker: Worker, sab: SharedArrayBuffer) {
    this.wr = new t.ring.RecordRingWriter(sab);
    this.batch = new t.record.RecordBatch();
    this.h = t.record.newHeader();
    this.h.kind = t.record.RecordKind.Update;
  }
  /** One timed round: `messages` messages written and read; ns per record. */
  run(): number {
    const wr = this.wr;
    const b = this.batch;
    const h = this.h;
    const view = this.t.view;
    const t0 = performance.now();
    for (let m = 0; m < messages; m++) {
      h.seq = ++this.seq;
      b.begin(h);
      for (let i = 0; i < PER_MSG; i++) b.add(i & 1 ? 2 : 0, 1e10 + i, 1e8 * i);
      b.finish(false);
      waitForRoom(wr, PER_MSG);
      wr.write(b, view);
    }
    waitForRoom(wr, CAPACITY); // until the Worker has read every record
    return ((performance.now() - t0) * 1e6) / (messages * PER_MSG);
  }
  /** Close the ring; the Worker's count must be every record written, in order. */
  async finish(): Promise<AbWorkerDone> {
    const done = new Promise<AbWorkerDone>((r) => this.worker.onmessage = (e) => r(e.data));
    this.wr.close();
    const d = await done;
    this.worker.terminate();
    if (!d.ok || d.records !== this.seq * PER_MSG || this.wr.lostMessages !== 0) {
      throw new Error(`${this.t.root}: ${JSON.stringify(d)}, ${this.seq} messages written`);
    }
    return d;
  }
}

// With --allow-ffi: this thread on CPU 0, both Workers on CPU 1, so the scheduler's placement of
// the two Workers cannot favour one side.
const pinned = ffiGranted() && navigator.hardwareConcurrency >= 2 && pinThisThread(0);
if (!pinned) console.error("stream_ring_ab: unpinned (grant --allow-ffi to pin the threads)");

async function side(t: Tree): Promise<Side> {
  const sab = t.ring.createRecordRing(CAPACITY) as SharedArrayBuffer;
  const w = new Worker(new URL("./_stream_ring_ab_worker.ts", import.meta.url), { type: "module" });
  const ready = new Promise<void>((r) => w.onmessage = () => r());
  const init: AbWorkerInit = { root: t.root, sab, copy: values.copy, cpu: pinned ? 1 : -1 };
  w.postMessage(init);
  await ready;
  return new Side(t, w, sab);
}

const a = await side(await load(baseRoot));
const b = await side(await load(values.control ? baseRoot : thisRoot));
for (let w = 0; w < 10; w++) {
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
const da = await a.finish();
const db = await b.finish();
const s = pairedStats(ra, rb);
const rate = (ns: number) => 1e3 / ns; // M records/s
console.log(
  `record ring, ${PER_MSG} records/message, ${messages} messages/round: base ${
    rate(s.medianA).toFixed(1)
  } M records/s (${da.api}), this tree ${rate(s.medianB).toFixed(1)} M records/s (${db.api}), ` +
    `ratio ${(s.medianA / s.medianB).toFixed(2)}×; this − base ${formatPaired(s, "ns/record", 2)}; ` +
    `pinned ${pinned}; loadavg ${Deno.loadavg().join(" ")}`,
);
console.log(JSON.stringify({
  bench: values.control ? "stream_ring_aa" : "stream_ring_ab",
  base: baseRoot,
  messages,
  perMessage: PER_MSG,
  pinned,
  apis: { base: da.api, head: db.api },
  recordsPerSecond: { base: 1e9 / s.medianA, head: 1e9 / s.medianB },
  paired: s,
}));
