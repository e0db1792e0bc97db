/**
 * A fixed-bucket latency histogram in the Prometheus shape (cumulative `le` buckets, `_sum`,
 * `_count`), kept by the logger Worker beside its hdr histograms. Values are recorded in ns and
 * exposed in seconds.
 * @module
 */

/** Upper bounds of the latency buckets in seconds: 1 µs to 100 ms (1-2.5-5 steps), then +Inf. */
export const LATENCY_BUCKETS_S: readonly number[] = [
  1e-6,
  2.5e-6,
  5e-6,
  1e-5,
  2.5e-5,
  5e-5,
  1e-4,
  2.5e-4,
  5e-4,
  1e-3,
  2.5e-3,
  5e-3,
  1e-2,
  2.5e-2,
  5e-2,
  0.1,
];

const BOUNDS_NS = LATENCY_BUCKETS_S.map((s) => Math.round(s * 1e9));

/** Per-bucket (not cumulative) counts plus sum and count; the last bucket is +Inf. */
export class BucketHistogram {
  /** Samples per bucket, `LATENCY_BUCKETS_S.length + 1` entries (the last one is +Inf). */
  readonly counts: Float64Array = new Float64Array(BOUNDS_NS.length + 1);
  /** Sum of all samples in ns. */
  sumNs = 0;
  /** Number of samples. */
  count = 0;

  /** Record one sample in ns (negative values count as 0). No allocation. */
  record(ns: number): void {
    const v = ns > 0 ? ns : 0;
    let i = 0;
    while (i < BOUNDS_NS.length && v > BOUNDS_NS[i]!) i++;
    this.counts[i]!++;
    this.sumNs += v;
    this.count++;
  }

  /** Cumulative counts (`le` order, +Inf last) as a new array. */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (let i = 0; i < this.counts.length; i++) out.push(acc += this.counts[i]!);
    return out;
  }
}
