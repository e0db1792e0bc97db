/**
 * Private: the REST side of `BinanceMultiHandler` — one request-weight budget for every symbol's
 * snapshot. The budget comes from `exchangeInfo` `rateLimits` (`REQUEST_WEIGHT` per minute,
 * fetched once at start: spot `GET /api/v3/exchangeInfo?symbols=[…]`, USD-M
 * `GET /fapi/v1/exchangeInfo`), which also gives every symbol's tick and lot (its scale); a
 * {@linkcode SnapshotScheduler} paces requests within it (the market's weight of the depth limit,
 * a sliding 60 s window, `X-MBX-USED-WEIGHT-1M` of every answer, 429 `Retry-After`, 418 ban) and
 * evenly (one request per `60 s × weight / budget`, never a burst); a {@linkcode SnapshotOrder}
 * picks which symbol goes next. Answers are queued into one inbox (via a {@linkcode WsSession}
 * used for REST only), tagged `symbol + n × request tag`; a snapshot's finest values refine its
 * symbol's scale before it is parsed, and its body goes to that symbol's capture. Not on the
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
import {
  type BinanceMarket,
  depthPath,
  exchangeInfoPath,
  marketDepthWeight,
  WEIGHT_PER_MINUTE,
} from "./markets.ts";
import { exchangeInfoDecimalsAll, snapshotDecimals } from "./precision.ts";

/** Tag of the `exchangeInfo` request. */
export const INFO_TAG = -1;
/** At most this many symbols are named in the spot `exchangeInfo` URL (else: every symbol's info). */
const NAMED_INFO_SYMBOLS = 100;

/** Options of {@linkcode MultiSnapshots}. */
export interface MultiSnapshotsOptions {
  /** REST base URL. */
  restUrl: string;
  /** Market (default "spot"): paths, weights, the default budget. */
  market?: BinanceMarket;
  /** Shortest wait after a 418, ms (default the scheduler's 120 000). */
  banMinMs?: number;
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
    const path = depthPath(o.market ?? "spot");
    this.#urls = o.symbols.map((s) => `${base}${path}?symbol=${s}&limit=${o.limit}`);
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

  /** Ask `exchangeInfo` for the request-weight limit and the symbols' filters (answer tagged {@linkcode INFO_TAG}). */
  fetchInfo(): void {
    const base = this.#o.restUrl.replace(/\/+$/, "");
    const market = this.#o.market ?? "spot";
    const syms = this.#o.symbols;
    const named = market === "spot" && syms.length <= NAMED_INFO_SYMBOLS
      ? `?symbols=${encodeURIComponent(JSON.stringify(syms))}`
      : "";
    this.#io.fetchSnapshot(`${base}${exchangeInfoPath(market)}${named}`, INFO_TAG);
  }

  /** Set the budget from `weightPerMinute` (the venue's `REQUEST_WEIGHT` per minute, `from` where) and log it. */
  setBudget(logger: Logger, src: number, weightPerMinute: number, from: string): SnapshotScheduler {
    const o = this.#o;
    const more = {
      weight: marketDepthWeight(o.market ?? "spot", o.limit),
      ...(o.banMinMs !== undefined ? { banMinMs: o.banMinMs } : {}),
    };
    const s = this.sched = snapshotBudget(o.limit, weightPerMinute, o.budgetFraction, more);
    logger.info(
      src,
      `REST weight budget ${s.budget}/min of ${weightPerMinute} (${from}); snapshot limit ${s.limit} weighs ${s.weight}`,
    );
    return s;
  }

  /**
   * Handle the answer at inbox slot `slot` at `now`: `exchangeInfo` sets the budget (the market's
   * documented one with a warning when it does not say) and every symbol's scale; a snapshot goes
   * to its symbol's book (`srcs` for its warnings), failed ones are asked again. Returns the
   * symbol index (-1 for `exchangeInfo`).
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
      this.#onInfo(logger, slot, books, src);
      return -1;
    }
    const [i, t] = this.split(tag);
    const b = books[i]!;
    const status = inbox.num(slot, 0);
    const body = inbox.text(slot);
    // The snapshot's finest values refine the scale before it (and the buffered diffs) are read.
    if (status === 200 && b.sync.isCurrentRequest(t)) b.raise(snapshotDecimals(body), inbox.wallNs(slot));
    const inst = b.stream.instrument;
    const r = readSnapshotReply(
      status,
      body,
      inbox.num(slot, 1),
      inbox.num(slot, 2),
      inst.priceDecimals,
      inst.qtyDecimals,
    );
    if (r.fatal) {
      this.fatal ??= `snapshot request refused for ${b.symbol}: ${r.why}`;
      return i;
    }
    this.sched?.onResponse(now, r.schedStatus, r.retryAfter, r.used);
    if (!b.sync.isCurrentRequest(t)) return i; // an answer to a request made before a reset
    if (r.snap === null) {
      b.sync.snapshotFailed(t);
      logger.warning(srcs[i]!, `snapshot failed: ${r.why}`);
    } else b.onSnapshot(r.snap, body, t, inbox.wallNs(slot));
    if (b.sync.needsSnapshot) this.order.want(i);
    return i;
  }

  // exchangeInfo: the budget (or the market's documented one) and each symbol's tick and lot.
  #onInfo(logger: Logger, slot: number, books: readonly SymbolBook[], src: number): void {
    const inbox = this.inbox;
    const status = inbox.num(slot, 0);
    const body = inbox.text(slot);
    const got = status === 200 ? weightLimitOf(body) : `HTTP ${status}: ${body.slice(0, 200)}`;
    if (typeof got === "number") this.setBudget(logger, src, got, "exchangeInfo");
    else {
      const def = WEIGHT_PER_MINUTE[this.#o.market ?? "spot"];
      logger.warning(src, `exchangeInfo: ${got}; using ${def} per minute`);
      this.setBudget(logger, src, def, "default");
    }
    const decimals = status === 200 ? exchangeInfoDecimalsAll(body) : new Map();
    let known = 0;
    for (const b of books) {
      const d = decimals.get(b.symbol);
      if (d === undefined) continue;
      known++;
      b.capture?.instrumentInfo(d);
      b.raise(d, inbox.wallNs(slot));
    }
    if (known < books.length) {
      logger.info(
        src,
        `exchangeInfo: tick/lot of ${known}/${books.length} symbols; the others from the wire`,
      );
    }
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
