/**
 * The normalized capture: what `deno task consume --capture-dir` records, one session folder per
 * instrument in the live capture layout (`<capture-dir>/<instrument folder>/<session>/`):
 *
 * - `records.jsonl` — every message the consumer applied, in stream order, one per line in the
 *   JSON form of the normalized stream (`../shared/DESIGN.md` "Normalized market data"):
 *   `snapshot` (the first one, and each snapshot it rebuilt from after a gap), `update`, `clear`
 *   (with `reason`), `trade`. Their `recv_time_ns` is the publisher's receive time off the wire.
 * - `records.recv_ns` — beside it, the consumer's receive time of each line, integer ns since the
 *   epoch (the `.recv_ns` format of live captures).
 * - `metadata.json` — the keys every capture has (`venues/capture_metadata.ts`, `format`
 *   {@linkcode NORMALIZED_CAPTURE_FORMAT}; `wsUrl` holds the NATS URLs), plus
 *   {@linkcode NormalizedCaptureExtra}; rewritten atomically while recording.
 *
 * A book rebuilt from `records.jsonl` by {@linkcode BookReplica} equals the consumer's book: the
 * `seq` checks, `clear`s and snapshots are in the records themselves. Read it with
 * `readNormalizedCapture` (`normalized_capture.ts`).
 * @module
 */
import type { CaptureMetadataCommon } from "../venues/capture_metadata.ts";

/** `metadata.json` `format` of a normalized capture. */
export const NORMALIZED_CAPTURE_FORMAT = "hft-ts/normalized-capture/1";

/** File stem of the records (`records.jsonl`, `records.recv_ns`). */
export const RECORDS_STEM = "records";

/** The keys a normalized capture adds to the common metadata. */
export interface NormalizedCaptureExtra {
  /** The normalized market name: spot, usdm, perp. */
  market: string;
  /** Where the records came from. */
  source: {
    /** NATS server URLs. */
    nats: string[];
    /** JetStream stream. */
    stream: string;
    /** Subject prefix of the instrument (`md.<venue>.<market>.<SYMBOL>`). */
    subjects: string;
    /** Stream sequence the consumer started at (0 = the first message). */
    startSeq: number;
  };
  /** Book messages (`snapshot`, `update`, `clear`) among the lines. */
  bookMessages: number;
  /** The last book `seq` written. */
  lastBookSeq: number;
  /** Book seqs the consumer knew missing, as `[first, last]` ranges. */
  missing: [number, number][];
  /** Publisher run ids seen, in order (a new run restarts `seq` at 1 with a snapshot). */
  runIds: string[];
}

/** A normalized capture's `metadata.json`. */
export type NormalizedCaptureMetadata = CaptureMetadataCommon & NormalizedCaptureExtra;
