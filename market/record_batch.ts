/**
 * {@linkcode RecordBatch}: the records of one venue message in a reusable buffer, written
 * without allocation (layout: `_record_layout.ts`; contract: `record.ts`).
 * @module
 */
import { Flag, type MessageHeader, Off, RECORD_BYTES, type RecordKind } from "./_record_layout.ts";

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
    // Doubles from the start (ids and times are beyond the small integers): else the first
    // message changes the object's layout and V8 throws away the code compiled for the old one.
    this.#seq =
      this.#uid =
      this.#evt =
      this.#rs =
      this.#lost =
        0.5;
    this.#seq =
      this.#uid =
      this.#evt =
      this.#rs =
      this.#lost =
        0;
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

  /**
   * The record words as float64 WITHOUT writing the repeated header fields (unlike {@linkcode f64}):
   * only each record's price (`[(i << 3) + 5]`) and quantity (`[(i << 3) + 6]`) are meant to be
   * read here, in place, by a consumer on this thread. Valid until the next write or growth.
   */
  get levelWords(): Float64Array {
    return this.#f64;
  }
  /**
   * The record bytes WITHOUT writing the repeated header fields (unlike {@linkcode bytes}): only
   * each record's flags (`[(i << 6) + 1]`) are meant to be read here. Valid until the next write
   * or growth.
   */
  get flagBytes(): Uint8Array {
    return this.#bytes;
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

  /**
   * Append `n` records of one side (`flags`, prices `px[0, n)`, quantities `qty[0, n)`) to the
   * message begun: one capacity check, then a plain strided copy. Same records as `n` calls of
   * {@linkcode add}. No allocation but growth.
   */
  addLevels(flags: number, px: Float64Array, qty: Float64Array, n: number): void {
    const i0 = this.count;
    if (n <= 0) return;
    if ((i0 + n) * RECORD_BYTES > this.#bytes.length) this.ensure(i0 + n);
    const f = this.#f64;
    const b = this.#bytes;
    let q = (i0 << 3) + 5;
    let o = (i0 << 6) + 1;
    for (let k = 0; k < n; k++) {
      b[o] = flags;
      f[q] = px[k]!;
      f[q + 1] = qty[k]!;
      q += 8;
      o += 64;
    }
    this.count = i0 + n;
    this.#full = false;
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
  /** Messages lost before a `gap` marker (0 for other kinds). */
  get lost(): number {
    return this.#full ? this.#f64[7]! : this.#lost;
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
