/**
 * Private: one consumed book's scale kept in step with the messages it applies. A message
 * carries its own decimals (a JSON payload decodes at its own precision; a binary one at the
 * publisher's scale in force). The book is held at the finest scale seen: a finer message
 * rescales the book exactly first (as the publisher's own scale raise does); a coarser one is
 * scaled up to the book's. When a value would pass 2^53 at the finer scale, a snapshot is taken
 * at its own scale (it replaces the book); for another message the book is dropped and stays
 * invalid until the next snapshot. Allocates only on a rescale of the book (rare).
 * @module
 */
import { Flag, Off, RECORD_BYTES, type RecordBatch, RecordKind } from "../market/record.ts";
import { POW10 } from "../venues/decimal.ts";
import type { ConsumedBook } from "./consumed_book.ts";

/**
 * Bring `batch` (a book message) and `b`'s book to one scale. Returns "" or, when the book had
 * to be dropped, why (the caller reports the book invalid).
 */
export function alignScale(b: ConsumedBook, batch: RecordBatch): string {
  const inst = b.instrument;
  const v = batch.view;
  const mp = v.getUint8(Off.priceDecimals);
  const mq = v.getUint8(Off.qtyDecimals);
  const tp = Math.max(inst.priceDecimals, mp);
  const tq = Math.max(inst.qtyDecimals, mq);
  if ((tp > mp || tq > mq) && !scaleBatch(batch, tp - mp, tq - mq)) {
    if (batch.messageKind === RecordKind.Snapshot) { // it replaces the book: take its scale
      inst.priceDecimals = mp;
      inst.qtyDecimals = mq;
      return "";
    }
    return drop(b, tp, tq);
  }
  if (tp > inst.priceDecimals || tq > inst.qtyDecimals) {
    const r = b.replica;
    const kept = batch.messageKind === RecordKind.Snapshot ||
      r.book.rescale(tp - inst.priceDecimals, tq - inst.qtyDecimals);
    inst.priceDecimals = tp;
    inst.qtyDecimals = tq;
    if (!kept) return drop(b, tp, tq);
  }
  return "";
}

function drop(b: ConsumedBook, pd: number, qd: number): string {
  const r = b.replica;
  const was = r.valid;
  r.book.clear();
  r.valid = false;
  return was ? `book cannot be held at 10^-${pd} / 10^-${qd} (beyond 2^53); awaiting a snapshot` : "";
}

/**
 * Every record's price × 10^`kp` and qty × 10^`kq` (k >= 0), its decimals raised; false (and
 * unchanged) when a value would pass 2^53.
 */
export function scaleBatch(batch: RecordBatch, kp: number, kq: number): boolean {
  const v = batch.view;
  const mp = POW10[kp]!;
  const mq = POW10[kq]!;
  const n = batch.count;
  for (let i = 0; i < n; i++) {
    const o = i * RECORD_BYTES;
    if ((v.getUint8(o + Off.flags) & Flag.EMPTY) !== 0) continue;
    if (
      v.getFloat64(o + Off.price, true) * mp > Number.MAX_SAFE_INTEGER ||
      v.getFloat64(o + Off.qty, true) * mq > Number.MAX_SAFE_INTEGER
    ) return false;
  }
  for (let i = 0; i < n; i++) {
    const o = i * RECORD_BYTES;
    v.setUint8(o + Off.priceDecimals, v.getUint8(o + Off.priceDecimals) + kp);
    v.setUint8(o + Off.qtyDecimals, v.getUint8(o + Off.qtyDecimals) + kq);
    if ((v.getUint8(o + Off.flags) & Flag.EMPTY) !== 0) continue;
    v.setFloat64(o + Off.price, v.getFloat64(o + Off.price, true) * mp, true);
    v.setFloat64(o + Off.qty, v.getFloat64(o + Off.qty, true) * mq, true);
  }
  return true;
}
