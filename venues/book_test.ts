import { deepEqual, equal, ok } from "node:assert/strict";
import { xorshift32 } from "../spsc/_prng.ts";
import { BookSide, L2Book, PROMOTE_AT, ROI_TICKS } from "./book.ts";

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

// A side checked against a Map model after every `check` updates: levels in order, best, get,
// totalQty, forEach, and a random priceAt/qtyAt probe (the cursor must survive random access).
function modelRun(
  isBid: boolean,
  seed: number,
  steps: number,
  check: number,
  nextPrice: (s: number, i: number) => number,
): BookSide {
  const side = new BookSide(isBid, 8);
  const model = new Map<number, number>();
  let s = seed;
  for (let i = 0; i < steps; i++) {
    s = xorshift32(s);
    const price = nextPrice(s, i);
    s = xorshift32(s);
    const qty = (s & 3) === 0 ? 0 : (s >>> 4) % 1000 + 1;
    equal(side.set(price, qty), model.get(price) ?? 0, `prev at step ${i}`);
    if (qty === 0) model.delete(price);
    else model.set(price, qty);
    if (i % check === 0 || i === steps - 1) {
      const ref = reference(model, isBid);
      deepEqual(levels(side), ref, `levels at step ${i}`);
      equal(side.size, ref.length);
      equal(side.bestPrice(), ref.length > 0 ? ref[0]![0] : NaN);
      equal(side.bestQty(), ref.length > 0 ? ref[0]![1] : 0);
      equal(side.get(price), model.get(price) ?? 0);
      equal(side.totalQty(), ref.reduce((a, l) => a + l[1], 0));
      const walked: [number, number][] = [];
      side.forEach((p, q) => walked.push([p, q]));
      deepEqual(walked, ref);
      if (ref.length > 0) {
        const d = (s >>> 8) % ref.length;
        equal(side.priceAt(d), ref[d]![0]);
        equal(side.qtyAt(d), ref[d]![1]);
        equal(side.priceAt(0), ref[0]![0]);
      }
      ok(Number.isNaN(side.priceAt(ref.length)));
      equal(side.qtyAt(-1), 0);
    }
  }
  return side;
}

for (const isBid of [true, false]) {
  const name = isBid ? "bids" : "asks";
  Deno.test(`BookSide (${name}) on a coarse grid with off-grid and far-away prices matches the model`, () => {
    // Tick 10^6 (0.01 at scale 8): mostly on the grid near the top, some off the grid, some far
    // outside the price window (both directions), some exactly at its edges.
    const TICK = 1_000_000;
    const MID = 268_000_000_000;
    modelRun(isBid, isBid ? 99 : 77, 150_000, 3000, (s, i) => {
      const r = s % 100;
      const dir = isBid ? -1 : 1;
      if (i < 200 || r < 80) return MID + dir * ((s >>> 7) % 300) * TICK;
      if (r < 88) return MID + dir * ((s >>> 7) % 300) * TICK + 1 + ((s >>> 3) % (TICK - 1));
      if (r < 94) return MID + (((s >>> 7) % 2) * 2 - 1) * ((s >>> 9) % 200_000) * TICK;
      return MID + dir * (ROI_TICKS / 2 - 2 + ((s >>> 7) % 5)) * TICK;
    });
  });

  Deno.test(`BookSide (${name}) follows a market that drifts far outside its price window`, () => {
    // The mid walks about two window widths (2 ticks a step, net); levels stay near it.
    const TICK = 5;
    let mid = 4_000_000_000;
    const side = modelRun(isBid, isBid ? 5 : 6, 60_000, 3000, (s) => {
      mid += (isBid ? 1 : -1) * TICK * (s % 3 === 0 ? -2 : 4);
      return mid + (isBid ? -1 : 1) * ((s >>> 5) % 50) * TICK;
    });
    ok(side.size > 0);
  });
}

Deno.test("BookSide: clear() forgets the detected tick; a new grid is detected after it", () => {
  const side = new BookSide(true);
  for (let i = 0; i < PROMOTE_AT * 2; i++) side.set(1_000_000 - i * 100, i + 1);
  equal(side.bestPrice(), 1_000_000);
  equal(side.get(1_000_000 - 100 * 7), 8);
  side.clear();
  equal(side.size, 0);
  ok(Number.isNaN(side.bestPrice()));
  equal(side.get(1_000_000), 0);
  equal(side.totalQty(), 0);
  // Now a grid of 3 that is not a multiple of the old one.
  for (let i = 0; i < PROMOTE_AT * 2; i++) side.set(999_999 - i * 3, 2);
  side.set(1_000_000, 9); // off the new grid: must still be the best
  equal(side.bestPrice(), 1_000_000);
  equal(side.bestQty(), 9);
  equal(side.priceAt(1), 999_999);
  equal(side.size, PROMOTE_AT * 2 + 1);
  equal(side.set(1_000_000, 0), 9);
  equal(side.bestPrice(), 999_999);
});

Deno.test("BookSide: prices too coarse for a safe window stay in the sorted store and stay exact", () => {
  const side = new BookSide(false);
  const step = 2 ** 40; // ROI_TICKS × step exceeds 2^52: no window may be used
  for (let i = 0; i < PROMOTE_AT + 10; i++) side.set(2 ** 45 + i * step, i + 1);
  equal(side.size, PROMOTE_AT + 10);
  equal(side.bestPrice(), 2 ** 45);
  equal(side.qtyAt(3), 4);
  equal(side.set(2 ** 45, 0), 1);
  equal(side.bestPrice(), 2 ** 45 + step);
});

for (const isBid of [true, false]) {
  Deno.test(`BookSide (${isBid ? "bids" : "asks"}) re-centres when the book empties and refills far away`, () => {
    const side = new BookSide(isBid);
    const TICK = 100;
    let mid = 10_000_000_000;
    for (let k = 0; k < 6; k++) {
      const model: [number, number][] = [];
      for (let i = 0; i < 2 * PROMOTE_AT; i++) {
        const p = mid + (isBid ? -i : i) * TICK;
        side.set(p, i + 1);
        model.push([p, i + 1]);
      }
      deepEqual(levels(side), model);
      for (const [p, q] of model) equal(side.set(p, 0), q);
      equal(side.size, 0);
      mid += (k % 2 === 0 ? -3 : 2) * ROI_TICKS * TICK; // far outside the window, both ways
    }
  });
}

for (const isBid of [true, false]) {
  const name = isBid ? "bids" : "asks";
  Deno.test(`BookSide (${name}) on a large odd tick: window edges and off-grid prices by one stay exact`, () => {
    // The window index is a rounded product by 1/tick checked by multiplying back: a large odd
    // tick (a window just below 2^52) and prices one off the grid, at and just past both window
    // edges, must land exactly where the model says.
    const TICK = 68_719_476_731; // odd, 2^36 - 5: ROI_TICKS × TICK = 2^52 - 327_680
    const BASE = 100_000; // the window's first price: base + span stays below 2^52
    const MID = BASE + 20_000 * TICK; // the first best (fewer than ROI_TICKS / 2 ticks above 0)
    modelRun(isBid, isBid ? 31 : 37, 40_000, 1000, (s, i) => {
      const dir = isBid ? -1 : 1;
      if (i < 200) return MID + dir * (i % 100) * TICK; // detect the grid, window on MID
      const r = s % 10;
      const k = (s >>> 5) % 64;
      if (r < 4) return MID + dir * k * TICK;
      // Around both window edges (indices 0, 1 and ROI_TICKS - 2 .. ROI_TICKS + 1), on the grid
      // or one off it.
      const idx = (s >>> 11) % 2 === 0 ? k % 3 : ROI_TICKS - 2 + (k % 4);
      const nudge = r < 6 ? 0 : r < 8 ? 1 : -1;
      return BASE + idx * TICK + nudge;
    });
  });
}

Deno.test("BookSide: a price one off the grid or just outside the window is kept apart from the window", () => {
  const side = new BookSide(true);
  const TICK = 1000;
  // Grid detected on the first PROMOTE_AT levels; the window is centred on the best (1_000_000_000).
  for (let i = 0; i < PROMOTE_AT; i++) side.set(1_000_000_000 - i * TICK, 1);
  const base = 1_000_000_000 - (ROI_TICKS / 2) * TICK;
  const past = base + ROI_TICKS * TICK; // one tick past the window's last index
  side.set(base, 2); // first window index
  side.set(base - TICK, 3); // just below the window
  side.set(base + 1, 4); // off the grid by one
  side.set(past - TICK, 5); // last window index (a new best)
  side.set(past, 6); // just above the window (a new best, re-centres)
  side.set(past - 1, 7); // off the grid by one, below the best
  equal(side.get(base), 2);
  equal(side.get(base - TICK), 3);
  equal(side.get(base + 1), 4);
  equal(side.get(past - TICK), 5);
  equal(side.get(past), 6);
  equal(side.get(past - 1), 7);
  equal(side.get(base - 1), 0);
  equal(side.get(past + 1), 0);
  equal(side.bestPrice(), past);
  equal(side.priceAt(1), past - 1);
  equal(side.priceAt(2), past - TICK);
  equal(side.size, PROMOTE_AT + 6);
  equal(side.set(base + 1, 0), 4);
  equal(side.set(past, 0), 6);
  equal(side.bestPrice(), past - 1);
});
