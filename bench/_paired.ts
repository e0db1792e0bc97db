/**
 * Benchmark-only: statistics of PAIRED A/B rounds. On a shared, noisy VM the difference of two
 * medians measured apart mixes the neighbours' load into the figure; rounds that run A and B back
 * to back (A, B, B, A: a linear drift within the round cancels) and take the difference per round
 * keep the load common to both sides out of it. The figure is the median of those per-round
 * differences, with its interquartile range and a bootstrap 95% confidence interval of that
 * median (seeded: the same samples always give the same interval). Allocates (never on a
 * measured path).
 * @module
 */
import { quantile } from "./_stats.ts";

/** The median of paired differences (B − A, per unit) with its spread. */
export interface PairedStats {
  /** Rounds (pairs). */
  rounds: number;
  /** Median of the per-round differences. */
  median: number;
  /** 25th percentile of the per-round differences. */
  q25: number;
  /** 75th percentile of the per-round differences. */
  q75: number;
  /** Bootstrap 95% confidence interval of the median: lower bound. */
  ciLow: number;
  /** Bootstrap 95% confidence interval of the median: upper bound. */
  ciHigh: number;
  /** Median of A alone (per unit), for scale. */
  medianA: number;
  /** Median of B alone (per unit), for scale. */
  medianB: number;
}

/** xorshift32: a small seeded PRNG for the bootstrap (deterministic intervals). */
function prng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Median of `xs` sorted in place (even count: mean of the middle two). */
function medianInPlace(xs: Float64Array): number {
  xs.sort();
  const m = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

/**
 * Statistics of paired rounds: `a[i]` and `b[i]` are the same round's A and B figures (same unit);
 * the differences are `b[i] - a[i]`. `resamples` bootstrap draws (default 2000) with a fixed seed.
 * Throws on unequal or empty inputs (a harness bug).
 */
export function pairedStats(a: readonly number[], b: readonly number[], resamples = 2000): PairedStats {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`paired samples must be non-empty and equal in length (${a.length}, ${b.length})`);
  }
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = b[i]! - a[i]!;
  const rnd = prng(0x9e3779b9);
  const meds = new Float64Array(resamples);
  const draw = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = d[Math.floor(rnd() * n)]!;
    meds[r] = medianInPlace(draw);
  }
  meds.sort();
  const ds = Array.from(d);
  return {
    rounds: n,
    median: medianInPlace(d),
    q25: quantile(ds, 0.25),
    q75: quantile(ds, 0.75),
    ciLow: meds[Math.floor(resamples * 0.025)]!,
    ciHigh: meds[Math.min(resamples - 1, Math.ceil(resamples * 0.975) - 1)]!,
    medianA: quantile(a, 0.5),
    medianB: quantile(b, 0.5),
  };
}

/** One line: `median (IQR q25..q75, 95% CI lo..hi, n rounds)` with `digits` decimals and `unit`. */
export function formatPaired(s: PairedStats, unit: string, digits = 1): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(s.median)} ${unit} (IQR ${f(s.q25)}..${f(s.q75)}, 95% CI of the median ${f(s.ciLow)}..${
    f(s.ciHigh)
  }, ${s.rounds} paired rounds)`;
}
