/**
 * Private: what the one replay consumer (`record_l3.ts`) reads — a message's records through
 * {@linkcode RecordReader} (a `RecordBatch`, or a message read in place in the replay's ring), an
 * update's levels as side arrays ({@linkcode SideLevels}, the adapters' direct path) — and what it
 * reports at the end ({@linkcode StageTotals}). Re-exported by `record_l3.ts`.
 * @module
 */

/** What a replay reports when its consumer ends. */
export interface StageTotals {
  /** Events by `InferredKind`. */
  events: number[];
  /** Trade quantity matched to decreases, lots (0 without trades). */
  tradeQtyMatched: number;
  /** Trade quantity never matched, lots (0 without trades). */
  tradeQtyUnmatched: number;
}

/**
 * The records of one message as the consumer reads them: a `RecordBatch` (`market/record.ts`), or
 * a message read in place in the replay's ring (`_pipe_reader.ts`).
 */
export interface RecordReader {
  /** Records in the message. */
  readonly count: number;
  /** Kind of the message. */
  readonly messageKind: number;
  /** Venue id of the message. */
  readonly updateId: number;
  /** Exchange event time, ms. */
  readonly eventTimeMs: number;
  /** Receive time, whole seconds. */
  readonly recvSec: number;
  /** Receive time, ns within the second. */
  readonly recvSubNs: number;
  /** Price decimals. */
  readonly priceDecimals: number;
  /** Quantity decimals. */
  readonly qtyDecimals: number;
  /** Record `i` is a bid level (a buyer-taker trade). */
  isBid(i: number): boolean;
  /** Record `i` carries no level. */
  isEmpty(i: number): boolean;
  /** Price of record `i`. */
  price(i: number): number;
  /** Quantity of record `i`. */
  qty(i: number): number;
}

/**
 * An `update` message's levels held in one array pair per side, bids then asks as the records
 * would carry them (e.g. a Binance `DepthDiff` as the book applied it).
 */
export interface SideLevels {
  /** Bid prices, `[0, nBids)`. */
  readonly bidPx: Float64Array;
  /** Bid quantities (absolute; 0 deletes). */
  readonly bidQty: Float64Array;
  /** Bid levels. */
  readonly nBids: number;
  /** Ask prices, `[0, nAsks)`. */
  readonly askPx: Float64Array;
  /** Ask quantities. */
  readonly askQty: Float64Array;
  /** Ask levels. */
  readonly nAsks: number;
}
