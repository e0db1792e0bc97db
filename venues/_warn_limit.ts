/**
 * Rate limiting of a repeated warning: the first occurrence is reported at once, later ones at
 * most once per interval with the number of occurrences since the last report, so a flood of
 * bad frames cannot flood the log (or the logger's ring). Pure: the caller passes the time.
 * @module
 */

/** Counts occurrences of one condition and says when to report them. */
export class WarnLimit {
  /** Occurrences so far (all time). */
  total = 0;
  readonly #everyNs: number;
  #pending = 0;
  #lastNs = -Infinity;

  /** Report at most once per `everyMs` (after the first). */
  constructor(everyMs = 10_000) {
    this.#everyNs = everyMs * 1e6;
  }

  /**
   * One occurrence at `nowNs` (monotonic). Returns how many occurrences to report now (this one
   * included), or 0 when the report is held back.
   */
  hit(nowNs: number): number {
    this.total++;
    this.#pending++;
    if (nowNs - this.#lastNs < this.#everyNs) return 0;
    this.#lastNs = nowNs;
    const n = this.#pending;
    this.#pending = 0;
    return n;
  }
}
