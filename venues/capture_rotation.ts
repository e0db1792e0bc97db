/**
 * Rotation of capture files into parts (`--rotate hourly|daily|<MB>`) and the part file names.
 *
 * Without rotation a stream is one `<name>.jsonl` + `<name>.recv_ns`. With rotation every part is
 * `<name>.<k>.jsonl` + `<name>.<k>.recv_ns`, k = 0001, 0002, … (at least 4 digits), so a reader
 * that only knows `<name>.jsonl` fails loudly instead of reading one part as the whole capture.
 * A part is closed at a line boundary: by size once its `.jsonl` holds at least the limit; by time
 * after the first line received at or after the next UTC hour (day) boundary (that line is the
 * part's last). `--gzip` compresses each part as it closes (`.gz` added to both names).
 * @module
 */

/** When to start a new part. */
export type RotatePolicy = { kind: "size"; bytes: number } | { kind: "hourly" } | { kind: "daily" };

const HOUR_NS = 3_600_000_000_000;
const DAY_NS = 24 * HOUR_NS;

/**
 * Parse a `--rotate` value: `hourly`, `daily` or a size in MB (a positive number, decimals
 * allowed: `0.5` is 512 KiB). Throws `RangeError` with a one-line message otherwise.
 */
export function parseRotate(v: string): RotatePolicy {
  if (v === "hourly" || v === "daily") return { kind: v };
  const mb = Number(v);
  if (v.trim() === "" || !Number.isFinite(mb) || mb <= 0) {
    throw new RangeError(`--rotate must be hourly, daily or a size in MB (> 0), got "${v}"`);
  }
  return { kind: "size", bytes: Math.max(1, Math.round(mb * 1024 * 1024)) };
}

/** The first time boundary (ns since the epoch) strictly after `ns`; Infinity for a size policy. */
export function boundaryAfter(p: RotatePolicy, ns: number): number {
  if (p.kind === "size") return Infinity;
  const step = p.kind === "hourly" ? HOUR_NS : DAY_NS;
  return (Math.floor(ns / step) + 1) * step;
}

/** File stem of part `k` (1-based) of stream `name`; `name` itself when not rotating (k = 0). */
export function partStem(name: string, k: number): string {
  return k === 0 ? name : `${name}.${String(k).padStart(4, "0")}`;
}
