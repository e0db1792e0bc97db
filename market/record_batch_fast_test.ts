/**
 * The in-place accessors of `RecordBatch`: `levelWords` / `flagBytes` hold each record's price,
 * quantity and flags without materializing.
 */
import assert from "node:assert/strict";
import { Flag, newHeader, RecordBatch, RecordKind } from "./record.ts";

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

Deno.test("levelWords and flagBytes give prices, quantities and flags in place", () => {
  const b = filled();
  const f = b.levelWords;
  const fl = b.flagBytes;
  assert.deepEqual([f[5], f[6], f[13], f[14], f[21], f[22]], [250000, 100000, 249999, 0, 250001, 7]);
  assert.deepEqual([fl[1]! & Flag.BID, fl[65]! & Flag.BID, fl[129]! & Flag.BID], [Flag.BID, Flag.BID, 0]);
  assert.equal(fl[129]! & Flag.LAST, Flag.LAST);
  assert.equal(fl[0], 0); // the header was not written: nothing asked for the bytes
});
