import assert from "node:assert/strict";
import { bookToJson } from "../venues/book_json.ts";
import { takeMessage } from "./_book_apply.ts";
import { ConsumedBook } from "./consumed_book.ts";
import { JSON_SCALE, PayloadDecoder } from "./decode.ts";

const enc = new TextEncoder();
const head = `{"venue":"binance","market":"spot","symbol":"PEPEUSDT"`;
const tail = `"event_time_ms":1,"recv_time_ns":"1723161255211402113"`;

function book(seq: number, kind: string, bids: [string, string][], asks: [string, string][]): Uint8Array {
  return enc.encode(
    `${head},"seq":${seq},"kind":"${kind}","update_id":${seq},${tail},` +
      `"bids":${JSON.stringify(bids)},"asks":${JSON.stringify(asks)}}`,
  );
}

function rig() {
  const b = new ConsumedBook(0, "binance", "spot", "PEPEUSDT");
  const invalid: string[] = [];
  const hooks = { log: () => {}, invalid: (_: ConsumedBook, why: string) => void invalid.push(why) };
  const take = (data: Uint8Array) => {
    assert.equal(b.decoder.decode(data), "");
    takeMessage(b, "book", data, hooks);
  };
  // The book as decimal strings, trailing zeros trimmed (the scale it is held at does not show).
  const trim = (s: string) => s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  const levels = () => {
    const j = bookToJson(b.replica.book, {
      venue: "binance",
      symbol: "PEPEUSDT",
      priceScale: b.instrument.priceDecimals,
      qtyScale: b.instrument.qtyDecimals,
    });
    return [j.bids, j.asks].map((side) => side.map(([p, q]) => [trim(p), trim(q)]));
  };
  return { b, invalid, take, levels };
}

Deno.test("decode: JSON at the message's own precision, past what 10^8 could hold", () => {
  const d = new PayloadDecoder(0, "PEPEUSDT");
  assert.equal(d.decode(book(1, "update", [["0.00000123", "123456789012.00"]], [["0.0000013", "5"]])), "");
  assert.deepEqual([d.batch.priceDecimals, d.batch.qtyDecimals], [8, 0]);
  assert.deepEqual([d.batch.price(0), d.batch.qty(0), d.batch.price(1), d.batch.qty(1)], [
    123,
    123456789012,
    130,
    5,
  ]);
  const trade =
    `${head},"seq":1,"kind":"trade","update_id":7,${tail},"price":"0.5","qty":"2.25","side":"buy"}`;
  assert.equal(d.decode(enc.encode(trade)), "");
  assert.deepEqual([d.batch.priceDecimals, d.batch.qtyDecimals, d.batch.price(0), d.batch.qty(0)], [
    1,
    2,
    5,
    225,
  ]);
  assert.equal(d.decode(book(2, "update", [["1", "1"]], [])), "");
  assert.deepEqual([d.batch.priceDecimals, d.batch.qtyDecimals], [0, 0]);
});

Deno.test("decode: bad levels and too fine values are refused with a reason; a fixed scale refuses finer values", () => {
  const d = new PayloadDecoder(0, "PEPEUSDT");
  assert.match(d.decode(book(1, "update", [["1.0000000000000001", "1"]], [])), /more than 15 places/);
  assert.match(d.decode(book(1, "update", [["99999999999999999", "1"]], [])), /below 2\^53/);
  assert.match(d.decode(book(1, "update", [["1e5", "1"]], [])), /places/);
  assert.match(
    d.decode(enc.encode(`${head},"seq":1,"kind":"update","bids":[[1,"2"]]}`)),
    /two decimal strings/,
  );
  assert.match(d.decode(enc.encode(`${head},"seq":1,"kind":"update","bids":["x"]}`)), /two decimal strings/);
  const fixed = new PayloadDecoder(0, "PEPEUSDT", JSON_SCALE);
  assert.match(fixed.decode(book(1, "update", [["1.123456789", "1"]], [])), /8 places/);
  assert.equal(fixed.decode(book(1, "update", [["1.5", "1"]], [])), "");
  assert.deepEqual([fixed.batch.priceDecimals, fixed.batch.price(0)], [8, 150000000]);
});

Deno.test("consumed book: a finer message rescales the book exactly; a coarser one is scaled up to it", () => {
  const { b, invalid, take, levels } = rig();
  take(book(1, "snapshot", [["0.00000123", "123456789012"], ["0.0000012", "7"]], [["0.0000013", "5"]]));
  assert.deepEqual([b.instrument.priceDecimals, b.instrument.qtyDecimals], [8, 0]);
  take(book(2, "update", [["0.0000012", "0.5"]], [])); // finer quantity: the book goes to 10^-1
  assert.deepEqual([b.instrument.priceDecimals, b.instrument.qtyDecimals], [8, 1]);
  take(book(3, "update", [["0.000001", "3"]], [["0.0000013", "0"]])); // coarser: scaled up
  assert.deepEqual([b.instrument.priceDecimals, b.instrument.qtyDecimals], [8, 1]);
  assert.deepEqual(levels(), [[["0.00000123", "123456789012"], ["0.0000012", "0.5"], ["0.000001", "3"]], []]);
  assert.equal(b.replica.valid, true);
  assert.deepEqual(invalid, []);
});

Deno.test("consumed book: a scale the book cannot be held at drops it until a snapshot, which takes its own scale", () => {
  const { b, invalid, take, levels } = rig();
  take(book(1, "snapshot", [["0.00000123", "123456789012"]], [["0.0000013", "5"]]));
  take(book(2, "update", [["0.0000011", "0.00001"]], [])); // 123456789012 × 10^5 passes 2^53
  assert.equal(b.replica.valid, false);
  assert.match(invalid.join(), /cannot be held at 10\^-8 \/ 10\^-5/);
  take(book(3, "update", [["0.0000011", "1"]], [])); // still invalid: no snapshot yet
  assert.equal(b.replica.valid, false);
  take(book(4, "snapshot", [["0.00000123", "123456789012"]], [])); // too big at 10^-5: its own scale
  assert.equal(b.replica.valid, true);
  assert.deepEqual([b.instrument.priceDecimals, b.instrument.qtyDecimals], [8, 0]);
  assert.deepEqual(levels(), [[["0.00000123", "123456789012"]], []]);
  assert.equal(invalid.length, 1);
});
