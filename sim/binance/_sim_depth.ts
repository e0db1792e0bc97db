/**
 * Private: the `GET /api/v3/depth` route (USD-M: `/fapi/v1/depth`, its limits and weights) of the Binance simulator with its armed REST faults —
 * `ban` (418), `rate_limit` (429), `stale_snapshot` (the snapshot taken at start) — and the
 * 1-minute request-weight window (429 + `Retry-After` when over the limit). Allocates freely:
 * not a hot path.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { respond } from "./_sim_http.ts";
import type { SimDriver } from "./_sim_replay.ts";
import { depthLimit, depthWeight, exchangeInfoJson, usdmDepthLimit, WeightWindow } from "./_sim_rest.ts";
import { usdmDepthWeight } from "../../venues/binance/markets.ts";
import { EXCHANGE_INFO_WEIGHT } from "../../venues/binance/precision.ts";
import type { SimStats } from "./_sim_types.ts";

/** The REST depth endpoint of one simulator. */
export class DepthRoute {
  /** Armed `ban` faults: this many next answers are 418. */
  ban = 0;
  /** Armed `rate_limit` answers: this many next answers are 429. */
  rateLimit = 0;
  /** Armed `stale_snapshot` faults: this many next 200 answers carry the initial snapshot. */
  stale = 0;
  readonly #driver: SimDriver;
  readonly #stats: SimStats;
  readonly #weights: WeightWindow;
  readonly #retry: string;
  readonly #initialSnapshot: string;
  readonly #weightLimit: number;

  /**
   * A route over `driver` counting into `stats`; `weightLimit` per minute of `clock`'s wall
   * time; `retryAfterSec` on fault answers. Takes the initial (stale) snapshot now.
   */
  constructor(driver: SimDriver, stats: SimStats, clock: Clock, weightLimit: number, retryAfterSec: number) {
    this.#driver = driver;
    this.#stats = stats;
    this.#weights = new WeightWindow(clock, weightLimit);
    this.#weightLimit = weightLimit;
    this.#retry = String(retryAfterSec);
    this.#initialSnapshot = driver.snapshotJson(5000);
  }

  /**
   * Answer `GET /api/v3/exchangeInfo?symbol=X` (weight 2, the same weight window; the armed
   * faults are for the depth route only): the symbol's tick and lot, and the weight limit.
   */
  serveExchangeInfo(conn: Deno.Conn, url: URL): Promise<void> {
    const symbol = url.searchParams.get("symbol");
    const d = this.#driver;
    if (symbol !== null && symbol !== d.symbol) {
      return respond(conn, 400, `{"code":-1121,"msg":"Invalid symbol."}`);
    }
    const used = this.#weights.charge(EXCHANGE_INFO_WEIGHT);
    if (used < 0) {
      this.#stats.rateLimited++;
      return respond(conn, 429, `{"code":-1003,"msg":"Too much request weight used."}`, {
        "Retry-After": String(this.#weights.retryAfterSec()),
      });
    }
    const body = exchangeInfoJson(d.symbol, d.tick, d.lot, this.#weightLimit);
    return respond(conn, 200, body, { "X-MBX-USED-WEIGHT-1M": String(used) });
  }

  /** Answer one request for `url` on `conn`. */
  serve(conn: Deno.Conn, url: URL): Promise<void> {
    const retry = this.#retry;
    if (this.ban > 0) {
      this.ban--;
      this.#stats.banned++;
      return respond(conn, 418, `{"code":-1003,"msg":"Way too many requests; IP banned."}`, {
        "Retry-After": retry,
      });
    }
    if (this.rateLimit > 0) {
      this.rateLimit--;
      this.#stats.rateLimited++;
      return respond(conn, 429, `{"code":-1003,"msg":"Too many requests."}`, { "Retry-After": retry });
    }
    const symbol = url.searchParams.get("symbol");
    if (symbol !== this.#driver.symbol) return respond(conn, 400, `{"code":-1121,"msg":"Invalid symbol."}`);
    const futures = this.#driver.futures;
    const raw = url.searchParams.get("limit");
    const limit = futures ? usdmDepthLimit(raw) : depthLimit(raw);
    const weights = this.#weights;
    const used = weights.charge(futures ? usdmDepthWeight(limit) : depthWeight(limit));
    if (used < 0) {
      this.#stats.rateLimited++;
      return respond(conn, 429, `{"code":-1003,"msg":"Too much request weight used."}`, {
        "Retry-After": String(weights.retryAfterSec()),
        "X-MBX-USED-WEIGHT-1M": String(weights.used),
      });
    }
    let body: string;
    if (this.stale > 0) {
      this.stale--;
      body = this.#initialSnapshot;
    } else body = this.#driver.snapshotJson(limit);
    this.#stats.snapshots++;
    return respond(conn, 200, body, { "X-MBX-USED-WEIGHT-1M": String(used) });
  }
}
