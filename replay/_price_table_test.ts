import { equal } from "node:assert/strict";
import { PriceTable } from "./_price_table.ts";

Deno.test("PriceTable matches a Map over seeded inserts, updates and deletes with colliding keys", () => {
  let s = 7;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const t = new PriceTable(16); // tiny: forces growth
  const ref = new Map<number, number>();
  for (let i = 0; i < 50_000; i++) {
    // Keys above 2^32 that share low or high halves, to stress the hash and backward-shift deletion.
    const k = (Math.floor(rnd() * 64) * 2 ** 32) + Math.floor(rnd() * 64) * 4096;
    if (rnd() < 0.4) {
      equal(t.delete(k), ref.has(k) ? ref.get(k)! : -1);
      ref.delete(k);
    } else {
      const v = Math.floor(rnd() * 1e6);
      t.set(k, v);
      ref.set(k, v);
    }
    if (i % 5000 === 0) { for (const [rk, rv] of ref) equal(t.get(rk), rv); }
  }
  equal(t.size, ref.size);
  for (const [k, v] of ref) equal(t.get(k), v);
  let n = 0;
  t.forEach((k, v) => {
    equal(ref.get(k), v);
    n++;
  });
  equal(n, ref.size);
  t.clear();
  equal(t.size, 0);
  equal(t.get([...ref.keys()][0] ?? 1), -1);
});
