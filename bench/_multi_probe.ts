/**
 * Benchmark-only: the wire-to-book probe of the many-symbol benchmarks. One subscriber per
 * symbol's stream: for every `update` message it takes the wall clock (the book has applied it:
 * subscribers run after the apply) and subtracts the frame's `E`, which the fast simulator sets
 * to its CLOCK_REALTIME at the socket hand-off, in µs (both processes read the same
 * CLOCK_REALTIME through `performance.timeOrigin + performance.now()`). Latencies go into HDR
 * histograms (ns): one per symbol (2 significant digits; all symbols = them merged), one per 10-s
 * window, and one per "phase" the benchmark names (e.g. quiet vs gapping rounds). Counts `update`, `snapshot` and `clear` messages per symbol.
 * Allocates nothing per message beyond the histograms' own work.
 * @module
 */
import * as hdr from "hdr-histogram-js";
import { systemClock } from "../engine/clock.ts";
import { RecordKind } from "../market/record.ts";
import type { MarketStream } from "../market/stream.ts";

/** An HDR histogram of ns values up to 60 s. */
export type Histogram = hdr.Histogram;

/** A histogram of ns latencies with `digits` significant digits. */
export function newHistogram(digits = 3): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60e9,
    numberOfSignificantValueDigits: digits as 3,
  });
}

/** p50/p99/p99.9/max of `h` in µs. */
export function summary(h: Histogram): { n: number; p50: number; p99: number; p999: number; max: number } {
  const us = (v: number): number => Math.round(v / 100) / 10;
  return {
    n: h.totalCount,
    p50: us(h.getValueAtPercentile(50)),
    p99: us(h.getValueAtPercentile(99)),
    p999: us(h.getValueAtPercentile(99.9)),
    max: us(h.maxValue),
  };
}

/** The probe over every symbol's stream. */
export class LatencyProbe {
  /** Per-symbol histograms (2 significant digits). */
  readonly perSymbol: Histogram[];
  /** The current 10-s window (reset by the benchmark). */
  readonly window = newHistogram();
  /**
   * The latency split at the frame's receive time (the wall clock the handler's socket read
   * when the read holding it returned): `E` → received (the simulator's write, the kernel, this
   * process getting the CPU and reading) and received → applied (the handler: the frames before
   * it in the same read, then its own parse and apply).
   */
  readonly toRecv = newHistogram();
  /** See {@linkcode LatencyProbe.toRecv}. */
  readonly recvToBook = newHistogram();
  /** Histograms by phase name (see {@linkcode LatencyProbe.phase}). */
  readonly phases = new Map<string, Histogram>();
  /** `update` messages per symbol. */
  readonly updates: Float64Array;
  /** `snapshot` messages per symbol. */
  readonly snapshots: Float64Array;
  /** `clear` messages per symbol. */
  readonly clears: Float64Array;
  /** Latencies below 1 ns (the receiver's clock behind the sender's), recorded as 1 ns. */
  negative = 0;
  /** False until the benchmark sets it: messages are counted, latencies not recorded. */
  recording = false;
  /** Symbols whose latencies go to the phase histogram (default: all). */
  phaseSymbols: Uint8Array;
  #phase: Histogram | undefined;

  /** Subscribe to `streams` (in symbol order). */
  constructor(streams: readonly MarketStream[]) {
    const n = streams.length;
    this.perSymbol = streams.map(() => newHistogram(2));
    this.updates = new Float64Array(n);
    this.snapshots = new Float64Array(n);
    this.clears = new Float64Array(n);
    this.phaseSymbols = new Uint8Array(n).fill(1);
    streams.forEach((s, k) => {
      s.subscribe((b) => {
        const kind = b.messageKind;
        if (kind === RecordKind.Update) {
          this.updates[k] = this.updates[k]! + 1;
          if (!this.recording) return;
          const now = systemClock.wallNs();
          const ns = now - b.eventTimeMs * 1000; // E (µs from the fast simulator)
          const recv = b.recvSec * 1e9 + b.recvSubNs;
          if (recv > 0) { // a receive time (in-process benches pass 0)
            this.toRecv.recordValue(Math.max(1, recv - b.eventTimeMs * 1000));
            this.recvToBook.recordValue(Math.max(1, now - recv));
          }
          if (ns < 1) this.negative++;
          const v = ns < 1 ? 1 : ns;
          this.perSymbol[k]!.recordValue(v);
          this.window.recordValue(v);
          if (this.#phase !== undefined && this.phaseSymbols[k] === 1) this.#phase.recordValue(v);
        } else if (kind === RecordKind.Snapshot) this.snapshots[k] = this.snapshots[k]! + 1;
        else if (kind === RecordKind.Clear) this.clears[k] = this.clears[k]! + 1;
      });
    });
  }

  /** Every symbol over the whole measurement: the per-symbol histograms merged. Allocates. */
  all(): Histogram {
    const h = newHistogram();
    for (const p of this.perSymbol) h.add(p);
    return h;
  }

  /** Record into the phase histogram `name` from now on (undefined: none). */
  phase(name: string | undefined): void {
    if (name === undefined) return void (this.#phase = undefined);
    let h = this.phases.get(name);
    if (h === undefined) this.phases.set(name, h = newHistogram());
    this.#phase = h;
  }
}
