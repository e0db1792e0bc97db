/**
 * Private: the stale-feed watch of `HyperliquidMultiHandler`, per coin and book channel, on the
 * shared {@linkcode SilenceWatch} (one per subscription, in its {@linkcode Lane}). A coin's slow
 * `l2Book` (about every 5 s) and fast `l2Book` (about every 0.5 s) come on a schedule; when either
 * has been silent for the limit while its connection is open and its subscription was sent (the
 * watch is armed when it is sent, fed by each frame), that coin is stale: the handler clears it
 * (`clear`, reason stale) and sends its subscriptions again on the connections that carry them
 * (unsubscribe, then subscribe: that re-arms the watches), other coins untouched. `bbo` (sent
 * only when the best level changes) and `trades` are not watched. A scan polls the sent
 * subscriptions' watches (≤ 1000): a few times per limit, not per message.
 * @module
 */
import { Silence } from "../_silence.ts";
import { type Lane, LaneState } from "./_lane.ts";

/** When to scan, and the scan. */
export class StaleScan {
  /** The limit, ns. */
  readonly afterNs: number;
  /** Time between scans, ns (a quarter of the limit). */
  readonly everyNs: number;
  #nextNs = 0;

  /** A watch with a limit of `afterMs` (> 0, finite; RangeError otherwise). */
  constructor(afterMs: number) {
    if (!(afterMs > 0) || !Number.isFinite(afterMs)) {
      throw new RangeError(`the stale limit must be a positive number of ms, got ${afterMs}`);
    }
    this.afterNs = afterMs * 1e6;
    this.everyNs = this.afterNs / 4;
  }

  /**
   * At `nowNs`, when a scan is due: the index of every coin with a watched subscription silent
   * for the limit on an open connection, each once, into `out` (cleared first). A watch that
   * fired stays quiet until its subscription is sent again. Returns the number found.
   */
  scan(nowNs: number, lanes: readonly Lane[], out: number[]): number {
    out.length = 0;
    if (nowNs < this.#nextNs) return 0;
    this.#nextNs = nowNs + this.everyNs;
    for (const l of lanes) {
      if (l.state !== LaneState.Open) continue;
      for (let r = 0; r < l.sentSubs; r++) {
        const w = l.silence[r];
        if (w === undefined || w.poll(nowNs) === Silence.None) continue;
        const i = l.coinIndex[r]!;
        if (!out.includes(i)) out.push(i);
      }
    }
    return out.length;
  }
}
