/**
 * Private: the two-thread replay's compact encoding of a message in its SPSC ring of 16-byte
 * slots — one header per message, then one slot per record (its price and quantity), where the
 * normalized records (`market/record.ts`) repeat a 64-byte header in every record. It is internal
 * to one replay: the records stay the contract for sinks and subscribers; the Worker reads back
 * exactly what the adapter's thread wrote ({@linkcode PipeMessage} is a `RecordReader`).
 *
 * Layout (little-endian; slot `s` = bytes `[16 s, 16 s + 16)` of the ring's data, taken modulo
 * its capacity, so a message may wrap; a slot never does):
 * - header slot 0: u32 `kind | msgFlags << 8 | instrument << 16`, u32 `priceDecimals |
 *   qtyDecimals << 8 | reason << 16`, u32 records, u32 leading bid records (`nBids`);
 * - header slot 1: f64 `seq`, f64 `updateId`;
 * - header slot 2: f64 `eventTimeMs`, u32 `recvSec`, u32 `recvSubNs`;
 * - then per record, in order: f64 price, f64 quantity. Its flags are implied: BID for the
 *   first `nBids` records, LAST on the last one, EMPTY on a sole record when `msgFlags` has
 *   {@linkcode PipeFlagBits.EMPTY};
 * - unless `msgFlags` has {@linkcode PipeFlagBits.WIDE} (records whose flags are not implied that
 *   way, e.g. a bid after an ask): then each record takes two slots, `(price, qty)` and a u32 with
 *   its flags byte (the rest 0).
 * A message is {@linkcode HEADER_SLOTS} + records (× 2 when WIDE) slots. The `lost` field of a
 * `gap` record does not travel (the replay never makes gaps).
 *
 * The writer ({@linkcode encodeHeader}, {@linkcode impliedFlags}) is used by `_pipe_stage.ts`, the
 * reader by `_pipe_reader.ts`. No allocation per message on either side.
 * @module
 */
import { Flag, type RecordBatch } from "../market/record.ts";
import type { ContextRecords } from "./_context.ts";
import type { RecordReader } from "./record_l3.ts";

/** Bytes per ring slot. */
export const SLOT_BYTES = 16;

/** Slots of a message's header. */
export const HEADER_SLOTS = 3;

/** Bits of a message's `msgFlags` (byte 1 of its header). */
export const PipeFlagBits = {
  /** The message is one header-only record (the record's EMPTY flag). */
  EMPTY: Flag.EMPTY,
  /** Every record carries its own flags (a second slot per record). */
  WIDE: 8,
} as const;

/**
 * The `msgFlags` that make a message's flags implied (see the module doc), or
 * {@linkcode PipeFlagBits.WIDE} when they are not; `nb` = leading bid records of `b`.
 */
export function impliedFlags(b: RecordBatch, nb: number): number {
  const n = b.count;
  const f0 = b.flags(0);
  if (n === 1 && f0 === ((nb === 1 ? Flag.BID : 0) | Flag.LAST | Flag.EMPTY)) return PipeFlagBits.EMPTY;
  for (let i = 0; i < n; i++) {
    if (b.flags(i) !== ((i < nb ? Flag.BID : 0) | (i === n - 1 ? Flag.LAST : 0))) return PipeFlagBits.WIDE;
  }
  return 0;
}

/** Leading bid records of `b` (bids come first in every venue adapter's messages). */
export function leadingBids(b: RecordBatch): number {
  const n = b.count;
  let nb = 0;
  while (nb < n && b.isBid(nb)) nb++;
  return nb;
}

/**
 * Write the header of the message whose header fields are `h`'s (a batch begun) with `count`
 * records, `nb` leading bids and `msgFlags`, into the slots at float64 indices `q0`, `q1`, `q2`
 * of `f64` (`u32`: the same memory).
 */
export function encodeHeader(
  u32: Uint32Array,
  f64: Float64Array,
  q0: number,
  q1: number,
  q2: number,
  h: RecordBatch,
  msgFlags: number,
  count: number,
  nb: number,
): void {
  const w = q0 << 1;
  u32[w] = (h.messageKind | (msgFlags << 8) | (h.instrument << 16)) >>> 0;
  u32[w + 1] = (h.priceDecimals | (h.qtyDecimals << 8) | (h.reason << 16)) >>> 0;
  u32[w + 2] = count;
  u32[w + 3] = nb;
  f64[q1] = h.seq;
  f64[q1 + 1] = h.updateId;
  f64[q2] = h.eventTimeMs;
  u32[(q2 << 1) + 2] = h.recvSec;
  u32[(q2 << 1) + 3] = h.recvSubNs;
}

/**
 * Write the header of a replay-private message (`_context.ts`: no instrument, decimals, event or
 * receive time) of `kind` with `msgFlags`, `count` records, none of them bids, `seq`, `updateId`
 * and `reason`, into the slots at float64 indices `q0`, `q1`, `q2`, as {@linkcode encodeHeader}
 * would.
 */
export function encodePrivateHeader(
  u32: Uint32Array,
  f64: Float64Array,
  q0: number,
  q1: number,
  q2: number,
  kind: number,
  msgFlags: number,
  count: number,
  seq: number,
  updateId: number,
  reason: number,
): void {
  const w = q0 << 1;
  u32[w] = kind | (msgFlags << 8);
  u32[w + 1] = (reason << 16) >>> 0;
  u32[w + 2] = count;
  u32[w + 3] = 0;
  f64[q1] = seq;
  f64[q1 + 1] = updateId;
  f64[q2] = 0;
  u32[(q2 << 1) + 2] = 0;
  u32[(q2 << 1) + 3] = 0;
}

/**
 * One message of a buffer of 16-byte slots (the ring's data, or a copy of a message that came in
 * parts), read in place: {@linkcode PipeMessage.load} reads its header; the records are read from
 * the buffer on demand. A `RecordReader` (and the context's reader) for the L3 consumer.
 */
export class PipeMessage implements RecordReader, ContextRecords {
  /** Kind of the message. */
  messageKind = 0;
  /** Records. */
  count = 0;
  /** Leading bid records (a WIDE message: unused). */
  nBids = 0;
  /** `msgFlags` ({@linkcode PipeFlagBits}). */
  msgFlags = 0;
  /** Instrument index. */
  instrument = 0;
  /** Price decimals. */
  priceDecimals = 0;
  /** Quantity decimals. */
  qtyDecimals = 0;
  /** Clear reason. */
  reason = 0;
  /** Sequence number. */
  seq = 0.5; // doubles from the start (no field representation change once in use)
  /** Venue id. */
  updateId = 0.5;
  /** Exchange event time, ms. */
  eventTimeMs = 0.5;
  /** Receive time, whole seconds. */
  recvSec = 0.5;
  /** Receive time, ns within the second. */
  recvSubNs = 0;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;
  readonly #base: number; // f64 index of slot 0
  readonly #mask: number;
  #lv = 0; // slot of record 0 (not yet taken modulo the capacity)
  #per = 1; // slots per record

  /** Messages in `f64` (`u32`: the same memory) from float64 index `base`, `capacity` slots (a power of two). */
  constructor(u32: Uint32Array, f64: Float64Array, base: number, capacity: number) {
    this.#u32 = u32;
    this.#f64 = f64;
    this.#base = base;
    this.#mask = capacity - 1;
  }

  /** Read the header of the message at slot `slot` (any integer); its length in slots. */
  load(slot: number): number {
    const u = this.#u32;
    const f = this.#f64;
    const b = this.#base;
    const m = this.#mask;
    const w = (b + ((slot & m) << 1)) << 1;
    const w0 = u[w]!;
    const w1 = u[w + 1]!;
    const n = u[w + 2]!;
    this.messageKind = w0 & 0xff;
    this.msgFlags = (w0 >>> 8) & 0xff;
    this.instrument = w0 >>> 16;
    this.priceDecimals = w1 & 0xff;
    this.qtyDecimals = (w1 >>> 8) & 0xff;
    this.reason = w1 >>> 16;
    this.count = n;
    this.nBids = u[w + 3]!;
    const q1 = b + (((slot + 1) & m) << 1);
    this.seq = f[q1]!;
    this.updateId = f[q1 + 1]!;
    const q2 = b + (((slot + 2) & m) << 1);
    this.eventTimeMs = f[q2]!;
    this.recvSec = u[(q2 << 1) + 2]!;
    this.recvSubNs = u[(q2 << 1) + 3]!;
    this.#lv = slot + HEADER_SLOTS;
    const per = (this.msgFlags & PipeFlagBits.WIDE) !== 0 ? 2 : 1;
    this.#per = per;
    return HEADER_SLOTS + n * per;
  }

  /**
   * The float64 index of record 0's price when every record's `(price, qty)` lies contiguous
   * (stride 2: not WIDE, no wrap), else -1.
   */
  firstLevelWord(): number {
    const s = this.#lv & this.#mask;
    if (this.#per !== 1 || s + this.count > this.#mask + 1) return -1;
    return this.#base + (s << 1);
  }

  /** The buffer as float64 words (for {@linkcode PipeMessage.firstLevelWord}). */
  get words(): Float64Array {
    return this.#f64;
  }

  // f64 index of record i's price.
  #q(i: number): number {
    return this.#base + (((this.#lv + i * this.#per) & this.#mask) << 1);
  }
  // The flags byte of record i.
  #flags(i: number): number {
    if (this.#per === 2) return this.#u32[(this.#base + (((this.#lv + 2 * i + 1) & this.#mask) << 1)) << 1]!;
    const n = this.count;
    return (i < this.nBids ? Flag.BID : 0) | (i === n - 1 ? Flag.LAST : 0) |
      (this.msgFlags & PipeFlagBits.EMPTY);
  }

  /** Record `i` is a bid level (a buyer-taker trade). */
  isBid(i: number): boolean {
    return (this.#flags(i) & Flag.BID) !== 0;
  }
  /** Record `i` carries no level. */
  isEmpty(i: number): boolean {
    return (this.#flags(i) & Flag.EMPTY) !== 0;
  }
  /** Flags byte of record `i`, as the record carried it. */
  flags(i: number): number {
    return this.#flags(i);
  }
  /** Price of record `i`. */
  price(i: number): number {
    return this.#f64[this.#q(i)]!;
  }
  /** Quantity of record `i`. */
  qty(i: number): number {
    return this.#f64[this.#q(i) + 1]!;
  }
}
