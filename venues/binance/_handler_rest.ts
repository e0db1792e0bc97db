/**
 * Private: the REST snapshot requests of `BinanceHandler` — pacing through the
 * {@linkcode SnapshotScheduler} (a timer wakes the handler when the next request is allowed),
 * the sync's requests, the symbol check after a silent stream, and the scheduler's view of each
 * answer. Not on the per-diff hot path.
 * @module
 */
import { SnapshotScheduler, type SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
import type { BookSync } from "./sync.ts";
import type { WsSession } from "./_ws_session.ts";
import type { Inbox } from "./_inbox.ts";
import { readSnapshotReply, type SnapshotReply } from "./_handler_snapshot.ts";

/** Request tag of the symbol check after a silent stream (never a sync request's tag). */
export const PROBE_TAG = -1;

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

  /** Cancel the pending wake-up. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
