import { deepEqual, equal, ok } from "node:assert/strict";
import { xorshift32 } from "../spsc/_prng.ts";
import { BookSide, L2Book } from "./book.ts";

function reference(side: Map<number, number>, isBid: boolean): [number, number][] {
  return [...side.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
}

function levels(side: BookSide): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < side.size; i++) out.push([side.priceAt(i), side.qtyAt(i)]);
  return out;
}

for (const isBid of [true, false]) {
  Deno.test(`BookSide (${isBid ? "bids" : "asks"}) matches a naive Map model over 200k seeded updates`, () => {
    const side = new BookSide(isBid, 4); // tiny capacity: growth is exercised too
    const model = new Map<number, number>();
    let s = isBid ? 12345 : 67890;
    for (let i = 0; i < 200_000; i++) {
      s = xorshift32(s);
      // Prices cluster near the top (like real flow) but sometimes land deep.
      const deep = (s & 7) === 0;
      s = xorshift32(s);
      const price = 1_000_000 + (isBid ? -1 : 1) * (deep ? s % 5000 : s % 40);
      s = xorshift32(s);
      const qty = (s & 3) === 0 ? 0 : (s >>> 4) % 1000 + 1;
      const prev = side.set(price, qty);
      equal(prev, model.get(price) ?? 0);
      if (qty === 0) model.delete(price);
      else model.set(price, qty);
      if (i % 5000 === 0) deepEqual(levels(side), reference(model, isBid));
    }
    deepEqual(levels(side), reference(model, isBid));
    const best = reference(model, isBid)[0]!;
    equal(side.bestPrice(), best[0]);
    equal(side.bestQty(), best[1]);
  });
}

Deno.test("BookSide: qty 0 on an absent level is a no-op; get returns 0 for absent levels", () => {
  const side = new BookSide(true);
  equal(side.set(100, 0), 0);
  equal(side.size, 0);
  ok(Number.isNaN(side.bestPrice()));
  side.set(100, 5);
  equal(side.get(100), 5);
  equal(side.get(101), 0);
  equal(side.set(100, 7), 5);
  equal(side.set(100, 0), 7);
  equal(side.size, 0);
});

Deno.test("L2Book detects a crossed book", () => {
  const b = new L2Book();
  b.bids.set(100, 1);
  b.asks.set(101, 1);
  equal(b.isCrossed(), false);
  b.bids.set(101, 1);
  equal(b.isCrossed(), true);
  b.clear();
  equal(b.isCrossed(), false);
  equal(b.updateId, 0);
});
