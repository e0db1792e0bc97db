/**
 * Writing the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once per
 * metric family, then its samples, label values escaped, numbers in Go-parsable form.
 * @module
 */

/** The `Content-Type` of the text format. */
export const PROM_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Escape a label value: backslash, double quote and newline. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escape `# HELP` text: backslash and newline. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value: integers as is, NaN and infinities in Prometheus spelling. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** `{k="v",…}` from pairs; "" when there are none. */
export function labelSet(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

/** Accumulates one exposition; families must be written whole, one after another. */
export class ExpositionWriter {
  readonly #parts: string[] = [];

  /** Start a metric family: its `# HELP` and `# TYPE` lines. */
  family(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.#parts.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
  }

  /** One sample; `labels` is a prebuilt `{…}` set or "". */
  sample(name: string, labels: string, value: number): void {
    this.#parts.push(`${name}${labels} ${formatValue(value)}\n`);
  }

  /** The exposition text. */
  text(): string {
    return this.#parts.join("");
  }
}
