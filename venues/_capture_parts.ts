/**
 * Private: the parts of one captured stream (`capture_lines.ts`): their state, how a part is
 * closed (and gzipped with `--gzip`, off the per-line path), and how they are listed in
 * `metadata.json`.
 * @module
 */
import type { ByteSink } from "./_byte_sink.ts";
import { gzipInPlace } from "./_capture_gzip.ts";
import type { LinesHost } from "./capture_lines.ts";

/** One part of a stream, as listed in `metadata.json` under `parts.<name>`. */
export interface CapturePart {
  /** Data file name (with `.gz` once compressed). */
  file: string;
  /** Receive-time file name (with `.gz` once compressed). */
  recvNs: string;
  /** Lines in this part (so far, while it is open). */
  lines: number;
  /** True once the part is closed (complete). */
  closed: boolean;
}

/** A part's state inside its stream. */
export interface PartState {
  /** File stem, e.g. "diffs.0003". */
  stem: string;
  /** Stream line number of its first line. */
  firstLine: number;
  /** Its line count, once closed. */
  lines: number;
  /** Closed (no more lines). */
  closed: boolean;
  /** Compressed (`.gz` on disk). */
  gz: boolean;
}

/**
 * Close a part's two files, then gzip both when the host asks for it and nothing failed (a
 * stopped capture is not compressed: the disk may be full). A gzip failure stops the capture.
 */
export async function closePart(
  host: LinesHost,
  data: ByteSink,
  ns: ByteSink,
  part: PartState,
  stopped: () => boolean,
): Promise<void> {
  await data.close();
  await ns.close();
  if (!host.gzip || stopped() || data.failures + ns.failures > 0) return;
  const base = `${host.dir}/${part.stem}`;
  try {
    await gzipInPlace(`${base}.jsonl`);
    await gzipInPlace(`${base}.recv_ns`);
    part.gz = true;
  } catch (e) {
    host.fail(`gzip ${base}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The parts as `metadata.json` lists them; `total` is the stream's line count for the open part. */
export function describeParts(parts: readonly PartState[], total: number): CapturePart[] {
  return parts.map((p) => {
    const gz = p.gz ? ".gz" : "";
    return {
      file: `${p.stem}.jsonl${gz}`,
      recvNs: `${p.stem}.recv_ns${gz}`,
      lines: p.closed ? p.lines : Math.max(0, total - p.firstLine),
      closed: p.closed,
    };
  });
}
