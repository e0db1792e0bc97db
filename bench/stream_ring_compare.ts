/**
 * Normalized records from the engine thread to a consumer Worker: the record ring
 * (`RecordRingWriter` → `RecordRingReader`, whole messages of 10 records, every `seq` checked),
 * read in place (`read`, the figure) and copied into a batch (`poll`), against `postMessage` of
 * the same 64-byte records one per call. The producer waits for room here (the live writer drops
 * instead; spinning, then napping: `_room.ts`) so the figure is the sustained rate, nothing dropped. Reports medians of rounds in
 * records/s, the ratio, how often the writer had to wake a sleeping reader (per round, median),
 * and a final JSON line. Paired against another commit: `stream_ring_ab.ts`.
 *
 * Run: `deno run --allow-read --allow-sys=loadavg bench/stream_ring_compare.ts [--rounds N] [--quick]`
 * @module
 */
import { parseArgs } from "node:util";
import { InstrumentTable } from "../market/instrument.ts";
import { L2BookView } from "../market/book_view.ts";
import { newHeader, RecordBatch, RecordKind } from "../market/record.ts";
import { createRecordRing, RecordRingWriter } from "../market/ring.ts";
import { WSEQ } from "../spsc/layout.ts";
import { waitForRoom } from "./_room.ts";
import { L2Book } from "../venues/book.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "5" }, quick: { type: "boolean", default: false } },
});
const ROUNDS = values.quick ? 3 : Number(values.rounds);
const PER_MSG = 10;
const RING_MSGS = values.quick ? 200_000 : 2_000_000;
const PM_RECORDS = values.quick ? 50_000 : 200_000;

const view = new L2BookView(new L2Book(), new InstrumentTable().add("bench", "spot", "X", 8, 8));
const h = newHeader();
h.kind = RecordKind.Update;
const batch = new RecordBatch();

function fill(seq: number): void {
  h.seq = seq;
  batch.begin(h);
  for (let i = 0; i < PER_MSG; i++) batch.add(i & 1 ? 2 : 0, 1e10 + i, 1e8 * i);
  batch.finish(false);
}

function worker(): Worker {
  return new Worker(new URL("./_stream_ring_worker.ts", import.meta.url), { type: "module" });
}

function ask(w: Worker, msg: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.postMessage(msg);
  });
}

/** Records/s of one round through the ring, and the wake-ups of a sleeping reader it took. */
async function ringRound(mode: "read" | "poll"): Promise<[number, number]> {
  const sab = createRecordRing(1 << 16);
  const wr = new RecordRingWriter(sab);
  const w = worker();
  await ask(w, { mode, sab, n: 0 });
  const done = new Promise<Record<string, unknown>>((r) => w.onmessage = (e) => r(e.data));
  const t0 = performance.now();
  for (let m = 1; m <= RING_MSGS; m++) {
    fill(m);
    waitForRoom(wr, PER_MSG);
    wr.write(batch, view);
  }
  wr.close();
  const res = await done;
  const ms = performance.now() - t0;
  w.terminate();
  if (!res.ok || res.records !== RING_MSGS * PER_MSG || wr.lostMessages !== 0) {
    throw new Error(`ring: ${JSON.stringify(res)} lost ${wr.lostMessages}`);
  }
  return [(RING_MSGS * PER_MSG) / (ms / 1e3), Atomics.load(new Int32Array(sab), WSEQ)];
}

async function pmRound(): Promise<number> {
  const w = worker();
  await ask(w, { mode: "pm", n: PM_RECORDS });
  const done = new Promise<Record<string, unknown>>((r) => w.onmessage = (e) => r(e.data));
  const t0 = performance.now();
  for (let i = 1; i <= PM_RECORDS; i++) {
    h.seq = i;
    batch.begin(h);
    batch.add(0, 1e10, 1e8);
    w.postMessage(batch.bytes.slice(0, 64)); // one record per call, copied
  }
  const res = await done;
  const ms = performance.now() - t0;
  w.terminate();
  if (!res.ok) throw new Error("postMessage: out of order");
  return PM_RECORDS / (ms / 1e3);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

await ringRound("read"); // warm-up
await ringRound("poll");
await pmRound();
const ring: number[] = [];
const copied: number[] = [];
const wakes: number[] = [];
const pm: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const [rate, woke] = await ringRound("read");
  ring.push(rate);
  wakes.push(woke);
  copied.push((await ringRound("poll"))[0]);
  pm.push(await pmRound());
}
const ringMed = median(ring);
const copyMed = median(copied);
const pmMed = median(pm);
const ratio = ringMed / pmMed;
console.log(`normalized records main → Worker, ${PER_MSG} records/message, ${ROUNDS} rounds, medians`);
console.log(`| transport | records/s |`);
console.log(`|---|---:|`);
console.log(
  `| record ring (RecordRingWriter → RecordRingReader.read, in place) | ${(ringMed / 1e6).toFixed(2)}M |`,
);
console.log(`| record ring, copied into a batch (RecordRingReader.poll) | ${(copyMed / 1e6).toFixed(2)}M |`);
console.log(`| postMessage, one record per call | ${(pmMed / 1e3).toFixed(0)}k |`);
console.log(
  `targets: ring ${(ringMed / 1e6).toFixed(1)}M/s (≥20M ${ringMed >= 20e6 ? "met" : "NOT met"}), ` +
    `ring/postMessage ${ratio.toFixed(0)}× (≥100× ${ratio >= 100 ? "met" : "NOT met"}); ` +
    `the reader was woken ${median(wakes)} times per round of ${RING_MSGS * PER_MSG} records (median); ` +
    `loadavg ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
console.log(JSON.stringify({
  bench: "stream_ring_compare",
  recordsPerSecond: { ring: ringMed, ringCopied: copyMed, postMessage: pmMed },
  readerWakesPerRound: median(wakes),
  ratios: { ringOverPostMessage: ratio },
  targetsMet: { ring20M: ringMed >= 20e6, ratio100x: ratio >= 100 },
}));
