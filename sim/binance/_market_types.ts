/**
 * Private: the synthetic market's options and output shapes — {@linkcode MarketOptions} (with the
 * {@linkcode PEPE_MARKET} preset and the USD-M {@linkcode FUTURES_ID_JUMP}), the per-step
 * {@linkcode MarketBatch}, and {@linkcode newBatch} to start an empty one. Re-exported by
 * `market.ts` (except `newBatch`).
 * @module
 */

/** Options of {@linkcode SyntheticMarket}. */
export interface MarketOptions {
  /** PRNG seed (default 1). */
  seed?: number;
  /** Symbol, upper case (default "BTCUSDT"). */
  symbol?: string;
  /** Starting mid price as a decimal string (default "60000.00"). */
  mid?: string;
  /** Price tick as a decimal string (default "0.01"). */
  tick?: string;
  /** Quantity lot as a decimal string (default "0.00001"). */
  lot?: string;
  /** An order's size is 1..orderLots lots (default 200). */
  orderLots?: number;
  /** Event time of the first batch in ms since the epoch (default 1_700_000_000_000). */
  startMs?: number;
  /** Update id before the first event (default 1_000_000). */
  startUpdateId?: number;
  /** Batch length in ms (default 100, as `@depth@100ms`). */
  batchMs?: number;
  /** Mean number of order events per batch (default 8). */
  eventsPerBatch?: number;
  /** Live orders the flow gravitates towards (default 400). */
  targetOrders?: number;
  /** Price levels per side seeded at start (default 40). */
  initialLevels?: number;
  /**
   * Shape the output like Binance USD-M futures: depth events carry `T` and `pu` (the previous
   * event's `u`), update ids jump by {@linkcode FUTURES_ID_JUMP} between events (so `U` is not the
   * previous `u` + 1), and snapshots carry `E` and `T` (default false: spot).
   */
  futures?: boolean;
}

/** USD-M: update ids skipped before each event's first id (ids of other symbols, on Binance). */
export const FUTURES_ID_JUMP = 7;

/**
 * A PEPE-like market: price 0.00001234 on a 0.00000001 tick, lot 1, orders of up to 2×10^11 —
 * quantities far past 90,071,993, which a global 10^8 scale could not hold.
 */
export const PEPE_MARKET: MarketOptions = {
  symbol: "PEPEUSDT",
  mid: "0.00001234",
  tick: "0.00000001",
  lot: "1",
  orderLots: 200_000_000_000,
};

/** One batch of market output. */
export interface MarketBatch {
  /** The depthUpdate payload (raw stream form), or null when no level changed. */
  depth: string | null;
  /** First update id in the batch (valid when `depth` is not null). */
  U: number;
  /** Last update id in the batch. */
  u: number;
  /** USD-M futures: `u` of the previous depth event (`pu`); absent on spot. */
  pu?: number;
  /** Event time, ms. */
  E: number;
  /** Changed levels: price (fixed) -> new quantity (fixed, 0 = removed), per side. */
  bids: Map<number, number>;
  /** See `bids`. */
  asks: Map<number, number>;
  /** `@trade` payloads (raw stream form). */
  trades: string[];
  /** Ground-truth order events, one JSON line each (no newline). */
  truth: string[];
}

/** An empty batch at event time `E` (no depth, no changed levels, no trades, no truth). */
export function newBatch(E: number): MarketBatch {
  return { depth: null, U: 0, u: 0, E, bids: new Map(), asks: new Map(), trades: [], truth: [] };
}
