/**
 * `SnapshotScheduler`: a pure policy that says when the next REST depth snapshot request may go
 * out, from the clock time and the responses seen. No I/O, no timers: the caller asks
 * {@linkcode SnapshotScheduler.nextAllowedNs} and waits with its own clock.
 *
 * Rules (protocols.md, Binance Spot REST):
 * - Request weight of `GET /api/v3/depth` by limit: 1–100 → 5, 101–500 → 25, 501–1000 → 50,
 *   1001–5000 → 250 (limits above 5000 are served as 5000). Budget `REQUEST_WEIGHT` 6000 per
 *   minute per IP; the scheduler keeps its own spending within `budgetFraction` of it over a
 *   sliding 60 s window (conservative against Binance's calendar-minute window).
 * - A reported `X-MBX-USED-WEIGHT-1M` that leaves no room for one more request blocks for 60 s.
 * - 429: wait `Retry-After` seconds (60 s when absent). 418 (IP ban): wait `Retry-After`, and
 *   at least 2 minutes. Other failures (network error, 5xx, unparsable body): exponential
 *   back-off from `retryBaseMs` doubling to `retryMaxMs`. Success resets the back-off.
 * - At most one request per `minIntervalMs`.
 * @module
 */

/** Request weight of `GET /api/v3/depth?limit=…` (current table, since 2025-01-09). */
export function depthWeight(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`bad depth limit: ${limit}`);
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/** Options for {@linkcode SnapshotScheduler}. */
export interface SnapshotSchedulerOptions {
  /** Snapshot depth limit (default 1000, weight 50). */
  limit?: number;
  /** Weight of one request (default the spot table for `limit`; USD-M: `usdmDepthWeight`). */
  weight?: number;
  /** `REQUEST_WEIGHT` budget per minute per IP (default 6000). */
  weightPerMinute?: number;
  /** Share of the budget this scheduler may use (default 0.5; other clients share the IP). */
  budgetFraction?: number;
  /** Minimum gap between two requests, ms (default 500). */
  minIntervalMs?: number;
  /** First back-off after a failure, ms (default 1000). */
  retryBaseMs?: number;
  /** Longest back-off after failures, ms (default 60000). */
  retryMaxMs?: number;
  /** Wait after a 429 without `Retry-After`, ms (default 60000). */
  defaultRetryAfterMs?: number;
  /** Shortest wait after a 418 ban, ms (default 120000). */
  banMinMs?: number;
}

const MS = 1e6;
const WINDOW_NS = 60_000 * MS;

/** When the next snapshot request may be sent. One instance per IP budget / handler. */
export class SnapshotScheduler {
  /** The depth limit requested. */
  readonly limit: number;
  /** Weight of one request. */
  readonly weight: number;
  /** Weight this scheduler may spend per sliding minute. */
  readonly budget: number;
  /** The venue's whole per-IP budget per minute. */
  readonly weightPerMinute: number;
  /** Consecutive failures since the last success. */
  failures = 0;
  /** Responses 429 seen. */
  rateLimited = 0;
  /** Responses 418 seen. */
  banned = 0;
  /** REST weight of every request recorded so far (cumulative). */
  spentWeight = 0;
  readonly #minIntervalNs: number;
  readonly #retryBaseNs: number;
  readonly #retryMaxNs: number;
  readonly #defaultRetryAfterNs: number;
  readonly #banMinNs: number;
  readonly #sent: Float64Array; // ring of request times within the window
  #head = 0;
  #count = 0;
  #lastNs = -Infinity;
  #blockedUntilNs = -Infinity;

  /** A scheduler with the given policy. */
  constructor(options: SnapshotSchedulerOptions = {}) {
    this.limit = options.limit ?? 1000;
    this.weight = options.weight ?? depthWeight(this.limit);
    const perMinute = options.weightPerMinute ?? 6000;
    this.weightPerMinute = perMinute;
    const fraction = options.budgetFraction ?? 0.5;
    if (!(fraction > 0 && fraction <= 1)) throw new RangeError("budgetFraction must be in (0, 1]");
    this.budget = Math.floor(perMinute * fraction);
    if (this.budget < this.weight) throw new RangeError("budget smaller than one request's weight");
    this.#minIntervalNs = (options.minIntervalMs ?? 500) * MS;
    this.#retryBaseNs = (options.retryBaseMs ?? 1000) * MS;
    this.#retryMaxNs = (options.retryMaxMs ?? 60_000) * MS;
    this.#defaultRetryAfterNs = (options.defaultRetryAfterMs ?? 60_000) * MS;
    this.#banMinNs = (options.banMinMs ?? 120_000) * MS;
    this.#sent = new Float64Array(Math.floor(this.budget / this.weight) + 1);
  }

  /** Weight spent by this scheduler in the 60 s before `nowNs`. */
  usedWeight(nowNs: number): number {
    this.#expire(nowNs);
    return this.#count * this.weight;
  }

  /** The earliest time (monotonic ns) a request may be sent; `<= nowNs` means now. */
  nextAllowedNs(nowNs: number): number {
    this.#expire(nowNs);
    let t = Math.max(this.#blockedUntilNs, this.#lastNs + this.#minIntervalNs);
    if ((this.#count + 1) * this.weight > this.budget) {
      const oldest = this.#sent[this.#head]!;
      t = Math.max(t, oldest + WINDOW_NS);
    }
    return t;
  }

  /** True when a request may be sent at `nowNs`. */
  canRequest(nowNs: number): boolean {
    return this.nextAllowedNs(nowNs) <= nowNs;
  }

  /** Record that a request was sent at `nowNs`. */
  onRequest(nowNs: number): void {
    this.#expire(nowNs);
    const cap = this.#sent.length;
    if (this.#count === cap) { // only when the caller ignored canRequest: forget the oldest
      this.#head = (this.#head + 1) % cap;
      this.#count--;
    }
    this.#sent[(this.#head + this.#count) % cap] = nowNs;
    this.#count++;
    this.#lastNs = nowNs;
    this.spentWeight += this.weight;
  }

  /**
   * Record a response at `nowNs`: HTTP `status` (0 for a network error), `Retry-After` in
   * seconds when present, and `X-MBX-USED-WEIGHT-1M` when present. A 200 whose body failed to
   * parse should be reported as status 0.
   */
  onResponse(nowNs: number, status: number, retryAfterS?: number, usedWeight1m?: number): void {
    const retryNs = retryAfterS !== undefined && retryAfterS >= 0 ? retryAfterS * 1e9 : undefined;
    if (status >= 200 && status < 300) {
      this.failures = 0;
    } else if (status === 429) {
      this.failures++;
      this.rateLimited++;
      this.#block(nowNs + (retryNs ?? this.#defaultRetryAfterNs));
    } else if (status === 418) {
      this.failures++;
      this.banned++;
      this.#block(nowNs + Math.max(retryNs ?? 0, this.#banMinNs));
    } else {
      this.failures++;
      const back = Math.min(this.#retryMaxNs, this.#retryBaseNs * 2 ** Math.min(this.failures - 1, 30));
      this.#block(nowNs + Math.max(back, retryNs ?? 0));
    }
    if (usedWeight1m !== undefined && usedWeight1m + this.weight > this.weightPerMinute) {
      // The IP as a whole (all clients) is near the venue's limit: wait for the window to reset.
      this.#block(nowNs + WINDOW_NS);
    }
  }

  #block(untilNs: number): void {
    if (untilNs > this.#blockedUntilNs) this.#blockedUntilNs = untilNs;
  }

  #expire(nowNs: number): void {
    const cap = this.#sent.length;
    while (this.#count > 0 && this.#sent[this.#head]! + WINDOW_NS <= nowNs) {
      this.#head = (this.#head + 1) % cap;
      this.#count--;
    }
  }
}
