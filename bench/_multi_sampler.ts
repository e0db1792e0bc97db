/**
 * Benchmark-only: the periodic rows of the many-symbol benchmarks — every `sampleS` seconds the
 * frames applied, frames/s, the handler process's CPU per frame (`process.cpuUsage`, every thread
 * of the process), RSS, the backlog (frames the simulator sent that the handler has not
 * processed yet, sampled every second: in the sockets, Deno's WebSocket and the handler's inbox)
 * and the window's latency p50/p99/p99.9. Allocates (never on the handler's path: the timers run
 * between engine polls).
 * @module
 */
import process from "node:process";
import { type LatencyProbe, summary } from "./_multi_probe.ts";

/** One sampled window. */
export interface WindowRow {
  /** End of the window, s since the measurement started. */
  t: number;
  /** `update` messages applied in the window. */
  frames: number;
  /** Their rate, per s. */
  fps: number;
  /** Handler process CPU (user + system) per frame, µs. */
  cpuUsPerFrame: number;
  /** Resident set size at the end of the window, MiB. */
  rssMiB: number;
  /** Backlog in frames: largest and mean of the 1-s samples. */
  backlogMax: number;
  /** See `backlogMax`. */
  backlogMean: number;
  /** The largest inbox depth seen at the 1-s samples (frames received, not yet polled). */
  inboxMax: number;
  /** Window latency, µs. */
  p50: number;
  /** See `p50`. */
  p99: number;
  /** See `p50`. */
  p999: number;
  /** 1-minute load average at the end of the window. */
  load1: number;
}

/** Samples the backlog every second and cuts a {@linkcode WindowRow} on {@linkcode Sampler.row}. */
export class Sampler {
  /** Rows so far. */
  readonly rows: WindowRow[] = [];
  readonly #probe: LatencyProbe;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #t0 = performance.now();
  #tLast = performance.now();
  #cpu = process.cpuUsage();
  #frames: number;
  #inMax = 0;
  #inSum = 0;
  #inN = 0;
  #inboxMax = 0;

  /** Start sampling `backlog()` and `inbox()`; windows of `probe`. */
  constructor(backlog: () => Promise<number>, inbox: () => number, probe: LatencyProbe) {
    this.#probe = probe;
    this.#frames = sum(probe.updates);
    probe.window.reset();
    this.#timer = setInterval(() => {
      this.#inboxMax = Math.max(this.#inboxMax, inbox());
      backlog().then((d) => {
        if (d > this.#inMax) this.#inMax = d;
        this.#inSum += d;
        this.#inN++;
      }, () => {});
    }, 1000);
  }

  /** Close the current window and start the next. */
  row(): WindowRow {
    const now = performance.now();
    const frames = sum(this.#probe.updates);
    const cpu = process.cpuUsage();
    const n = frames - this.#frames;
    const cpuUs = cpu.user - this.#cpu.user + cpu.system - this.#cpu.system;
    const s = summary(this.#probe.window);
    const r: WindowRow = {
      t: Math.round((now - this.#t0) / 100) / 10,
      frames: n,
      fps: Math.round(n / ((now - this.#tLast) / 1000)),
      cpuUsPerFrame: Math.round((cpuUs / Math.max(1, n)) * 100) / 100,
      rssMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20 * 10) / 10,
      backlogMax: this.#inMax,
      inboxMax: this.#inboxMax,
      backlogMean: Math.round((this.#inSum / Math.max(1, this.#inN)) * 10) / 10,
      p50: s.p50,
      p99: s.p99,
      p999: s.p999,
      load1: Math.round(Deno.loadavg()[0]! * 100) / 100,
    };
    this.rows.push(r);
    this.#probe.window.reset();
    this.#tLast = now;
    this.#frames = frames;
    this.#cpu = cpu;
    this.#inMax =
      this.#inSum =
      this.#inN =
      this.#inboxMax =
        0;
    return r;
  }

  /** Stop sampling. */
  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Sum of `xs`. */
export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

/** A row as one fixed-width line. */
export function rowLine(r: WindowRow): string {
  const f = (v: number, w: number, d = 1): string => v.toFixed(d).padStart(w);
  return [
    `t=${f(r.t, 4, 0)}s ${f(r.fps, 6, 0)} frames/s  cpu ${f(r.cpuUsPerFrame, 5, 2)} µs/frame`,
    `rss ${f(r.rssMiB, 6)} MiB  backlog max ${f(r.backlogMax, 7, 0)} mean ${f(r.backlogMean, 7, 0)}`,
    `inbox ${f(r.inboxMax, 4, 0)}  p50 ${f(r.p50, 9)} µs  p99 ${f(r.p99, 9)} µs  p99.9 ${f(r.p999, 9)} µs`,
    `load ${f(r.load1, 5, 2)}`,
  ].join("  ");
}
