/**
 * Private: pure helpers of `BinanceHandler` for the REST snapshot and for stop — decoding one
 * snapshot reply into what the scheduler, the sync and the warning need (and whether it is
 * fatal), and routing frames left in the inbox to the capture. Not on the per-diff hot path.
 * @module
 */
import { FrameKind, type ParsedFrame, parseSnapshot } from "./parse.ts";
import { type DepthSnapshot, isParseError } from "./types.ts";
import type { BinanceCapture } from "./capture.ts";
import { type Inbox, InKind } from "./_inbox.ts";

/** One REST snapshot reply, decoded. */
export interface SnapshotReply {
  /** The parsed snapshot, or null when the reply is not a usable 200 body. */
  snap: DepthSnapshot | null;
  /** The status to report to the scheduler: the HTTP status, 0 for a 200 with a bad body. */
  schedStatus: number;
  /** `Retry-After` in seconds, undefined when absent. */
  retryAfter: number | undefined;
  /** `X-MBX-USED-WEIGHT-1M`, undefined when absent. */
  used: number | undefined;
  /** Why it failed (for the warning); "" when `snap` is set. */
  why: string;
  /**
   * True when asking again cannot help: the request cannot be made (status -1: a missing
   * permission, an invalid URL) or the venue refused it for good (a 4xx other than 408, 418 and
   * 429, e.g. 400 `{"code":-1121,"msg":"Invalid symbol."}`).
   */
  fatal: boolean;
}

/** True for an HTTP status that asking again cannot fix (see {@linkcode SnapshotReply.fatal}). */
export function isFatalStatus(status: number): boolean {
  if (status === -1) return true;
  return status >= 400 && status < 500 && status !== 408 && status !== 418 && status !== 429;
}

/**
 * Decode a snapshot reply: `status` (0 = network error, -1 = cannot be made), `body`, and the
 * `Retry-After` / used-weight header values as queued (NaN when absent), at the instrument's scale
 * (default 8). Allocates the result (rare path).
 */
export function readSnapshotReply(
  status: number,
  body: string,
  retry: number,
  usedWeight: number,
  priceDecimals?: number,
  qtyDecimals?: number,
): SnapshotReply {
  const retryAfter = Number.isNaN(retry) ? undefined : retry;
  const used = Number.isNaN(usedWeight) ? undefined : usedWeight;
  const parsed = status === 200 ? parseSnapshot(body, priceDecimals, qtyDecimals) : null;
  if (parsed !== null && !isParseError(parsed)) {
    return { snap: parsed, schedStatus: status, retryAfter, used, why: "", fatal: false };
  }
  // Status 0 is no HTTP answer at all (timeout, refused, reset): say that, not "HTTP 0".
  const why = parsed !== null
    ? `bad body (${parsed.error})`
    : status === -1
    ? body
    : status === 0
    ? `no answer from the REST endpoint: ${body}`
    : `HTTP ${status}: ${body.length > 300 ? body.slice(0, 300) + "…" : body}`;
  const schedStatus = status === 200 || status === -1 ? 0 : status;
  return { snap: null, schedStatus, retryAfter, used, why, fatal: isFatalStatus(status) };
}

/**
 * Route the frame at inbox slot `i` (a `Message` entry) to `capture` only, classified as the
 * handler would (depth with its id range, malformed as a depth line with ids 0, trades, other).
 * Used for frames the sync must not see (an old socket's, or after `--max-messages`).
 */
export function captureEntry(inbox: Inbox, i: number, pf: ParsedFrame, capture: BinanceCapture): void {
  const kind = inbox.hasBytes(i) // copied once, into the capture
    ? capture.parseBytes(inbox.bytes, inbox.start(i), inbox.end(i), pf)
    : capture.parse(inbox.text(i), pf); // a non-text frame, as it came
  const recvNs = inbox.wallNs(i);
  // Another symbol's depth or trade frame goes to other.jsonl, as the handler routes it.
  if (kind === FrameKind.Depth && !pf.foreign) capture.commitDiff(recvNs, pf.diff.firstId, pf.diff.lastId);
  else if (kind === FrameKind.Malformed) capture.commitDiff(recvNs, 0, 0);
  else if ((kind === FrameKind.Trade || kind === FrameKind.AggTrade) && !pf.foreign) {
    capture.commitTrade(recvNs);
  } else capture.commitOther(recvNs);
}

/**
 * Drain `inbox` into `capture`: frames received but never processed (e.g. after
 * `--max-messages`) still go to the capture (see {@linkcode captureEntry}). Control entries
 * are dropped.
 */
export function captureLeftovers(inbox: Inbox, pf: ParsedFrame, capture: BinanceCapture): void {
  for (; inbox.length > 0; inbox.shift()) {
    const i = inbox.head;
    if (inbox.kind(i) === InKind.Message) captureEntry(inbox, i, pf, capture);
  }
}
