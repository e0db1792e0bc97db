import assert from "node:assert/strict";
import { formatMessageJson } from "../market/json.ts";
import { Flag, newHeader, RecordBatch, RecordKind } from "../market/record.ts";
import { PayloadDecoder } from "./decode.ts";

function batch(): RecordBatch {
  const h = newHeader();
  h.kind = RecordKind.Update;
  h.instrument = 9;
  h.priceDecimals = 8;
  h.qtyDecimals = 8;
  h.seq = 5;
  h.updateId = 77;
  const b = new RecordBatch();
  b.begin(h);
  b.add(Flag.BID, 6173763000000, 150000000);
  b.add(0, 6173800000000, 0);
  b.finish(false);
  return b;
}

Deno.test("decode: binary and JSON payloads give the same values; instrument rewritten", () => {
  const b = batch();
  const d = new PayloadDecoder(2, "BTCUSDT");
  assert.equal(d.decode(b.bytes.slice(0, b.count * 64)), "");
  assert.equal(d.batch.count, 2);
  assert.equal(d.batch.view.getUint16(2, true), 2);
  assert.equal(d.batch.price(0), 6173763000000);
  const json = formatMessageJson(b.view, b.count, {
    id: 9,
    venue: "binance",
    market: "spot",
    symbol: "BTCUSDT",
    priceDecimals: 8,
    qtyDecimals: 8,
  });
  assert.equal(d.decode(new TextEncoder().encode(json)), "");
  assert.equal(d.batch.count, 2);
  assert.equal(d.batch.seq, 5);
  // JSON at its own precision: 61737.63 / 1.5 (the binary form held them at 10^-8).
  assert.deepEqual([d.batch.priceDecimals, d.batch.qtyDecimals], [2, 1]);
  assert.equal(d.batch.price(0), 6173763);
  assert.equal(d.batch.qty(0), 15);
  assert.equal(d.batch.qty(1), 0);
  assert.equal(d.batch.isBid(0), true);
});

Deno.test("decode: foreign payloads are refused with a reason, never thrown", () => {
  const d = new PayloadDecoder(0, "BTCUSDT");
  const enc = (s: string) => new TextEncoder().encode(s);
  for (
    const [p, why] of [
      [new Uint8Array(0), /empty/],
      [enc("hello"), /64-byte|kind/],
      [enc("{not json"), /not JSON/],
      [enc('{"kind":"update"}'), /not a normalized/],
      [enc('{"kind":"update","seq":1,"symbol":"ETHUSDT"}'), /ETHUSDT/],
      [enc('{"kind":"update","seq":1,"symbol":"BTCUSDT","bids":[["1.1234567890123456","1"]]}'), /15 places/],
      [new Uint8Array(64).fill(9), /kind 9/],
      [new Uint8Array(128).fill(0).map((_, i) => (i % 64 === 0 ? 2 : 0)), /one message/],
    ] as const
  ) {
    assert.match(d.decode(p as Uint8Array), why as RegExp);
  }
});
