/**
 * Private: the REST side of `BinanceMultiHandler` — one request-weight budget for every symbol's
 * snapshot. The budget comes from `GET /api/v3/exchangeInfo` `rateLimits` (`REQUEST_WEIGHT` per
 * minute, fetched once at start); a {@linkcode SnapshotScheduler} paces requests within it (the
 * weight of the depth limit, a sliding 60 s window, `X-MBX-USED-WEIGHT-1M` of every answer, 429
 * `Retry-After`, 418 ban) and evenly (one request per `60 s × weight / budget`, never a burst);
 * a {@linkcode SnapshotOrder} picks which symbol goes next. Answers are queued into one inbox
 * (via a {@linkcode WsSession} used for REST only), tagged `symbol + n × request tag`. Not on the
 * per-diff hot path.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import type { Logger } from "../../engine/logger.ts";
import { readSnapshotReply } from "./_handler_snapshot.ts";
import { Inbox } from "./_inbox.ts";
import { WsSession } from "./_ws_session.ts";
import type { SnapshotScheduler } from "./snapshot_scheduler.ts";
import { snapshotBudget } from "./snapshot_budget.ts";
import { SnapshotOrder, type SnapshotPolicy } from "./snapshot_order.ts";
import type { SymbolBook } from "./symbol_book.ts";

/** Tag of the `exchangeInfo` request. */
export const INFO_TAG = -1;
/** `REQUEST_WEIGHT` per minute when `exchangeInfo` does not say (Binance spot's documented value). */
export const DEFAULT_WEIGHT_PER_MINUTE = 6000;

/** Options of {@linkcode MultiSnapshots}. */
export interface MultiSnapshotsOptions {
  /** REST base URL. */
  restUrl: string;
  /** Upper-case symbols. */
  symbols: readonly string[];
  /** Depth limit. */
  limit: number;
  /** Share of the venue's budget used (default `DEFAULT_BUDGET_FRACTION`). */
  budgetFraction?: number;
  /** Order policy (default "priority"). */
  policy?: SnapshotPolicy;
  /** Clock, wake-up and snapshot timeout of the fetches. */
  clock: Clock;
  /** Called after an answer is queued or the budget allows the next request. */
  wake: () => void;
  /** Abort a request after this long, ms. */
  timeoutMs: number;
}

/** Snapshot requests of many symbols under one weight budget. */
export class MultiSnapshots {
  /** Answers (kind `Snapshot`; d = tag). */
  readonly inbox = new Inbox(1 << 10);
  /** Which symbol goes next. */
  readonly order: SnapshotOrder;
  /** The pacing, once the budget is known (null until `exchangeInfo` answered). */
  sched: SnapshotScheduler | null = null;
  /** Why snapshots cannot go on (a 4xx such as "Invalid symbol"), or undefined. */
  fatal: string | undefined;
  /** Snapshot requests sent, per symbol. */
  readonly requested: Uint32Array;
  readonly #o: MultiSnapshotsOptions;
  readonly #io: WsSession;
  readonly #urls: string[];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Nothing is requested until {@linkcode MultiSnapshots.fetchInfo}. */
  constructor(o: MultiSnapshotsOptions) {
    this.#o = o;
    this.order = new SnapshotOrder(o.symbols.length, o.policy ?? "priority");
    this.requested = new Uint32Array(o.symbols.length);
    const base = o.restUrl.replace(/\/+$/, "");
    this.#urls = o.symbols.map((s) => `${base}/api/v3/depth?symbol=${s}&limit=${o.limit}`);
    // Used for its REST fetches only (timeouts, tags, inbox); never opened.
    this.#io = new WsSession({
      url: "",
      inbox: this.inbox,
      clock: o.clock,
      wake: o.wake,
      maxHops: 0,
      maxConnectionMs: 0,
      snapshotTimeoutMs: o.timeoutMs,
      closeTimeoutMs: 0,
    });
  }

  /** Ask `exchangeInfo` for the request-weight limit (answer tagged {@linkcode INFO_TAG}). */
  fetchInfo(): void {
    const base = this.#o.restUrl.replace(/\/+$/, "");
    this.#io.fetchSnapshot(`${base}/api/v3/exchangeInfo?symbol=${this.#o.symbols[0]}`, INFO_TAG);
  }

  /** Set the budget from `weightPerMinute` (the venue's `REQUEST_WEIGHT` per minute, `from` where) and log it. */
  setBudget(logger: Logger, src: number, weightPerMinute: number, from: string): SnapshotScheduler {
    const s = this.sched = snapshotBudget(this.#o.limit, weightPerMinute, this.#o.budgetFraction);
    logger.info(
      src,
      `REST weight budget ${s.budget}/min of ${weightPerMinute} (${from}); snapshot limit ${s.limit} weighs ${s.weight}`,
    );
    return s;
  }

  /**
   * Handle the answer at inbox slot `slot` at `now`: `exchangeInfo` sets the budget (the default
   * with a warning when it does not say); a snapshot goes to its symbol's book (`srcs` for its
   * warnings), failed ones are asked again. Returns the symbol index (-1 for `exchangeInfo`).
   * Sets {@linkcode MultiSnapshots.fatal} on an answer retrying cannot fix (a 4xx).
   */
  onReply(
    logger: Logger,
    slot: number,
    books: readonly SymbolBook[],
    srcs: readonly number[],
    src: number,
    now: number,
  ): number {
    const inbox = this.inbox;
    const tag = inbox.num(slot, 3);
    if (tag === INFO_TAG) {
      const status = inbox.num(slot, 0);
      const got = status === 200
        ? weightLimitOf(inbox.text(slot))
        : `HTTP ${status}: ${inbox.text(slot).slice(0, 200)}`;
      if (typeof got === "number") this.setBudget(logger, src, got, "exchangeInfo");
      else {
        logger.warning(src, `exchangeInfo: ${got}; using ${DEFAULT_WEIGHT_PER_MINUTE} per minute`);
        this.setBudget(logger, src, DEFAULT_WEIGHT_PER_MINUTE, "default");
      }
      return -1;
    }
    const [i, t] = this.split(tag);
    const b = books[i]!;
    const r = readSnapshotReply(inbox.num(slot, 0), inbox.text(slot), inbox.num(slot, 1), inbox.num(slot, 2));
    if (r.fatal) {
      this.fatal ??= `snapshot request refused for ${b.symbol}: ${r.why}`;
      return i;
    }
    this.sched?.onResponse(now, r.schedStatus, r.retryAfter, r.used);
    if (!b.sync.isCurrentRequest(t)) return i; // an answer to a request made before a reset
    if (r.snap === null) {
      b.sync.snapshotFailed(t);
      logger.warning(srcs[i]!, `snapshot failed: ${r.why}`);
    } else b.onSnapshot(r.snap, t, inbox.wallNs(slot));
    if (b.sync.needsSnapshot) this.order.want(i);
    return i;
  }

  /** Decode a request tag into `[symbol index, BookSync tag]`. */
  split(tag: number): [number, number] {
    const n = this.#o.symbols.length;
    return [tag % n, Math.floor(tag / n)];
  }

  /** Send as many requests as the budget allows at `now`, in the order's order. */
  pump(books: readonly SymbolBook[], now: number): void {
    const sched = this.sched;
    if (sched === null) return;
    while (this.order.length > 0) {
      const at = sched.nextAllowedNs(now);
      if (at > now) {
        if (this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#o.wake();
          }, Math.ceil((at - now) / 1e6));
        }
        return;
      }
      const i = this.order.next();
      const sync = books[i]!.sync;
      if (!sync.needsSnapshot) continue; // asked, then reset or already answered
      const tag = sync.snapshotRequested();
      sched.onRequest(now);
      this.requested[i]!++;
      this.#io.fetchSnapshot(this.#urls[i]!, i + this.#o.symbols.length * tag);
    }
  }

  /** Stop: cancel the wake-up, abort fetches. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#io.stop();
  }
}

/**
 * The `REQUEST_WEIGHT` per-minute limit of an `exchangeInfo` body, or a reason it is not there.
 * Allocates (once per run).
 */
export function weightLimitOf(body: string): number | string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return "exchangeInfo is not JSON";
  }
  const limits = (v as { rateLimits?: unknown }).rateLimits;
  if (!Array.isArray(limits)) return "exchangeInfo has no rateLimits";
  for (const l of limits as Record<string, unknown>[]) {
    if (l?.rateLimitType !== "REQUEST_WEIGHT") continue;
    const per = l.interval === "MINUTE"
      ? 1
      : l.interval === "SECOND"
      ? 1 / 60
      : l.interval === "HOUR"
      ? 60
      : NaN;
    const num = typeof l.intervalNum === "number" ? l.intervalNum : 1;
    const limit = typeof l.limit === "number" ? l.limit : NaN;
    const perMinute = Math.floor(limit / (num * per));
    if (Number.isFinite(perMinute) && perMinute > 0) return perMinute;
  }
  return "exchangeInfo has no REQUEST_WEIGHT limit";
}
