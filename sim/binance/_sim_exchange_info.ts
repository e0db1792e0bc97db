/**
 * Private: a minimal `GET /api/v3/exchangeInfo` body for the simulator — the `rateLimits` the
 * venue documents (REQUEST_WEIGHT per minute, ORDERS, RAW_REQUESTS) and one entry per symbol
 * with its status. Only what this project reads; not a full copy of the venue's answer.
 * @module
 */

/** The `exchangeInfo` JSON for `symbols` with a `weightPerMinute` REQUEST_WEIGHT limit. */
export function exchangeInfoJson(symbols: readonly string[], weightPerMinute: number): string {
  return JSON.stringify({
    timezone: "UTC",
    serverTime: 0,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: weightPerMinute },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
    ],
    symbols: symbols.map((symbol) => ({ symbol, status: "TRADING" })),
  });
}
