/**
 * Benchmark-only helpers: order statistics and plain-text tables. Allocates freely (never on
 * a measured path).
 * @module
 */

/** The q-quantile (0..1) of `values` by nearest rank on a sorted copy; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

/** Median of `values` (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A rate with an SI suffix, e.g. `18.3M`. */
export function si(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (a >= 1e3) return (n / 1e3).toFixed(1) + "k";
  return n.toFixed(a >= 100 ? 0 : 1);
}

/** Render rows as a Markdown-style table with padded columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    "| " + widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" | ") + " |";
  const sep = "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|";
  return [line(header), sep, ...rows.map(line)].join("\n");
}

/** One measured figure in a benchmark's final JSON line (see `run.ts`). */
export interface BenchResult {
  /** What was measured, e.g. "ours ring (unpinned)". */
  name: string;
  /** Unit of the figures, e.g. "records/s" or "ns/record". */
  unit: string;
  /** Median over rounds (the headline figure). */
  median: number;
  /** Smallest round. */
  min?: number;
  /** Largest round. */
  max?: number;
  /** Rounds measured. */
  rounds?: number;
  /** Anything else worth keeping (p90, retries, ...). */
  [extra: string]: unknown;
}

/** A ratio between two results, with the target it must meet (if any). */
export interface BenchRatio {
  /** E.g. "ours/postMessage (unpinned)". */
  name: string;
  /** The ratio. */
  value: number;
  /** Human-readable target, e.g. ">= 100x". */
  target?: string;
  /** Whether the target was met. */
  met?: boolean;
}
