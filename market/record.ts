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

import { type MessageHeader, Off, RecordKind } from "./_record_layout.ts";

export {
  Flag,
  type MessageHeader,
  Off,
  RECORD_BYTES,
  RECORD_KIND_NAMES,
  RecordKind,
} from "./_record_layout.ts";
export { RecordBatch } from "./record_batch.ts";

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
  const h: MessageHeader = {
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
  // Ids and times are doubles from the start: else the first message changes the object's
  // layout and V8 throws away the code compiled for the old one.
  h.seq =
    h.updateId =
    h.eventTimeMs =
    h.recvSec =
      0.5;
  h.seq =
    h.updateId =
    h.eventTimeMs =
    h.recvSec =
      0;
  return h;
}
