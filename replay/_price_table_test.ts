import { equal } from "node:assert/strict";
import { LEARN_KEYS, PriceTable } from "./_price_table.ts";

/** A seeded pseudo-random sequence in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** `t` holds exactly what `ref` holds: size, every get, and forEach. */
function sameAsMap(t: PriceTable, ref: Map<number, number>): void {
  equal(t.size, ref.size);
  for (const [rk, rv] of ref) equal(t.get(rk), rv);
  let n = 0;
  t.forEach((k, v) => {
    equal(ref.get(k), v);
    n++;
  });
  equal(n, ref.size);
}

Deno.test("PriceTable matches a Map over seeded inserts, updates and deletes with colliding keys", () => {
  const rnd = lcg(7);
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
    if (i % 5000 === 0) sameAsMap(t, ref);
  }
  sameAsMap(t, ref);
  t.clear();
  equal(t.size, 0);
  equal(t.get([...ref.keys()][0] ?? 1), -1);
});

Deno.test("PriceTable direct window matches a Map over on-grid, off-grid and far prices", () => {
  const rnd = lcg(11);
  const tick = 1_000_000; // 0.01 at 8 decimals
  const mid = 2_600 * 100_000_000;
  const t = new PriceTable(16);
  const ref = new Map<number, number>();
  const check = () => sameAsMap(t, ref);
  for (let i = 0; i < 60_000; i++) {
    const r = i < 200 ? 0 : rnd(); // on-grid first, so the window is built on the 0.01 grid
    let k: number;
    if (r < 0.8) k = mid + Math.floor((rnd() - 0.5) * 2000) * tick; // near, on the grid
    else if (r < 0.9) k = mid + Math.floor((rnd() - 0.5) * 2000) * tick + 1 + Math.floor(rnd() * 999); // off-grid
    else if (r < 0.95) k = mid + (40_000 + Math.floor(rnd() * 1000)) * tick * (rnd() < 0.5 ? -1 : 1); // outside the window
    else k = Math.floor(rnd() * 2 ** 52); // anywhere
    t.key = k;
    const found = t.find();
    equal(found, ref.has(k) ? ref.get(k)! : -1);
    if (rnd() < 0.4) {
      equal(t.deleteKey(), found);
      ref.delete(k);
    } else if (found === -1) {
      const v = Math.floor(rnd() * 1e6);
      t.insertFound(v); // right after the missed find()
      ref.set(k, v);
    } else {
      const v = Math.floor(rnd() * 1e6);
      t.set(k, v);
      ref.set(k, v);
    }
    if (i % 7919 === 0) check();
    if (i === 30_000) {
      t.clear();
      ref.clear();
      check();
    }
  }
  equal(t.tick, tick); // the window was in use; off-grid and far keys went to the hash part
  check();
});

Deno.test("PriceTable detects the tick after LEARN_KEYS keys and keeps earlier keys reachable", () => {
  const t = new PriceTable();
  const tick = 1_000_000;
  for (let i = 0; i < LEARN_KEYS - 1; i++) t.set(5_000_000_000 + i * 3 * tick, i);
  equal(t.tick, 0);
  t.set(5_000_000_000 - tick, 999);
  equal(t.tick, tick);
  for (let i = 0; i < LEARN_KEYS - 1; i++) equal(t.get(5_000_000_000 + i * 3 * tick), i);
  equal(t.get(5_000_000_000 - tick), 999);
  equal(t.get(5_000_000_000 + tick), -1);
  equal(t.size, LEARN_KEYS);
  equal(t.delete(5_000_000_000), 0);
  equal(t.size, LEARN_KEYS - 1);
});

Deno.test("PriceTable never builds a window for non-integer keys", () => {
  const t = new PriceTable();
  for (let i = 0; i < 200; i++) t.set(0.5 + i, i);
  equal(t.tick, -1);
  for (let i = 0; i < 200; i++) equal(t.get(0.5 + i), i);
});
