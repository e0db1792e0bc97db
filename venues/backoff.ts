/**
 * Capped, jittered exponential backoff for reconnect loops (shared by every venue handler).
 *
 * Pure: no timers, no clock. The caller asks {@linkcode Backoff.next} for the delay before the
 * next attempt and schedules it itself; after a connection has proved healthy (e.g. the
 * subscription was confirmed or the book synchronised) it calls {@linkcode Backoff.reset}.
 *
 * Delay for attempt k (k = 1, 2, …): `ceil = min(maxMs, baseMs * factor^(k-1))`, then
 * - `"full"` jitter (default, AWS "Full Jitter"): uniform in `[minMs, ceil]`;
 * - `"equal"` jitter: uniform in `[ceil/2, ceil]`;
 * - `"none"`: exactly `ceil`.
 * The result is always within `[minMs, maxMs]` and rounded to whole milliseconds.
 * The random source is injectable (`rng` returns a number in [0, 1)), so tests are exact.
 * @module
 */

/** How the delay is randomised below its exponential ceiling. */
export type JitterMode = "full" | "equal" | "none";

/** Options for {@linkcode Backoff}. */
export interface BackoffOptions {
  /** Ceiling of the first attempt, ms (default 250). */
  baseMs?: number;
  /** Upper bound of every delay, ms (default 30 000). */
  maxMs?: number;
  /** Lower bound of every delay, ms (default 0). */
  minMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Jitter mode (default "full"). */
  jitter?: JitterMode;
  /** Uniform random source in [0, 1) (default `Math.random`). */
  rng?: () => number;
}

/** A reconnect delay schedule. One per connection; not shared between threads. */
export class Backoff {
  /** Ceiling of the first attempt, ms. */
  readonly baseMs: number;
  /** Upper bound of every delay, ms. */
  readonly maxMs: number;
  /** Lower bound of every delay, ms. */
  readonly minMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /** Jitter mode. */
  readonly jitter: JitterMode;
  readonly #rng: () => number;
  #attempt = 0;

  /** A schedule; throws RangeError on inconsistent options. */
  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.minMs = options.minMs ?? 0;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? "full";
    this.#rng = options.rng ?? Math.random;
    if (!(this.baseMs > 0) || !Number.isFinite(this.baseMs)) throw new RangeError("baseMs must be > 0");
    if (!(this.maxMs >= this.baseMs) || !Number.isFinite(this.maxMs)) {
      throw new RangeError("maxMs must be finite and >= baseMs");
    }
    if (!(this.minMs >= 0) || this.minMs > this.maxMs) throw new RangeError("minMs must be in [0, maxMs]");
    if (!(this.factor >= 1) || !Number.isFinite(this.factor)) throw new RangeError("factor must be >= 1");
  }

  /** Attempts handed out since the last reset (0 = none yet). */
  get attempt(): number {
    return this.#attempt;
  }

  /** The exponential ceiling for attempt `k` (1-based), capped at `maxMs`. No jitter. */
  ceiling(k: number): number {
    if (k < 1) return Math.max(this.minMs, Math.min(this.maxMs, this.baseMs));
    // factor^(k-1) overflows to Infinity for huge k; min() caps it.
    return Math.max(this.minMs, Math.min(this.maxMs, this.baseMs * this.factor ** (k - 1)));
  }

  /** Delay in ms before the next attempt; advances the attempt counter. */
  next(): number {
    this.#attempt++;
    const ceil = this.ceiling(this.#attempt);
    let d: number;
    switch (this.jitter) {
      case "none":
        d = ceil;
        break;
      case "equal":
        d = ceil / 2 + this.#rng() * (ceil / 2);
        break;
      default:
        d = this.minMs + this.#rng() * (ceil - this.minMs);
    }
    d = Math.round(d);
    if (d < this.minMs) return this.minMs;
    return d > this.maxMs ? this.maxMs : d;
  }

  /** Start over from the first attempt (call once a connection has proved healthy). */
  reset(): void {
    this.#attempt = 0;
  }
}

/** A small deterministic PRNG (mulberry32) returning [0, 1); for tests and simulators. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
