/**
 * The normalized market-data record: one fixed-size binary record per level change or trade,
 * venue-agnostic, shared by every venue, sink and consumer. Documented byte for byte in
 * `docs/market_record.md`.
 *
 * Contract:
 * - 64 bytes per record (one cache line), little-endian, fields at fixed offsets ({@linkcode Off}).
 * - One venue message = one or more consecutive records of one instrument, the last carrying
 *   {@linkcode Flag.LAST}. A message with no level (an empty snapshot, a diff with no level, a
 *   `clear`, a `gap`) is one record with {@linkcode Flag.EMPTY} | `LAST`.
 * - Prices and quantities are integers: `price × 10^priceDecimals`, `qty × 10^qtyDecimals`,
 *   the instrument's precision in force for that record (carried in every record), below 2^53.
 * - `seq` counts per instrument: one counter over book messages (snapshot, update, clear), one
 *   over trade messages; each 1, 2, 3… with no gap. A `gap` record (only from a ring that was full)
 *   carries the number of messages the reader lost in `lost`.
 * - {@linkcode RecordBatch} holds the records of one message; writing allocates only when a
 *   message has more records than the batch ever held (it doubles).
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

/**
 * The records of one venue message in a reusable buffer (caller-owned; valid until the next
 * message is written into it). Write with {@linkcode begin} + {@linkcode add} + {@linkcode finish};
 * read with the accessors or the typed views. No allocation but growth.
 *
 * Lazy header: `add` writes only what differs per record (flags, price, qty); the header fields
 * every record repeats are written the first time the bytes are
 * asked for (`bytes`, `view`, `u32`, `f64`: a ring, a file, a publisher). An in-process
 * subscriber reading the accessors never pays for them.
 */
export class RecordBatch {
  /** Records held. */
  count = 0;
  #bytes: Uint8Array;
  #view: DataView;
  #u32: Uint32Array;
  #f64: Float64Array;
  #full = true; // every record holds its whole header
  // The header of the message being written, as the words each record repeats.
  #w0 = 0; // kind | instrument << 16 (flags, byte 1, added per record)
  #w1 = 0; // priceDecimals | qtyDecimals << 8 | reason << 16
  #seq = 0;
  #uid = 0;
  #evt = 0;
  #rs = 0;
  #rn = 0;
  #lost = 0;

  /** Room for `capacity` records before growing. */
  constructor(capacity = 64) {
    this.#bytes = new Uint8Array(Math.max(1, capacity) * RECORD_BYTES);
    this.#view = new DataView(this.#bytes.buffer);
    this.#u32 = new Uint32Array(this.#bytes.buffer);
    this.#f64 = new Float64Array(this.#bytes.buffer);
  }

  /** The record bytes (`count × RECORD_BYTES` valid, every field written). */
  get bytes(): Uint8Array {
    if (!this.#full) this.#materialize();
    return this.#bytes;
  }
  /** A DataView over {@linkcode bytes}. */
  get view(): DataView {
    if (!this.#full) this.#materialize();
    return this.#view;
  }
  /** The same bytes as 32-bit words (16 per record). */
  get u32(): Uint32Array {
    if (!this.#full) this.#materialize();
    return this.#u32;
  }
  /** The same bytes as float64 words (8 per record). */
  get f64(): Float64Array {
    if (!this.#full) this.#materialize();
    return this.#f64;
  }

  /** Drop the records held (readers refilling the batch record by record use this). */
  reset(): void {
    this.count = 0;
    this.#full = true;
  }

  /** Start a message with header `h` (copied): drops the records held. */
  begin(h: MessageHeader): void {
    this.count = 0;
    this.#full = false;
    this.#w0 = (h.kind | (h.instrument << 16)) >>> 0;
    this.#w1 = (h.priceDecimals | (h.qtyDecimals << 8) | (h.reason << 16)) >>> 0;
    this.#seq = h.seq;
    this.#uid = h.updateId;
    this.#evt = h.eventTimeMs;
    this.#rs = h.recvSec;
    this.#rn = h.recvSubNs;
    this.#lost = 0;
  }

  /** Append a record of the message begun (no LAST flag: {@linkcode finish} sets it). */
  add(flags: number, price: number, qty: number): void {
    const i = this.count;
    if ((i + 1) * RECORD_BYTES > this.#bytes.length) this.ensure(i + 1);
    const q = i << 3;
    const f = this.#f64;
    this.#bytes[(i << 6) + 1] = flags;
    f[q + 5] = price;
    f[q + 6] = qty;
    this.count = i + 1;
    this.#full = false; // (again, if the bytes were read mid-message)
  }

  /** Set the `lost` count of the message begun (a `gap` marker's). */
  setLost(n: number): void {
    this.#lost = n;
    this.#full = false;
  }

  /** Mark the last record (LAST; EMPTY too when it is the only, level-less record). */
  finish(empty: boolean): void {
    const o = (this.count - 1) * RECORD_BYTES + Off.flags;
    this.#bytes[o] = this.#bytes[o]! | Flag.LAST | (empty ? Flag.EMPTY : 0);
  }

  /** Kind of record `i`. */
  kind(i: number): RecordKind {
    return (this.#full ? this.#bytes[i * RECORD_BYTES] : this.#w0 & 0xff) as RecordKind;
  }
  /** Flags of record `i`. */
  flags(i: number): number {
    return this.#bytes[i * RECORD_BYTES + Off.flags]!;
  }
  /** True when record `i` is a bid level (or a buyer-taker trade). */
  isBid(i: number): boolean {
    return (this.#bytes[i * RECORD_BYTES + Off.flags]! & Flag.BID) !== 0;
  }
  /** True when record `i` carries no level (header only). */
  isEmpty(i: number): boolean {
    return (this.#bytes[i * RECORD_BYTES + Off.flags]! & Flag.EMPTY) !== 0;
  }
  /** Price of record `i` (integer × 10^priceDecimals). */
  price(i: number): number {
    return this.#f64[(i << 3) + 5]!;
  }
  /** Quantity of record `i` (integer × 10^qtyDecimals). */
  qty(i: number): number {
    return this.#f64[(i << 3) + 6]!;
  }
  /** Sequence number of the message. */
  get seq(): number {
    return this.#full ? this.#f64[1]! : this.#seq;
  }
  /** Venue update id of the message. */
  get updateId(): number {
    return this.#full ? this.#f64[2]! : this.#uid;
  }
  /** Exchange event time of the message, ms. */
  get eventTimeMs(): number {
    return this.#full ? this.#f64[3]! : this.#evt;
  }
  /** Receive time of the message, whole seconds. */
  get recvSec(): number {
    return this.#full ? this.#u32[8]! : this.#rs;
  }
  /** Receive time of the message, ns within the second. */
  get recvSubNs(): number {
    return this.#full ? this.#u32[9]! : this.#rn;
  }
  /** Clear reason of the message (0 for other kinds). */
  get reason(): number {
    return (this.#full ? this.#u32[1]! : this.#w1) >>> 16;
  }
  /** Price decimals of the message. */
  get priceDecimals(): number {
    return (this.#full ? this.#u32[1]! : this.#w1) & 0xff;
  }
  /** Quantity decimals of the message. */
  get qtyDecimals(): number {
    return ((this.#full ? this.#u32[1]! : this.#w1) >>> 8) & 0xff;
  }
  /** Instrument index of the message. */
  get instrument(): number {
    return (this.#full ? this.#u32[0]! : this.#w0) >>> 16;
  }
  /** Kind of the message (its first record's). */
  get messageKind(): RecordKind {
    return (this.#full ? this.#bytes[0] : this.#w0 & 0xff) as RecordKind;
  }

  /** Make room for `n` records (keeping those held). Allocates only when growing. */
  ensure(n: number): void {
    if (n * RECORD_BYTES <= this.#bytes.length) return;
    let len = this.#bytes.length;
    while (len < n * RECORD_BYTES) len *= 2;
    const b = new Uint8Array(len);
    b.set(this.#bytes);
    this.#bytes = b;
    this.#view = new DataView(b.buffer);
    this.#u32 = new Uint32Array(b.buffer);
    this.#f64 = new Float64Array(b.buffer);
  }

  /** Append the record at word offset `w` of `src` (16 words), e.g. from a ring. No allocation. */
  copyRecordFrom(src: Uint32Array, w: number): void {
    if (!this.#full) this.#materialize();
    const i = this.count;
    if ((i + 1) * RECORD_BYTES > this.#bytes.length) this.ensure(i + 1);
    const d = this.#u32;
    const o = i << 4;
    for (let k = 0; k < 16; k++) d[o + k] = src[w + k]!;
    this.count = i + 1;
  }

  // Write the repeated header fields of every record added since `begin`.
  #materialize(): void {
    const u = this.#u32;
    const f = this.#f64;
    const b = this.#bytes;
    for (let i = 0; i < this.count; i++) {
      const w = i << 4;
      const q = i << 3;
      u[w] = this.#w0 | (b[(i << 6) + 1]! << 8); // kind, instrument around the flags add() wrote
      u[w + 1] = this.#w1;
      f[q + 1] = this.#seq;
      f[q + 2] = this.#uid;
      f[q + 3] = this.#evt;
      u[w + 8] = this.#rs;
      u[w + 9] = this.#rn;
      f[q + 7] = this.#lost;
    }
    this.#full = true;
  }
}

/** Write one record at byte offset `o` of `v`. No allocation. */
export function writeRecord(
  v: DataView,
  o: number,
  h: MessageHeader,
  flags: number,
  price: number,
  qty: number,
  lost: number,
): void {
  v.setUint8(o + Off.kind, h.kind);
  v.setUint8(o + Off.flags, flags);
  v.setUint16(o + Off.instrument, h.instrument, true);
  v.setUint8(o + Off.priceDecimals, h.priceDecimals);
  v.setUint8(o + Off.qtyDecimals, h.qtyDecimals);
  v.setUint16(o + Off.reason, h.reason, true);
  v.setFloat64(o + Off.seq, h.seq, true);
  v.setFloat64(o + Off.updateId, h.updateId, true);
  v.setFloat64(o + Off.eventTimeMs, h.eventTimeMs, true);
  v.setUint32(o + Off.recvSec, h.recvSec, true);
  v.setUint32(o + Off.recvSubNs, h.recvSubNs, true);
  v.setFloat64(o + Off.price, price, true);
  v.setFloat64(o + Off.qty, qty, true);
  v.setFloat64(o + Off.lost, lost, true);
}

/** Read the header fields of the record at byte offset `o` of `v` into `out`. No allocation. */
export function readHeader(v: DataView, o: number, out: MessageHeader): MessageHeader {
  out.kind = v.getUint8(o + Off.kind) as RecordKind;
  out.instrument = v.getUint16(o + Off.instrument, true);
  out.priceDecimals = v.getUint8(o + Off.priceDecimals);
  out.qtyDecimals = v.getUint8(o + Off.qtyDecimals);
  out.reason = v.getUint16(o + Off.reason, true);
  out.seq = v.getFloat64(o + Off.seq, true);
  out.updateId = v.getFloat64(o + Off.updateId, true);
  out.eventTimeMs = v.getFloat64(o + Off.eventTimeMs, true);
  out.recvSec = v.getUint32(o + Off.recvSec, true);
  out.recvSubNs = v.getUint32(o + Off.recvSubNs, true);
  return out;
}

/** A blank header (allocates: make one per writer/reader and reuse it). */
export function newHeader(): MessageHeader {
  return {
    kind: RecordKind.Update,
    instrument: 0,
    priceDecimals: 0,
    qtyDecimals: 0,
    reason: 0,
    seq: 0,
    updateId: 0,
    eventTimeMs: 0,
    recvSec: 0,
    recvSubNs: 0,
  };
}
