/**
 * {@linkcode RingMessage}: the records of one message read IN PLACE in a ring of 64-byte record
 * slots (the project's SPSC ring, `spsc/`, holding the records of `record.ts`): no copy, no
 * allocation. Read by `RecordRingReader.read` (a consumer Worker) and the two-thread replay's L3
 * Worker (`replay/_pipe_reader.ts`).
 *
 * Contract: the same read accessors as `RecordBatch` (a message's records are whole in the ring:
 * every field written). Valid only while its slots are not released: within the callback that
 * receives it. A message may wrap past the ring's end: every accessor takes the slot modulo the
 * capacity; {@linkcode RingMessage.firstWord} tells when the records are contiguous, for readers
 * that walk the words themselves.
 * @module
 */
import { DATA_OFFSET } from "../spsc/layout.ts";
import { Flag, Off, type RecordKind } from "./_record_layout.ts";

const DATA_F64 = DATA_OFFSET >> 3;

/** A message of `count` records starting at ring slot `slot`, read in place. */
export class RingMessage {
  /** Ring slot of the first record (any integer: taken modulo the capacity). */
  slot = 0;
  /** Records. */
  count = 0;
  readonly #mask: number;
  readonly #u8: Uint8Array;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;

  /** Messages of the ring `sab` of `capacity` 64-byte records. */
  constructor(sab: SharedArrayBuffer, capacity: number) {
    this.#mask = capacity - 1;
    this.#u8 = new Uint8Array(sab);
    this.#u32 = new Uint32Array(sab);
    this.#f64 = new Float64Array(sab);
  }

  /** The ring as float64 words (records read in place: {@linkcode RingMessage.firstWord}). */
  get words(): Float64Array {
    return this.#f64;
  }
  /** The ring as bytes (the same memory as {@linkcode RingMessage.words}). */
  get ringBytes(): Uint8Array {
    return this.#u8;
  }
  /**
   * The float64 index in {@linkcode words} of record 0 when the message's records are contiguous
   * (no wrap): record `i` is then the 8 words from `firstWord() + 8 × i`. Else -1.
   */
  firstWord(): number {
    const s = this.slot & this.#mask;
    return s + this.count <= this.#mask + 1 ? DATA_F64 + (s << 3) : -1;
  }

  // f64 index of record i (8 per record, from the ring's data offset).
  #q(i: number): number {
    return DATA_F64 + (((this.slot + i) & this.#mask) << 3);
  }
  /** Kind of the message (its first record's). */
  get messageKind(): RecordKind {
    return this.#u8[this.#q(0) << 3]! as RecordKind;
  }
  /** Instrument index of the message. */
  get instrument(): number {
    return this.#u32[this.#q(0) << 1]! >>> 16;
  }
  /** Sequence number of the message. */
  get seq(): number {
    return this.#f64[this.#q(0) + 1]!;
  }
  /** Venue update id of the message. */
  get updateId(): number {
    return this.#f64[this.#q(0) + 2]!;
  }
  /** Exchange event time of the message, ms. */
  get eventTimeMs(): number {
    return this.#f64[this.#q(0) + 3]!;
  }
  /** Receive time of the message, whole seconds. */
  get recvSec(): number {
    return this.#u32[(this.#q(0) << 1) + 8]!;
  }
  /** Receive time of the message, ns within the second. */
  get recvSubNs(): number {
    return this.#u32[(this.#q(0) << 1) + 9]!;
  }
  /** Clear reason of the message (0 for other kinds). */
  get reason(): number {
    return this.#u32[(this.#q(0) << 1) + 1]! >>> 16;
  }
  /** Price decimals of the message. */
  get priceDecimals(): number {
    return this.#u8[(this.#q(0) << 3) + Off.priceDecimals]!;
  }
  /** Quantity decimals of the message. */
  get qtyDecimals(): number {
    return this.#u8[(this.#q(0) << 3) + Off.qtyDecimals]!;
  }
  /** Messages lost before a `gap` marker (0 for other kinds). */
  get lost(): number {
    return this.#f64[this.#q(0) + 7]!;
  }
  /** Flags of record `i`. */
  flags(i: number): number {
    return this.#u8[(this.#q(i) << 3) + Off.flags]!;
  }
  /** True when record `i` is a bid level (or a buyer-taker trade). */
  isBid(i: number): boolean {
    return (this.#u8[(this.#q(i) << 3) + Off.flags]! & Flag.BID) !== 0;
  }
  /** True when record `i` carries no level (header only). */
  isEmpty(i: number): boolean {
    return (this.#u8[(this.#q(i) << 3) + Off.flags]! & Flag.EMPTY) !== 0;
  }
  /** Price of record `i` (integer × 10^priceDecimals). */
  price(i: number): number {
    return this.#f64[this.#q(i) + 5]!;
  }
  /** Quantity of record `i` (integer × 10^qtyDecimals). */
  qty(i: number): number {
    return this.#f64[this.#q(i) + 6]!;
  }
}
