/**
 * Benchmark-only: turn a comparison script's final JSON line into summary rows for `run.ts`.
 * `results: [{name, unit, median}]` and `ratios: [{name, value, target, met}]` are read as
 * such; every other numeric or boolean leaf becomes a row named by its key path.
 * @module
 */
import { si } from "./_stats.ts";

/** One row of the closing summary table. */
export interface SummaryRow {
  /** Which script produced it. */
  bench: string;
  /** Figure name or key path. */
  name: string;
  /** Formatted value with unit. */
  value: string;
  /** Target, if stated. */
  target: string;
  /** "yes"/"NO" when a target was stated, else "". */
  met: string;
}

const SKIP = new Set(["bench", "command", "ok", "cpus"]);

/** Summary rows for one script's JSON object. */
export function flattenSummary(bench: string, json: Record<string, unknown>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [key, v] of Object.entries(json)) {
    if (SKIP.has(key)) continue;
    if (key === "results" && Array.isArray(v) && v.every(isResult)) {
      for (const r of v) {
        rows.push({ bench, name: r.name, value: fmt(r.median, r.unit), target: "", met: "" });
      }
    } else if (key === "ratios" && Array.isArray(v) && v.every(isRatio)) {
      for (const r of v) {
        const met = r.met === undefined ? "" : r.met ? "yes" : "NO";
        rows.push({ bench, name: r.name, value: r.value.toFixed(2), target: r.target ?? "", met });
      }
    } else leaves(bench, key, v, rows);
  }
  return rows;
}

function leaves(bench: string, path: string, v: unknown, rows: SummaryRow[]): void {
  if (typeof v === "number") rows.push({ bench, name: path, value: fmt(v, ""), target: "", met: "" });
  else if (typeof v === "boolean") {
    rows.push({ bench, name: path, value: v ? "true" : "false", target: "", met: "" });
  } else if (Array.isArray(v)) {
    if (v.length <= 8 && v.every((x) => typeof x === "number")) {
      rows.push({ bench, name: path, value: v.map((x) => fmt(x, "")).join(", "), target: "", met: "" });
    }
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) leaves(bench, `${path}.${k}`, x, rows);
  }
}

function fmt(n: number, unit: string): string {
  if (unit === "records/s" || unit.endsWith("/s")) return `${si(n)} ${unit}`;
  const a = Math.abs(n);
  const s = Number.isInteger(n)
    ? String(n)
    : a >= 100
    ? n.toFixed(1)
    : a >= 1
    ? n.toFixed(3)
    : n.toPrecision(3);
  return unit ? `${s} ${unit}` : s;
}

function isResult(x: unknown): x is { name: string; unit: string; median: number } {
  const r = x as { name?: unknown; unit?: unknown; median?: unknown };
  return typeof r === "object" && r !== null && typeof r.name === "string" && typeof r.median === "number" &&
    typeof r.unit === "string";
}

function isRatio(x: unknown): x is { name: string; value: number; target?: string; met?: boolean } {
  const r = x as { name?: unknown; value?: unknown };
  return typeof r === "object" && r !== null && typeof r.name === "string" && typeof r.value === "number";
}
