/**
 * Private: the byte layout of the normalized market-data record (see `record.ts` for the contract
 * and `docs/market_record.md` for every byte): size, kinds, flags, field offsets, the header
 * shared by the records of one message.
 * @module
 */

/** Bytes per record. */
export const RECORD_BYTES = 64;

/** Record kinds (byte 0). */
export const RecordKind = {
  /** A level of the instrument's whole book: the message replaces the book. */
  Snapshot: 1,
  /** A level's new absolute quantity (0 deletes it). */
  Update: 2,
  /** The book is not valid until the next snapshot (gap, disconnect, stale feed): see `reason`. */
  Clear: 3,
  /** A trade; the BID flag means the taker bought. */
  Trade: 4,
  /** Messages were lost between producer and this reader (a full ring): rebuild from a snapshot. */
  Gap: 5,
} as const;
/** A value of {@linkcode RecordKind}. */
export type RecordKind = typeof RecordKind[keyof typeof RecordKind];

/** Names of the kinds as written in the JSON form, indexed by kind. */
export const RECORD_KIND_NAMES: readonly string[] = ["", "snapshot", "update", "clear", "trade", "gap"];

/** Flag bits (byte 1). */
export const Flag = {
  /** Last record of a venue message. */
  LAST: 1,
  /** Levels: a bid (else an ask). Trades: the taker bought (else sold). */
  BID: 2,
  /** The message has no level: this record carries only the message header. */
  EMPTY: 4,
} as const;

/** Byte offsets of the fields. */
export const Off = {
  kind: 0, // u8
  flags: 1, // u8
  instrument: 2, // u16: index in the process's instrument table
  priceDecimals: 4, // u8
  qtyDecimals: 5, // u8
  reason: 6, // u16: clear reason (ResyncReason), else 0
  seq: 8, // f64 (integer)
  updateId: 16, // f64 (integer): Binance `u`, trade id; Hyperliquid book time / trade tid
  eventTimeMs: 24, // f64 (integer): exchange event time, ms since the epoch
  recvSec: 32, // u32: receive time, whole seconds since the epoch
  recvSubNs: 36, // u32: receive time, ns within the second
  price: 40, // f64 (integer)
  qty: 48, // f64 (integer)
  lost: 56, // f64 (integer): gap records: messages lost; else 0
} as const;

/** The header shared by every record of one message. */
export interface MessageHeader {
  /** Record kind. */
  kind: RecordKind;
  /** Instrument index. */
  instrument: number;
  /** Price decimals in force. */
  priceDecimals: number;
  /** Quantity decimals in force. */
  qtyDecimals: number;
  /** Clear reason, else 0. */
  reason: number;
  /** Per-instrument sequence number. */
  seq: number;
  /** Venue id of the message. */
  updateId: number;
  /** Exchange event time, ms. */
  eventTimeMs: number;
  /** Receive time, whole seconds. */
  recvSec: number;
  /** Receive time, ns within the second. */
  recvSubNs: number;
}

// Typed-array views are in the host's byte order; the layout is little-endian, as every host
// Deno runs on (x86-64, AArch64) is. Refuse to run elsewhere rather than write another layout.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("market/record.ts: a little-endian host is required");
}
