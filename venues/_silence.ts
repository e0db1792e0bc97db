/**
 * A feed-silence watchdog, shared by the venue handlers (and the deadline under the Hyperliquid
 * heartbeat and its many-coin stale watch): a clock-driven state machine plus one wake-up timer. A socket can stay open while the venue sends nothing (a stuck stream, a
 * symbol that does not exist): without this the book would look live forever.
 *
 * Use: {@linkcode SilenceWatch.arm} when a connection opens, {@linkcode SilenceWatch.onData}
 * for each market-data frame (two stores: the hot path allocates nothing), and
 * {@linkcode SilenceWatch.poll} whenever the handler runs, then {@linkcode SilenceWatch.schedule}
 * so the handler is woken at {@linkcode SilenceWatch.nextDueNs} at the latest (one timer per
 * limit period, not per frame). A silence fires once, then the watch is disarmed until the next
 * `arm`. The time comes from the caller (its `Clock`), so a test drives it with `FakeClock`.
 * @module
 */

/** What {@linkcode SilenceWatch.poll} found. */
export const Silence = {
  /** Data is flowing, or the watch is disarmed. */
  None: 0,
  /** Data came on this connection, then none for the limit. */
  Stalled: 1,
  /** No data at all since the connection opened (e.g. a symbol that does not exist). */
  NeverData: 2,
} as const;
/** A value of {@linkcode Silence}. */
export type Silence = typeof Silence[keyof typeof Silence];

/** Watches one connection for silence longer than `afterMs`. */
export class SilenceWatch {
  /** The limit, ns. */
  readonly afterNs: number;
  #lastNs = 0;
  #armed = false;
  #seen = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A watch with a limit of `afterMs` (> 0; RangeError otherwise). */
  constructor(afterMs: number) {
    if (!(afterMs > 0) || !Number.isFinite(afterMs)) {
      throw new RangeError(`the silence limit must be a positive number of ms, got ${afterMs}`);
    }
    this.afterNs = afterMs * 1e6;
  }

  /** True between `arm` and a silence (or `disarm`). */
  get armed(): boolean {
    return this.#armed;
  }

  /** A connection opened at `nowNs`: the limit runs from now, no data seen yet. */
  arm(nowNs: number): void {
    this.#lastNs = nowNs;
    this.#armed = true;
    this.#seen = false;
  }

  /** No connection: nothing to watch. */
  disarm(): void {
    this.#armed = false;
  }

  /** A market-data frame received at `recvNs` (monotonic). */
  onData(recvNs: number): void {
    if (recvNs > this.#lastNs) this.#lastNs = recvNs;
    this.#seen = true;
  }

  /** Check at `nowNs`; a silence is reported once and disarms the watch. */
  poll(nowNs: number): Silence {
    if (!this.#armed || nowNs - this.#lastNs < this.afterNs) return Silence.None;
    this.#armed = false;
    return this.#seen ? Silence.Stalled : Silence.NeverData;
  }

  /** When `poll` may next report (monotonic ns); Infinity when disarmed. */
  nextDueNs(): number {
    return this.#armed ? this.#lastNs + this.afterNs : Infinity;
  }

  /**
   * While armed and no wake-up is pending, set one timer that calls `wake` at
   * {@linkcode SilenceWatch.nextDueNs} (`nowNs` is the caller's current time).
   */
  schedule(nowNs: number, wake: () => void): void {
    if (!this.#armed || this.#timer !== undefined) return;
    const ms = Math.max(1, Math.ceil((this.nextDueNs() - nowNs) / 1e6));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      wake();
    }, ms);
  }

  /** Disarm and cancel the pending wake-up (at stop). */
  cancel(): void {
    this.#armed = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
