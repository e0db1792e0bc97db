/**
 * REST side of the Binance simulator: `/api/v3/depth` request weights and the 1-minute
 * `REQUEST_WEIGHT` window (6000 by default), as documented for Binance spot.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";

/** Request weight of `GET /api/v3/depth` for `limit` (weights since 2025-01-09). */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/**
 * The `GET /api/v3/exchangeInfo?symbol=…` body for one symbol: `rateLimits` (REQUEST_WEIGHT per
 * minute) and the `PRICE_FILTER` / `LOT_SIZE` filters, sizes written with 8 decimals as Binance
 * does. Allocates.
 */
export function exchangeInfoJson(symbol: string, tick: string, lot: string, weightLimit: number): string {
  const eight = (s: string) => {
    const [i, f = ""] = s.split(".");
    return `${i}.${f.padEnd(8, "0")}`;
  };
  return JSON.stringify({
    timezone: "UTC",
    serverTime: 0,
    rateLimits: [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: weightLimit }],
    exchangeFilters: [],
    symbols: [{
      symbol,
      status: "TRADING",
      filters: [
        {
          filterType: "PRICE_FILTER",
          minPrice: eight(tick),
          maxPrice: "1000000.00000000",
          tickSize: eight(tick),
        },
        { filterType: "LOT_SIZE", minQty: eight(lot), maxQty: "900000000000.00000000", stepSize: eight(lot) },
      ],
    }],
  });
}

/** Clamp a requested depth limit as Binance does (default 100, max 5000). */
export function depthLimit(raw: string | null): number {
  const n = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(n) || n <= 0) return 100;
  return Math.min(n, 5000);
}

/** Clamp a requested USD-M `/fapi/v1/depth` limit (default 500, max 1000, min 5). */
export function usdmDepthLimit(raw: string | null): number {
  const n = raw === null ? 500 : Number(raw);
  if (!Number.isInteger(n) || n <= 0) return 500;
  return Math.max(5, Math.min(n, 1000));
}

/** A fixed 1-minute weight window keyed on the clock's wall time. */
export class WeightWindow {
  readonly #clock: Clock;
  readonly #limit: number;
  #minute = -1;
  #used = 0;

  /** `limit` weight per wall-clock minute. */
  constructor(clock: Clock, limit: number) {
    this.#clock = clock;
    this.#limit = limit;
  }

  /** Charge `w`; returns the weight used in this minute, or -1 when over the limit (not charged). */
  charge(w: number): number {
    const minute = Math.floor(this.#clock.wallNs() / 60e9);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
    if (this.#used + w > this.#limit) return -1;
    this.#used += w;
    return this.#used;
  }

  /** Weight used in the current minute. */
  get used(): number {
    return this.#used;
  }

  /** Seconds until the window resets. */
  retryAfterSec(): number {
    const ns = this.#clock.wallNs();
    return Math.max(1, Math.ceil((60e9 - (ns % 60e9)) / 1e9));
  }
}
