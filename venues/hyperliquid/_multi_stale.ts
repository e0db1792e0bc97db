/**
 * Private: the stale-feed watch of `HyperliquidMultiHandler`, per coin and book channel. A coin's
 * slow `l2Book` (about every 5 s) and fast `l2Book` (about every 0.5 s) come on a schedule; when
 * either has been silent for the limit while its connection is open and its subscription was
 * sent, that coin is stale: the handler clears it (`clear`, reason stale) and sends its
 * subscriptions again on the connections that carry them (unsubscribe, then subscribe), other
 * coins untouched. `bbo` (sent only when the best level changes) and `trades` are not watched.
 * The time of each coin's last message per channel is `CoinBook.lastNs`; a (re)sent subscription
 * restarts its limit. A scan walks the sent subscriptions (≤ 1000): it runs a few times per
 * limit, not per message.
 * @module
 */
import type { CoinBook } from "./coin_book.ts";
import { type Lane, LaneState } from "./_lane.ts";

/** When and how often to scan. */
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
   * At `nowNs`, when a scan is due: the index of every coin silent for the limit on a watched
   * channel of an open connection, each once, into `out` (cleared first); their limits restart
   * (a coin still silent is found again one limit later). Returns the number found.
   */
  scan(nowNs: number, lanes: readonly Lane[], coins: readonly CoinBook[], out: number[]): number {
    out.length = 0;
    if (nowNs < this.#nextNs) return 0;
    this.#nextNs = nowNs + this.everyNs;
    for (const l of lanes) {
      if (l.state !== LaneState.Open) continue;
      for (let r = 0; r < l.sentSubs; r++) {
        const src = l.watch[r]!;
        if (src < 0) continue;
        const i = l.coinIndex[r]!;
        const c = coins[i]!;
        if (nowNs - c.lastNs[src]! >= this.afterNs && !out.includes(i)) out.push(i);
      }
    }
    for (const i of out) coins[i]!.lastNs.fill(nowNs);
    return out.length;
  }
}
