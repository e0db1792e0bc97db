/**
 * The publisher's summary line at the end of a run (`--publish`): what was acknowledged, retried,
 * copied and cleared, and what was lost. Pure.
 * @module
 */
import type { PublishDone } from "./_publish_types.ts";

/** The run's figures the line needs beyond the Worker's {@linkcode PublishDone}. */
export interface SummaryExtra {
  /** The publisher's run id. */
  runId: string;
  /** Snapshot copies written into the ring. */
  copies: number;
  /** Messages lost to a full record ring (the ring writer's count). */
  ringLost: number;
}

/**
 * The summary line, and whether anything was lost (the run then exits 1). `copies`: snapshot
 * copies; `clears`: the publisher's own clears after a loss; `dropped`: publish buffer full.
 * Short enough for one log record (192 bytes) at realistic counts.
 */
export function publishSummary(d: PublishDone, x: SummaryExtra): { line: string; lost: boolean } {
  const lost = d.unacked + d.dropped + d.ringLost + x.ringLost;
  const line =
    `[publish] run ${x.runId}: ${d.acked} acknowledged (${d.duplicates} duplicates), ${d.retries} retried, ` +
    `${d.reconnects} reconnects, ${x.copies} copies, ${d.clears} clears; ` +
    `lost: ${d.unacked} unacknowledged, ${d.dropped} dropped, ${x.ringLost} to a full ring`;
  return { line, lost: lost > 0 };
}
