/**
 * The replay output schema: one {@linkcode InferredEvent} per inferred order-level (L3) change.
 * This file is the single definition; the writers (stdout, JSONL, bincode) and
 * `docs/inferred_event.md` follow it.
 *
 * Fixed-point scale: every price is an integer equal to the venue's decimal times
 * 10^`price_decimals`, every quantity the decimal times 10^`qty_decimals`, and each event states
 * both (the instrument's scale, DESIGN.md "Instruments and precision"). Binance replay takes them
 * from the capture's `metadata.json` (`priceDecimals`/`qtyDecimals`, the finest scale the live
 * handler used); a capture without them (written before scales were recorded, e.g. the ETHUSDT
 * fixture) is read at {@linkcode FIXED_DECIMALS} = 8, as before: `"2683.80000000"` is
 * `268380000000` ticks and `"0.00200000"` is `200000` lots. Hyperliquid replay is at 8 / 8.
 *
 * Binary form (bincode 1.x with default options: little-endian, fixed-width integers, `u32` enum
 * variant tags, `u64` lengths): each event is exactly {@linkcode BINCODE_RECORD_SIZE} = 80 bytes
 * and a bincode output file is the plain concatenation of events, no header. This Rust struct
 * deserializes each record byte for byte (`bincode::deserialize_from(&mut reader)` in a loop
 * until EOF):
 *
 * ```rust
 * use serde::{Deserialize, Serialize};
 *
 * #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
 * pub enum Side { Bid, Ask }                                   // u32 tag: 0, 1
 *
 * #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
 * pub enum EventKind { Add, Cancel, Fill, Clear, Snapshot }     // u32 tag: 0..=4
 *
 * #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
 * pub struct InferredEvent {
 *     pub seq: u64,             // offset  0: 0-based event sequence number
 *     pub update_id: u64,       // offset  8: source update id (`u` of the diff, snapshot lastUpdateId)
 *     pub event_time_ms: u64,   // offset 16: exchange event time `E`, ms since epoch (0 for snapshots)
 *     pub recv_time_ns: u64,    // offset 24: local receive time, ns since epoch (exact)
 *     pub side: Side,           // offset 32
 *     pub kind: EventKind,      // offset 36
 *     pub order_id: u64,        // offset 40: inferred order id (0 for Clear)
 *     pub price_ticks: u64,     // offset 48: price × 10^price_decimals
 *     pub qty_lots: u64,        // offset 56: quantity of this event × 10^qty_decimals
 *     pub level_qty_after: u64, // offset 64: the level's quantity after the event × 10^qty_decimals
 *     pub price_decimals: u32,  // offset 72: the scale of price_ticks (e.g. 8, or 2 for a 0.01 tick)
 *     pub qty_decimals: u32,    // offset 76: the scale of qty_lots and level_qty_after
 * }
 * ```
 *
 * Precision: all u64 fields except `recv_time_ns` are safe integers (< 2^53) in practice (update
 * ids ~4e10, ms times ~2e12, prices and quantities checked by the parser). Receive times
 * (~1.7e18 ns) exceed 2^53, so they are carried exactly as whole seconds plus nanoseconds
 * (`recvSec`, `recvSubNs`), never as one float and without BigInt.
 * @module
 */

/** The default scale (10^8): captures that do not record theirs, and Hyperliquid. */
export const FIXED_SCALE = 100_000_000;
/** Decimal digits of {@linkcode FIXED_SCALE}. */
export const FIXED_DECIMALS = 8;
/** Size of one event in the bincode output, bytes. */
export const BINCODE_RECORD_SIZE = 80;

/** Book side. Values are the bincode `u32` variant tags of the Rust `Side` enum. */
export const Side = { Bid: 0, Ask: 1 } as const;
/** A {@linkcode Side} value. */
export type Side = typeof Side[keyof typeof Side];

/**
 * What happened to an inferred order. Values are the bincode `u32` variant tags of the Rust
 * `EventKind` enum.
 * - `Add`: a new order joined the tail of the level's queue (the level's quantity rose).
 * - `Cancel`: (part of) an order left without trading.
 * - `Fill`: (part of) an order traded; fills are taken from the head of the queue.
 * - `Clear`: the whole side was discarded (a resync: a new snapshot follows). `qty_lots` is the
 *   quantity the side held, `order_id` and `price_ticks` are 0. Hyperliquid also emits a `Clear`
 *   per order of a level that left the visible 20-level window (an `Exit`, fate unknown): then
 *   `order_id`, `price_ticks` and `qty_lots` name that order and `level_qty_after` falls to 0.
 * - `Snapshot`: a level seeded from a snapshot: one order of the level's full quantity (Hyperliquid
 *   also: a level that entered the window from beyond it, where it may have rested unseen).
 */
export const InferredKind = { Add: 0, Cancel: 1, Fill: 2, Clear: 3, Snapshot: 4 } as const;
/** An {@linkcode InferredKind} value. */
export type InferredKind = typeof InferredKind[keyof typeof InferredKind];

/** Lower-case names of {@linkcode InferredKind}, indexed by value. */
export const KIND_NAMES: readonly string[] = ["add", "cancel", "fill", "clear", "snapshot"];
/** Lower-case names of {@linkcode Side}, indexed by value. */
export const SIDE_NAMES: readonly string[] = ["bid", "ask"];

/**
 * One inferred L3 event. Replay reuses a single instance (a caller-owned out-object): a writer
 * must copy what it keeps before the next event overwrites it.
 */
export class InferredEvent {
  /** 0-based sequence number over the whole output. */
  seq = 0;
  /** Source update id: the diff's final update id `u`, or the snapshot's `lastUpdateId` (Hyperliquid: book `time`, ms). */
  updateId = 0;
  /** Exchange event time `E`, ms since the epoch (Binance: 0 for snapshot events; Hyperliquid: book `time`). */
  eventTimeMs = 0;
  /** Receive time, whole seconds since the epoch (with {@linkcode recvSubNs}: exact ns). */
  recvSec = 0;
  /** Receive time, nanoseconds within the second (0..999,999,999). */
  recvSubNs = 0;
  /** {@linkcode Side} of the level. */
  side: Side = Side.Bid;
  /** {@linkcode InferredKind}. */
  kind: InferredKind = InferredKind.Add;
  /** Inferred order id (1, 2, …; 0 for a side `Clear`). */
  orderId = 0;
  /** Price × 10^{@linkcode priceDecimals}. */
  price = 0;
  /** Quantity of this event × 10^{@linkcode qtyDecimals} (added, cancelled, filled, cleared or seeded). */
  qty = 0;
  /** The level's quantity after this event × 10^{@linkcode qtyDecimals}. */
  levelQtyAfter = 0;
  /** The scale of `price` (the instrument's price decimals). */
  priceDecimals = FIXED_DECIMALS;
  /** The scale of `qty` and `levelQtyAfter`. */
  qtyDecimals = FIXED_DECIMALS;

  /** A blank event (every number 0 but the decimals). */
  constructor() {
    // The fields that take values beyond the small integers (update ids, times, scaled prices and
    // quantities) are doubles from the start: else the first such value changes the object's
    // layout during the first replay, and V8 throws away the code compiled for it. `seq` and
    // `orderId` count from 0 and 1 and stay small integers (a Smi field: writing and reading one
    // is cheaper; measured 1% of a Binance replay's CPU with `bench/replay_ab.ts`).
    this.updateId =
      this.eventTimeMs =
      this.recvSec =
        0.5;
    this.price = this.qty = this.levelQtyAfter = 0.5;
    this.updateId =
      this.eventTimeMs =
      this.recvSec =
        0;
    this.price = this.qty = this.levelQtyAfter = 0;
  }

  /** Receive time as one f64 ns value (rounded to 256 ns at today's epoch; use the parts for exactness). */
  get recvNs(): number {
    return this.recvSec * 1e9 + this.recvSubNs;
  }
}

/** A consumer of inferred events (a writer, a test collector). Called once per event, synchronously. */
export interface EventSink {
  /** Take one event; `ev` is reused by the caller after this returns. */
  write(ev: InferredEvent): void;
}
