/**
 * The in-place accessors of `RecordBatch`: `writeRecordTo` writes the same 64 bytes per record
 * as the materialized batch (header fields included, before and after the bytes were read), and
 * `levelWords` / `flagBytes` hold each record's price, quantity and flags without materializing.
 */
import assert from "node:assert/strict";
import { Flag, newHeader, RECORD_BYTES, RecordBatch, RecordKind } from "./record.ts";

function filled(): RecordBatch {
  const b = new RecordBatch(2); // grows below
  const h = newHeader();
  h.kind = RecordKind.Update;
  h.instrument = 3;
  h.priceDecimals = 2;
  h.qtyDecimals = 5;
  h.seq = 77;
  h.updateId = 123456789012;
  h.eventTimeMs = 1723075200123;
  h.recvSec = 1723075200;
  h.recvSubNs = 999_999_999;
  b.begin(h);
  b.addLevels(Flag.BID, new Float64Array([250000, 249999]), new Float64Array([100000, 0]), 2);
  b.add(0, 250001, 7);
  b.setLost(4);
  b.finish(false);
  return b;
}

function writtenBy(b: RecordBatch): Uint8Array {
  const buf = new ArrayBuffer((b.count + 1) * RECORD_BYTES);
  const u32 = new Uint32Array(buf);
  const f64 = new Float64Array(buf);
  // Offset by one record: the destination index is honoured.
  for (let i = 0; i < b.count; i++) f64.fill(NaN, (i + 1) << 3, (i + 2) << 3);
  for (let i = 0; i < b.count; i++) b.writeRecordTo(i, u32, f64, (i + 1) << 3);
  return new Uint8Array(buf, RECORD_BYTES);
}

Deno.test("writeRecordTo writes the materialized record bytes, lazily or not", () => {
  const lazy = writtenBy(filled());
  const b = filled();
  const ref = b.bytes.slice(0, b.count * RECORD_BYTES); // materializes
  assert.deepEqual(lazy, ref);
  assert.deepEqual(writtenBy(b), ref); // the materialized batch copies its bytes
  // A wrong field would show: the reference holds the header in every record.
  assert.equal(new DataView(ref.buffer).getFloat64(2 * RECORD_BYTES + 16, true), 123456789012);
});

Deno.test("levelWords and flagBytes give prices, quantities and flags in place", () => {
  const b = filled();
  const f = b.levelWords;
  const fl = b.flagBytes;
  assert.deepEqual([f[5], f[6], f[13], f[14], f[21], f[22]], [250000, 100000, 249999, 0, 250001, 7]);
  assert.deepEqual([fl[1]! & Flag.BID, fl[65]! & Flag.BID, fl[129]! & Flag.BID], [Flag.BID, Flag.BID, 0]);
  assert.equal(fl[129]! & Flag.LAST, Flag.LAST);
  assert.equal(fl[0], 0); // the header was not written: nothing asked for the bytes
});
