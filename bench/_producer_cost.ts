/**
 * Producer cost for `ring_compare.ts`: nanoseconds per `Logger.latency(label, ns, source)`,
 * timed in batches with `performance.now()` and reported as p50/p90 over batches. Two paths:
 * - `"poll"` (the engine's real path): `logger.beginPoll()` (one clock read), `batch` ×
 *   `latency` (encode + claim + commit; `HEAD` stored every 256 records), `logger.endPoll()`
 *   (flush) — all inside the timed region;
 * - `"outside"`: `batch` × `latency` outside a poll scope, each record reading the clock and
 *   publishing at once (I/O callbacks, set-up).
 *
 * With the system clock (the real path) or a constant clock (isolates encode + push from the
 * timestamp read); with a consumer Worker draining the ring (cross-core, as in production) or
 * drained on the same thread between batches (untimed). Each batch starts with an empty ring
 * (the producer waits, untimed, for the Worker to drain), so a batch never fills the ring. The
 * ring has the logger's own size ({@linkcode LOGGER_RING_CAPACITY}): a larger one (16 MB at 64 Ki
 * slots) measures the memory traffic of a ring the engine does not have. Drops are counted, not
 * retried: a dropped record is cheaper than a written one, so a non-zero drop count would flatter
 * the figure and is reported next to it.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { RECORD_SIZE } from "../engine/events.ts";
import { Logger } from "../engine/logger.ts";
import { createRingBuffer, RingConsumer } from "../spsc/mod.ts";
import { quantile } from "./_stats.ts";
import type { ConsumerDone } from "./_ring_worker.ts";
import type { ConsumerWorker } from "./_ring_throughput.ts";

/** Slots of the ring measured: the logger's default (`startLogger` in `engine/logger_host.ts`), 2 MB. */
export const LOGGER_RING_CAPACITY = 8192;

/** Per-record cost of one variant. */
export interface CostResult {
  /** p50 ns per record over batches. */
  p50: number;
  /** p90 ns per record over batches. */
  p90: number;
  /** Records dropped because the ring was full. */
  drops: number;
  /** Records emitted (including dropped ones). */
  emitted: number;
}

/** `"poll"`: one poll scope per batch (the engine's path); `"outside"`: clock + publish per record. */
export type CostPath = "poll" | "outside";

/** A clock that always reads 0: removes the timestamp cost from the measurement. */
export const constantClock: Clock = {
  monoNs: () => 0,
  wallNs: () => 0,
};

/**
 * Time `batches` batches of `batch` `logger.latency` calls on `path`. With `worker` set, that
 * Worker drains the ring concurrently (pinned to `pin` if >= 0); otherwise the ring is drained
 * on this thread between batches, outside the timed region.
 */
export async function producerCost(
  path: CostPath,
  clock: Clock,
  batches: number,
  batch: number,
  worker: ConsumerWorker | undefined,
  pin: number,
): Promise<CostResult> {
  const sab = createRingBuffer({ capacity: LOGGER_RING_CAPACITY, recordSize: RECORD_SIZE });
  const logger = new Logger(sab, { clock });
  const label = logger.intern("bench");
  const source = logger.intern("bench:source");
  const local = worker ? undefined : new RingConsumer(sab);
  if (worker) await worker.start("drain", 0, pin, sab);
  const perRecord: number[] = new Array(batches);
  let v = 0;
  const ring = logger.ring;
  const inPoll = path === "poll";
  for (let b = 0; b < batches; b++) {
    // Start every batch with an empty ring so no record is dropped (untimed).
    if (worker) { while (ring.len() !== 0) { /* the Worker is draining */ } }
    let t0: number;
    if (inPoll) {
      t0 = performance.now();
      logger.beginPoll();
      for (let j = 0; j < batch; j++) logger.latency(label, v++, source);
      logger.endPoll();
    } else {
      t0 = performance.now();
      for (let j = 0; j < batch; j++) logger.latency(label, v++, source);
    }
    const t1 = performance.now();
    perRecord[b] = ((t1 - t0) * 1e6) / batch;
    if (local) local.release(local.available());
  }
  ring.close();
  if (worker) {
    const done = await worker.next<ConsumerDone>();
    const expected = v + 2 - logger.dropped(); // + the two Intern records
    if (done.count !== expected) {
      throw new TypeError(`drain worker saw ${done.count} records, expected ${expected}`);
    }
  }
  return {
    p50: quantile(perRecord, 0.5),
    p90: quantile(perRecord, 0.9),
    drops: logger.dropped(),
    emitted: v,
  };
}

/** ns per `performance.now()` call (what `systemClock.monoNs()` costs), median of 5 runs. */
export function clockCost(n = 1_000_000): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    let acc = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) acc += systemClock.monoNs();
    const t1 = performance.now();
    if (acc === -1) console.log(acc); // keep `acc` alive
    runs.push(((t1 - t0) * 1e6) / n);
  }
  return quantile(runs, 0.5);
}
