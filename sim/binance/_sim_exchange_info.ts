/**
 * Private: a minimal `GET /api/v3/exchangeInfo` (USD-M `/fapi/v1/exchangeInfo`) body for the
 * simulator — the `rateLimits` the venue documents (REQUEST_WEIGHT per minute, ORDERS,
 * RAW_REQUESTS) and one entry per symbol with its status and, when known, its `PRICE_FILTER`
 * `tickSize` and `LOT_SIZE` `stepSize` (8 decimals, as Binance writes them). Only what this
 * project reads; not a full copy of the venue's answer.
 * @module
 */

/** A symbol's tick and lot as decimal strings. */
export interface SimFilters {
  /** Price tick, e.g. "0.01". */
  tick: string;
  /** Quantity step, e.g. "0.00001". */
  lot: string;
}

/**
 * The `exchangeInfo` JSON for `symbols` with a `weightPerMinute` REQUEST_WEIGHT limit, with the
 * filters of the symbols `filters` knows.
 */
export function exchangeInfoJson(
  symbols: readonly string[],
  weightPerMinute: number,
  filters?: ReadonlyMap<string, SimFilters>,
): string {
  return JSON.stringify({
    timezone: "UTC",
    serverTime: 0,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: weightPerMinute },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
    ],
    symbols: symbols.map((symbol) => {
      const f = filters?.get(symbol);
      if (f === undefined) return { symbol, status: "TRADING" };
      return {
        symbol,
        status: "TRADING",
        filters: [
          { filterType: "PRICE_FILTER", tickSize: eight(f.tick) },
          { filterType: "LOT_SIZE", stepSize: eight(f.lot) },
        ],
      };
    }),
  });
}

function eight(s: string): string {
  const [i, f = ""] = s.split(".");
  return `${i}.${f.padEnd(8, "0")}`;
}
