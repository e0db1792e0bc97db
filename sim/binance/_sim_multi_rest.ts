/**
 * Private: the REST side of the many-symbol Binance simulator — `GET /api/v3/depth` of any of
 * its symbols and `GET /api/v3/exchangeInfo` (weight 20); USD-M `GET /fapi/v1/depth` (its limits
 * and weights) and `GET /fapi/v1/exchangeInfo` (weight 1) — charged to ONE request-weight window
 * per minute for all symbols (as the venue's per-IP limit). Over the limit: 429 + `Retry-After`
 * (seconds to the next minute; `faultRetryAfterSec` for an armed `rate_limit` fault); a request before that time has passed after a 429: 418 (an IP
 * ban, as the venue escalates), `Retry-After` twice as long; an armed `ban` fault bans at the next
request for `faultRetryAfterSec` (a fixed window: every request in it is answered 418). Counts what a test asserts: 200s
 * per symbol, 429s, 418s, the most weight used in one minute. Allocates: not a hot path.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { respond } from "./_sim_http.ts";
import { depthLimit, depthWeight, usdmDepthLimit, WeightWindow } from "./_sim_rest.ts";
import type { SyntheticMarket } from "./market.ts";
import { exchangeInfoJson } from "./_sim_exchange_info.ts";
import { usdmDepthWeight } from "../../venues/binance/markets.ts";

/** What the route needs of a symbol's market: its name, tick and lot, and its depth body. */
export type SnapshotSource = Pick<SyntheticMarket, "symbol" | "snapshotJson" | "tick" | "lot">;

/** Counters of {@linkcode MultiRestRoute}. */
export interface MultiRestStats {
  /** 200 depth answers per symbol. */
  snapshots: Map<string, number>;
  /** 429 answers. */
  rateLimited: number;
  /** 418 answers. */
  banned: number;
  /** The most weight used in one minute. */
  maxUsed: number;
  /** exchangeInfo answers. */
  exchangeInfo: number;
}

/** REST routes of the many-symbol simulator. */
export class MultiRestRoute {
  /** Counters. */
  readonly stats: MultiRestStats = {
    snapshots: new Map(),
    rateLimited: 0,
    banned: 0,
    maxUsed: 0,
    exchangeInfo: 0,
  };
  /** Armed 429 answers (fault `rate_limit`). */
  rateLimit = 0;
  /** Armed 418 answers (fault `ban`): the next request is answered 418, `Retry-After` the fault's. */
  ban = 0;
  readonly #markets: Map<string, SnapshotSource>;
  readonly #weights: WeightWindow;
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #faultRetry: number;
  readonly #usdm: boolean;
  #retryUntilNs = -Infinity;
  #banUntilNs = -Infinity;

  /**
   * Routes over `markets` (by upper-case symbol) with `weightLimit` per minute of `clock`'s wall
   * time; `usdm`: the USD-M paths, limits and weights.
   */
  constructor(
    markets: Map<string, SnapshotSource>,
    clock: Clock,
    weightLimit: number,
    faultRetryAfterSec = 1,
    usdm = false,
  ) {
    this.#usdm = usdm;
    this.#faultRetry = faultRetryAfterSec;
    this.#markets = markets;
    this.#clock = clock;
    this.#limit = weightLimit;
    this.#weights = new WeightWindow(clock, weightLimit);
  }

  /** True when `path` is one of this route's (depth or exchangeInfo of the market). */
  handles(path: string): boolean {
    return this.#usdm
      ? path === "/fapi/v1/depth" || path === "/fapi/v1/exchangeInfo"
      : path === "/api/v3/depth" || path === "/api/v3/exchangeInfo";
  }

  /** Answer `url` on `conn` (depth or exchangeInfo). */
  serve(conn: Deno.Conn, url: URL): Promise<void> {
    const now = this.#clock.wallNs();
    if (this.ban > 0) {
      this.ban--;
      this.#banUntilNs = now + this.#faultRetry * 1e9;
    }
    if (now < this.#banUntilNs) { // an armed ban: a fixed window, every request in it answered 418
      this.stats.banned++;
      return respond(conn, 418, `{"code":-1003,"msg":"Way too many requests; IP banned."}`, {
        "Retry-After": String(Math.ceil((this.#banUntilNs - now) / 1e9)),
      });
    }
    if (now < this.#retryUntilNs) {
      this.stats.banned++;
      const s = Math.ceil((this.#retryUntilNs - now) / 1e9) * 2;
      this.#retryUntilNs = now + s * 1e9;
      return respond(conn, 418, `{"code":-1003,"msg":"Way too many requests; IP banned."}`, {
        "Retry-After": String(s),
      });
    }
    const info = url.pathname.endsWith("/exchangeInfo");
    const market = info ? undefined : this.#markets.get(url.searchParams.get("symbol") ?? "");
    if (!info && market === undefined) return respond(conn, 400, `{"code":-1121,"msg":"Invalid symbol."}`);
    const usdm = this.#usdm;
    const raw = url.searchParams.get("limit");
    const limit = usdm ? usdmDepthLimit(raw) : depthLimit(raw);
    const weight = info ? (usdm ? 1 : 20) : usdm ? usdmDepthWeight(limit) : depthWeight(limit);
    const armed = this.rateLimit > 0;
    const used = armed ? -1 : this.#weights.charge(weight);
    if (used < 0) {
      if (armed) this.rateLimit--;
      this.stats.rateLimited++;
      const s = armed ? this.#faultRetry : this.#weights.retryAfterSec();
      this.#retryUntilNs = now + s * 1e9;
      return respond(conn, 429, `{"code":-1003,"msg":"Too much request weight used."}`, {
        "Retry-After": String(s),
        "X-MBX-USED-WEIGHT-1M": String(this.#weights.used),
      });
    }
    if (used > this.stats.maxUsed) this.stats.maxUsed = used;
    const head = { "X-MBX-USED-WEIGHT-1M": String(used) };
    if (info) {
      this.stats.exchangeInfo++;
      const filters = new Map([...this.#markets].map(([s, m]) => [s, { tick: m.tick, lot: m.lot }]));
      return respond(conn, 200, exchangeInfoJson([...this.#markets.keys()], this.#limit, filters), head);
    }
    const sym = market!.symbol;
    this.stats.snapshots.set(sym, (this.stats.snapshots.get(sym) ?? 0) + 1);
    return respond(conn, 200, market!.snapshotJson(limit), head);
  }
}
