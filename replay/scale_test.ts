import { equal } from "node:assert/strict";
import { MemoryTarget } from "./out_buffer.ts";
import { JsonlWriter, TextWriter } from "./writers.ts";
import { InferredKind, Side } from "./schema.ts";
import { eventOf } from "./_test_event.ts";

// A PEPE-like event: price 0.00000123 at 10^-8, quantity 123456789012 at 10^0 (its lot is 1).
const pepe = eventOf({
  seq: 0,
  updateId: 7,
  side: Side.Bid,
  kind: InferredKind.Snapshot,
  orderId: 1,
  price: 123,
  qty: 123456789012,
  levelQtyAfter: 123456789012,
  priceDecimals: 8,
  qtyDecimals: 0,
});

Deno.test("the text writer prints each event at the scale it states (0 decimals: no point)", () => {
  const t = new MemoryTarget();
  const w = new TextWriter(t);
  w.write(pepe);
  w.write(eventOf({ ...pepe, seq: 1, price: 250012, priceDecimals: 2, qty: 12345, qtyDecimals: 5 }));
  w.flush();
  const lines = new TextDecoder().decode(t.bytes()).split("\n");
  equal(lines[0], "0 u=7 E=0 t=0.000000000 bid snapshot #1 0.00000123 x 123456789012 -> 123456789012");
  equal(lines[1], "1 u=7 E=0 t=0.000000000 bid snapshot #1 2500.12 x 0.12345 -> 1234567.89012");
});

Deno.test("every JSONL event states its scale", () => {
  const t = new MemoryTarget();
  const w = new JsonlWriter(t);
  w.write(pepe);
  w.flush();
  const o = JSON.parse(new TextDecoder().decode(t.bytes()));
  equal(o.price_ticks, 123);
  equal(o.qty_lots, 123456789012);
  equal(o.price_decimals, 8);
  equal(o.qty_decimals, 0);
});
