/**
 * Private: the REST side of `BinanceHandler` — pacing through the {@linkcode SnapshotScheduler}
 * (a timer wakes the handler when the next request is allowed), the sync's requests, the symbol
 * check after a silent stream, the scheduler's view of each answer, and what each answer does to
 * the symbol ({@linkcode SnapshotRequests.onAnswer}: `exchangeInfo` sets its scale, a snapshot
 * refines the scale and is applied, a failed one is asked again). Not on the per-diff hot path.
 * @module
 */
import { SnapshotScheduler, type SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
import type { BookSync } from "./sync.ts";
import type { WsSession } from "./_ws_session.ts";
import type { Inbox } from "./_inbox.ts";
import { readSnapshotReply, type SnapshotReply } from "./_handler_snapshot.ts";
import type { SymbolBook } from "./symbol_book.ts";
import { exchangeInfoDecimals, snapshotDecimals } from "./precision.ts";

/** Request tag of the symbol check after a silent stream (never a sync request's tag). */
export const PROBE_TAG = -1;
/** Inbox tag of the `exchangeInfo` answer (snapshot requests have tags >= 1). */
export const EXCHANGE_INFO_TAG = -2;

/** What an answer did ({@linkcode SnapshotRequests.onAnswer}); `note` says it for the log. */
export const Answer = {
  /** Retrying cannot fix it (a 4xx such as "Invalid symbol"): the run must end. */
  Fatal: 0,
  /** Nothing to do but log `note` as info (exchangeInfo, the symbol check, a late answer). */
  Info: 1,
  /** The snapshot failed and will be asked again: log `note` as a warning. */
  Failed: 2,
  /** The snapshot was applied to the book (it may be synchronized now). */
  Applied: 3,
  /** exchangeInfo set the instrument's scale. */
  Scaled: 4,
} as const;

/** Snapshot requests of one symbol. */
export class SnapshotRequests {
  /** The pacing policy (REST weight, 429 / 418). */
  readonly sched: SnapshotScheduler;
  readonly #url: string;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Requests of `GET url` (the full depth URL), paced by `opts`. */
  constructor(url: string, opts: SnapshotSchedulerOptions) {
    this.#url = url;
    this.sched = new SnapshotScheduler(opts);
  }

  /**
   * When `sync` needs a snapshot: request it through `io` if pacing allows at `now`, or else
   * call `wake` once it does.
   */
  maybeRequest(sync: BookSync, io: WsSession, now: number, wake: () => void): void {
    if (!sync.needsSnapshot) return;
    const at = this.sched.nextAllowedNs(now);
    if (at > now) {
      if (this.#timer === undefined) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          wake();
        }, Math.ceil((at - now) / 1e6));
      }
      return;
    }
    const tag = sync.snapshotRequested();
    this.sched.onRequest(now);
    io.fetchSnapshot(this.#url, tag);
  }

  /**
   * Nothing came since connecting: ask REST about the symbol (tagged {@linkcode PROBE_TAG}),
   * unless pacing forbids it now or the sync is about to ask anyway.
   */
  probe(sync: BookSync, io: WsSession, now: number): void {
    if (this.sched.nextAllowedNs(now) > now || sync.needsSnapshot) return;
    this.sched.onRequest(now);
    io.fetchSnapshot(this.#url, PROBE_TAG);
  }

  /**
   * Decode the `Snapshot` entry at inbox slot `i` (see `_inbox.ts`) at the instrument's scale
   * (default 8) and, unless it is fatal,
   * tell the scheduler (the venue's word counts even for a late answer).
   */
  reply(inbox: Inbox, i: number, now: number, priceDecimals?: number, qtyDecimals?: number): SnapshotReply {
    const r = readSnapshotReply(
      inbox.num(i, 0),
      inbox.text(i),
      inbox.num(i, 1),
      inbox.num(i, 2),
      priceDecimals,
      qtyDecimals,
    );
    if (!r.fatal) this.sched.onResponse(now, r.schedStatus, r.retryAfter, r.used);
    return r;
  }

  /**
   * The `Snapshot` entry at inbox slot `i` (`exchangeInfo`, the symbol check or a snapshot of
   * `sb`) at `now`: applied to `sb` as it says; returns an {@linkcode Answer} and writes what to
   * log in `note[0]`.
   */
  onAnswer(inbox: Inbox, i: number, sb: SymbolBook, now: number, note: string[]): number {
    const tag = inbox.num(i, 3);
    const status = inbox.num(i, 0);
    const wall = inbox.wallNs(i);
    if (tag === EXCHANGE_INFO_TAG) {
      // The instrument's tick and lot raise the scale (a failure: the wire decides).
      const d = status === 200 ? exchangeInfoDecimals(inbox.text(i), sb.symbol) : null;
      if (d === null) {
        note[0] = `exchangeInfo unavailable (status ${status}): precision from the wire`;
        return Answer.Info;
      }
      sb.capture?.instrumentInfo(d);
      sb.raise(d, wall);
      return Answer.Scaled;
    }
    // The snapshot's finest values refine the scale before it (and the buffered diffs) are read.
    if (status === 200 && sb.sync.isCurrentRequest(tag)) sb.raise(snapshotDecimals(inbox.text(i)), wall);
    const inst = sb.stream.instrument;
    const { snap, why, fatal } = this.reply(inbox, i, now, inst.priceDecimals, inst.qtyDecimals);
    if (fatal) {
      note[0] = `snapshot request refused: ${why}`;
      return Answer.Fatal;
    }
    if (tag === PROBE_TAG) {
      const known = snap !== null ? `REST knows ${sb.symbol}` : `REST check inconclusive: ${why}`;
      note[0] = `symbol check after a silent stream: ${known}`;
      return Answer.Info;
    }
    if (!sb.sync.isCurrentRequest(tag)) {
      note[0] = "late snapshot answer to a request made before a reset: ignored";
      return Answer.Info;
    }
    if (snap === null) {
      sb.sync.snapshotFailed(tag);
      note[0] = `snapshot failed: ${why}`;
      return Answer.Failed;
    }
    sb.onSnapshot(snap, inbox.text(i), tag, wall);
    return Answer.Applied;
  }

  /** Cancel the pending wake-up. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
