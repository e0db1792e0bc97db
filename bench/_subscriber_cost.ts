/**
 * Benchmark-only: the cost of one in-process subscriber per venue message, measured as PAIRED
 * rounds on the real ETHUSDT diffs (`_paired.ts`). Two arms, each with its own book, `BookSync`,
 * `MarketStream` and parse buffer, run the same diffs through parse + sync + apply + records:
 * - A: a no-op sink on the stream (so the records are built, as for any listener; the sink reads
 *   only `count`, so the lazy header is not written),
 * - B: the same no-op sink AND a no-op subscriber.
 * So B − A is exactly the subscriber's dispatch (the loop, the `try`, the call with the batch and
 * the view) per message. A round runs chunk k on A, chunk k on B, chunk k+1 on B, chunk k+1 on A
 * (a drift within the round cancels); the figure is the median over rounds of B − A in ns per
 * message, with its interquartile range and bootstrap CI. At the end of the diffs both arms are
 * rebuilt from the snapshot (untimed), swap roles (the state that was A becomes B: neither's
 * memory layout favours one side) and go on from the start.
 *
 * `runArms` runs both arms over whole passes in one process, for instruction counts
 * (`subscriber_cost.ts --once`).
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { DiffResult, FrameKind, ParsedFrame, parseFrame } from "../venues/binance/mod.ts";
import type { BookSync } from "../venues/binance/mod.ts";
import { emitDepthDiff } from "../venues/binance/emit.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { MarketStream } from "../market/stream.ts";
import type { RecordBatch } from "../market/record.ts";
import { SYNC_AT, syncedBook } from "./_eth_fixture.ts";
import { type PairedStats, pairedStats } from "./_paired.ts";

/** Which listeners an arm's stream has. */
export type Arm = "sink" | "sink+subscriber";

let seen = 0;
const noopSink = {
  write(b: RecordBatch): void {
    seen += b.count;
  },
};
function noopSubscriber(b: RecordBatch): void {
  seen += b.count;
}

/** One arm: its own book, sync, stream and parse buffer, walking the diffs chunk by chunk. */
class ArmState {
  #sync!: BookSync;
  #stream!: MarketStream;
  readonly #pf = new ParsedFrame();
  next = SYNC_AT;
  constructor(public arm: Arm, readonly diffs: string[], readonly snapshotText: string) {
    this.reset(arm);
  }
  /** A fresh book synced on the snapshot (untimed), with the listeners of `arm`. */
  reset(arm: Arm): void {
    this.arm = arm;
    const book = new L2Book();
    this.#sync = syncedBook(this.snapshotText, this.diffs, book);
    const inst = new InstrumentTable().add("binance", "spot", "ETHUSDT", 8, 8);
    this.#stream = new MarketStream(inst, book);
    this.#stream.addSink(noopSink);
    if (this.arm === "sink+subscriber") this.#stream.subscribe(noopSubscriber);
    this.next = SYNC_AT;
  }
  /** Run diffs [from, to) through parse + sync + apply + records: elapsed ms. */
  run(from: number, to: number): number {
    const diffs = this.diffs;
    const pf = this.#pf;
    const sync = this.#sync;
    const stream = this.#stream;
    const t0 = performance.now();
    for (let i = from; i < to; i++) {
      if (parseFrame(diffs[i]!, pf) !== FrameKind.Depth || sync.onDiff(pf.diff) !== DiffResult.Applied) {
        throw new Error(`${this.arm}: diff ${i} not applied`);
      }
      emitDepthDiff(stream, pf.diff, 1_723_161_255, 211_402_113);
    }
    return performance.now() - t0;
  }
}

/** Result of {@linkcode subscriberCost}. */
export interface SubscriberCost {
  /** B − A per venue message, ns (paired). */
  ns: PairedStats;
  /** Diffs per chunk (two chunks per round). */
  chunk: number;
  /** The sink-only arm's median cost per message, ns (parse + sync + apply + records). */
  armANsPerMessage: number;
}

/**
 * Paired rounds of the two arms over `diffs` (the fixture's lines; `diffs[SYNC_AT..]` applied),
 * `rounds` rounds of two `chunk`-diff chunks each, after `warmup` unrecorded rounds. With
 * `control`, B is a second sink-only arm: an A/A run, whose figure shows the method's own bias.
 */
export function subscriberCost(
  diffs: string[],
  snapshotText: string,
  rounds: number,
  chunk: number,
  warmup = 200,
  control = false,
): SubscriberCost {
  const armB: Arm = control ? "sink" : "sink+subscriber";
  const x = new ArmState("sink", diffs, snapshotText);
  const y = new ArmState(armB, diffs, snapshotText);
  let a = x;
  let b = y;
  let pass = 0;
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = -warmup; r < rounds; r++) {
    let k = a.next;
    if (k + 2 * chunk > diffs.length) {
      // A new pass over the diffs: the two states swap roles, so neither's own layout biases B − A.
      pass++;
      a = pass % 2 === 0 ? x : y;
      b = pass % 2 === 0 ? y : x;
      a.reset("sink");
      b.reset(armB);
      k = SYNC_AT;
    }
    const m = k + chunk;
    const e = m + chunk;
    const a1 = a.run(k, m);
    const b1 = b.run(k, m);
    const b2 = b.run(m, e);
    const a2 = a.run(m, e);
    a.next = b.next = e;
    if (r >= 0) {
      ra.push(((a1 + a2) * 1e6) / (2 * chunk));
      rb.push(((b1 + b2) * 1e6) / (2 * chunk));
    }
  }
  if (seen === -1) console.log(seen); // keep the listeners' work observable
  const ns = pairedStats(ra, rb);
  return { ns, chunk, armANsPerMessage: ns.medianA };
}

/**
 * For instruction counts: `sinkPasses` whole passes of the diffs on a sink-only stream and
 * `subPasses` on a stream with the sink and a subscriber, alternating (sink, subscriber, sink, …)
 * while both have passes left, so the JIT has seen both arms in every run. With `control` the
 * second stream is sink-only too (the counts' own noise). Returns the messages run.
 */
export function runArms(
  diffs: string[],
  snapshotText: string,
  sinkPasses: number,
  subPasses: number,
  control = false,
): number {
  const states = [
    new ArmState("sink", diffs, snapshotText),
    new ArmState(control ? "sink" : "sink+subscriber", diffs, snapshotText),
  ];
  const left = [sinkPasses, subPasses];
  let n = 0;
  for (let k = 0; left[0]! + left[1]! > 0; k ^= 1) {
    if (left[k] === 0) continue;
    left[k]!--;
    const s = states[k]!;
    s.reset(s.arm);
    s.run(SYNC_AT, diffs.length);
    n += diffs.length - SYNC_AT;
  }
  return n;
}
