/**
 * `SendPacer`: at most `limit` messages sent in any `windowNs` (Hyperliquid: 2000 per minute per
 * IP, across connections). A ring of the last `limit` send times: a send is allowed when the
 * oldest of them is at least `windowNs` old. No allocation after construction.
 * @module
 */

/** A sliding-window send budget. */
export class SendPacer {
  /** Sends allowed per window. */
  readonly limit: number;
  /** Window length, ns. */
  readonly windowNs: number;
  /** Sends recorded so far. */
  sent = 0;
  readonly #times: Float64Array;
  #next = 0;

  /** At most `limit` sends per `windowNs` (default 60 s). */
  constructor(limit: number, windowNs = 60e9) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be >= 1, got ${limit}`);
    this.limit = limit;
    this.windowNs = windowNs;
    this.#times = new Float64Array(limit).fill(-Infinity);
  }

  /** True when a send at `nowNs` stays within the budget. */
  canSend(nowNs: number): boolean {
    return nowNs - this.#times[this.#next]! >= this.windowNs;
  }

  /** Nanoseconds from `nowNs` until a send is allowed (0 when it is now). */
  waitNs(nowNs: number): number {
    return Math.max(0, this.#times[this.#next]! + this.windowNs - nowNs);
  }

  /** Record a send at `nowNs` (also for sends that cannot wait, like pings). */
  note(nowNs: number): void {
    this.#times[this.#next] = nowNs;
    this.#next = (this.#next + 1) % this.limit;
    this.sent++;
  }
}
