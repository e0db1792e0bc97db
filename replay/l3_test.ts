import { deepEqual, equal, ok } from "node:assert/strict";
import { type CancelModel, type FillAttribution, L3Book, NO_FILLS } from "./l3.ts";
import { type EventSink, type InferredEvent, InferredKind, Side } from "./schema.ts";
import { CollectSink, eventOf } from "./_test_event.ts";

/** Records events and checks, after EVERY event, that a level's orders sum to its quantity. */
class CheckingSink implements EventSink {
  events: InferredEvent[] = [];
  orders = new Map<number, { side: number; price: number; qty: number }>();
  level = new Map<string, number>();
  write(ev: InferredEvent): void {
    this.events.push(eventOf(ev));
    const key = `${ev.side}:${ev.price}`;
    if (ev.kind === InferredKind.Clear) {
      for (const [id, o] of this.orders) if (o.side === ev.side) this.orders.delete(id);
      for (const k of [...this.level.keys()]) if (k.startsWith(`${ev.side}:`)) this.level.delete(k);
      return;
    }
    const o = this.orders.get(ev.orderId) ?? { side: ev.side, price: ev.price, qty: 0 };
    const sign = ev.kind === InferredKind.Add || ev.kind === InferredKind.Snapshot ? 1 : -1;
    o.qty += sign * ev.qty;
    ok(o.qty >= 0, `order ${ev.orderId} went negative`);
    ok(ev.qty > 0, "events carry a positive quantity");
    if (o.qty === 0) this.orders.delete(ev.orderId);
    else this.orders.set(ev.orderId, o);
    let sum = 0;
    for (const x of this.orders.values()) if (x.side === ev.side && x.price === ev.price) sum += x.qty;
    equal(sum, ev.levelQtyAfter, `orders of ${key} sum to the level after event ${ev.seq}`);
    this.level.set(key, ev.levelQtyAfter);
  }
}

const fills = (n: number): FillAttribution => ({ fillFor: () => n });

Deno.test("L3Book adds at the tail, fills from the head and cancels from the tail by default", () => {
  const sink = new CheckingSink();
  const l3 = new L3Book(sink);
  l3.snapshotLevel(Side.Bid, 100, 5);
  l3.change(Side.Bid, 100, 8, NO_FILLS); // +3 at tail
  l3.change(Side.Bid, 100, 10, NO_FILLS); // +2 at tail
  deepEqual(l3.queue(Side.Bid, 100), [5, 3, 2]);
  l3.change(Side.Bid, 100, 4, fills(2)); // -6: fill 2 from head, cancel 4 from tail
  deepEqual(l3.queue(Side.Bid, 100), [3, 1]);
  const kinds = sink.events.map((e) => [e.kind, e.orderId, e.qty, e.levelQtyAfter]);
  deepEqual(kinds, [
    [InferredKind.Snapshot, 1, 5, 5],
    [InferredKind.Add, 2, 3, 8],
    [InferredKind.Add, 3, 2, 10],
    [InferredKind.Fill, 1, 2, 8],
    [InferredKind.Cancel, 3, 2, 6],
    [InferredKind.Cancel, 2, 2, 4],
  ]);
  l3.change(Side.Bid, 100, 0, NO_FILLS); // level deleted outright: everything cancelled
  equal(l3.levels(Side.Bid), 0);
  equal(sink.events.at(-1)!.levelQtyAfter, 0);
  ok(l3.checkInvariant());
});

Deno.test("L3Book head cancel model takes cancels from the oldest order", () => {
  const sink = new CheckingSink();
  const l3 = new L3Book(sink, { cancelModel: "head" });
  l3.change(Side.Ask, 7, 4, NO_FILLS);
  l3.change(Side.Ask, 7, 6, NO_FILLS);
  l3.change(Side.Ask, 7, 1, NO_FILLS);
  deepEqual(l3.queue(Side.Ask, 7), [1]);
  equal(sink.events.at(-1)!.orderId, 2);
});

Deno.test("L3Book proportional cancel model shrinks every order in integer lots", () => {
  const sink = new CheckingSink();
  const l3 = new L3Book(sink, { cancelModel: "proportional" });
  l3.change(Side.Bid, 50, 10, NO_FILLS);
  l3.change(Side.Bid, 50, 30, NO_FILLS);
  l3.change(Side.Bid, 50, 33, NO_FILLS);
  l3.change(Side.Bid, 50, 22, NO_FILLS); // cancel 11 of 33: 10/33, 20/33, 3/33
  const q = l3.queue(Side.Bid, 50);
  equal(q.reduce((a, b) => a + b, 0), 22);
  deepEqual(q, [7, 14, 1]);
});

Deno.test("L3Book clear emits one Clear per side and resets the state", () => {
  const sink = new CheckingSink();
  const l3 = new L3Book(sink);
  l3.snapshotLevel(Side.Bid, 1, 5);
  l3.snapshotLevel(Side.Ask, 2, 7);
  l3.clear();
  const clears = sink.events.filter((e) => e.kind === InferredKind.Clear);
  deepEqual(clears.map((e) => [e.side, e.qty]), [[Side.Bid, 5], [Side.Ask, 7]]);
  equal(l3.levels(Side.Bid) + l3.levels(Side.Ask), 0);
  l3.snapshotLevel(Side.Bid, 1, 3);
  deepEqual(l3.queue(Side.Bid, 1), [3]);
});

Deno.test("L3Book keeps the invariant over a long seeded random walk for every cancel model", () => {
  for (const model of ["tail", "head", "proportional"] as CancelModel[]) {
    let s = 42;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    const sink = new CheckingSink();
    const l3 = new L3Book(sink, { cancelModel: model, capacity: 4 }); // small pools: forces growth
    const ref = [new Map<number, number>(), new Map<number, number>()];
    for (let i = 0; i < 4000; i++) {
      const side = (rnd() < 0.5 ? Side.Bid : Side.Ask) as Side;
      const price = 1000 + Math.floor(rnd() * 40) * 1_000_000_007; // large, hash-unfriendly keys
      const prev = ref[side]!.get(price) ?? 0;
      const next = rnd() < 0.3 ? 0 : Math.floor(rnd() * 1e12);
      const fill = next < prev ? Math.floor(rnd() * (prev - next + 5)) : 0; // sometimes > decrease
      l3.change(side, price, next, fills(fill));
      if (next === 0) ref[side]!.delete(price);
      else ref[side]!.set(price, next);
      if (i % 1000 === 999) l3.clear(), ref[0]!.clear(), ref[1]!.clear();
    }
    ok(l3.checkInvariant((side, price) => ref[side]!.get(price) ?? 0), `invariant (${model})`);
    for (const side of [Side.Bid, Side.Ask]) equal(l3.levels(side), ref[side]!.size);
    ok(sink.events.length > 4000);
    deepEqual(sink.events.map((e) => e.seq), sink.events.map((_, i) => i));
  }
});

Deno.test("L3Book.dropLevel emits one Clear per order, head first, with id and price, and forgets the level", () => {
  const sink = new CollectSink();
  const events = sink.events;
  const l3 = new L3Book(sink);
  l3.snapshotLevel(Side.Ask, 200, 4);
  l3.change(Side.Ask, 200, 7, NO_FILLS);
  l3.snapshotLevel(Side.Ask, 201, 1);
  events.length = 0;
  l3.dropLevel(Side.Ask, 200);
  deepEqual(
    events.map((e) => [e.kind, e.side, e.orderId, e.price, e.qty, e.levelQtyAfter]),
    [[InferredKind.Clear, Side.Ask, 1, 200, 4, 3], [InferredKind.Clear, Side.Ask, 2, 200, 3, 0]],
  );
  equal(l3.levels(Side.Ask), 1);
  equal(l3.levelQty(Side.Ask, 200), 0);
  l3.dropLevel(Side.Ask, 999); // absent: no-op
  equal(events.length, 2);
  l3.change(Side.Ask, 200, 2, NO_FILLS); // the level can come back as a fresh one
  deepEqual(l3.queue(Side.Ask, 200), [2]);
  ok(l3.checkInvariant());
});

Deno.test("L3Book level lookup on the detected tick grid matches a Map over on-grid, off-grid and far prices", () => {
  for (const model of ["tail", "proportional"] as CancelModel[]) {
    let s = 5;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    const tick = 1_000_000;
    const mid = 2_600 * 100_000_000;
    const sink = new CheckingSink();
    const l3 = new L3Book(sink, { cancelModel: model, capacity: 8 });
    const ref = [new Map<number, number>(), new Map<number, number>()];
    const px = new Float64Array(1);
    const qty = new Float64Array(1);
    for (let i = 0; i < 5000; i++) {
      const side = (rnd() < 0.5 ? Side.Bid : Side.Ask) as Side;
      const r = i < 400 ? 0 : rnd(); // on-grid first: the window is built on the tick
      let price = mid + Math.floor((rnd() - 0.5) * 300) * tick;
      if (r > 0.85) price += 1 + Math.floor(rnd() * (tick - 1)); // off the grid
      else if (r > 0.8) price += 50_000 * tick * (rnd() < 0.5 ? -1 : 1); // outside the window
      const prev = ref[side]!.get(price) ?? 0;
      const next = rnd() < 0.3 ? 0 : Math.floor(rnd() * 1e9);
      const fill = next < prev ? Math.floor(rnd() * (prev - next + 5)) : 0;
      if (i % 2 === 0) l3.change(side, price, next, fills(fill));
      else {
        px[0] = price;
        qty[0] = next;
        l3.changeLevels(side, px, qty, 1, fills(fill));
      }
      if (next === 0) ref[side]!.delete(price);
      else ref[side]!.set(price, next);
      equal(l3.levelQty(side, price), next);
      if (i === 2500) l3.clear(), ref[0]!.clear(), ref[1]!.clear();
    }
    ok(l3.checkInvariant((side, price) => ref[side]!.get(price) ?? 0), `invariant (${model})`);
    for (const side of [Side.Bid, Side.Ask]) {
      equal(l3.levels(side), ref[side]!.size);
      for (const [p, q] of ref[side]!) equal(l3.levelQty(side, p), q);
    }
  }
});

Deno.test("L3Book.changeLevels over many levels gives the events of change() level by level, every cancel model", () => {
  for (const model of ["tail", "head", "proportional"] as CancelModel[]) {
    let s = 7;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    const many = new CheckingSink();
    const one = new CollectSink();
    const a = new L3Book(many, { cancelModel: model, capacity: 4 }); // small pools: growth mid-diff
    const b = new L3Book(one, { cancelModel: model, capacity: 4 });
    const px = new Float64Array(8);
    const qty = new Float64Array(8);
    for (let u = 0; u < 1500; u++) {
      const side = (rnd() < 0.5 ? Side.Bid : Side.Ask) as Side;
      const n = Math.floor(rnd() * 9); // 0..8 levels, repeated prices and no-op levels included
      for (let i = 0; i < n; i++) {
        px[i] = 2_600_00000000 + Math.floor(rnd() * 12) * 1_000_000 + (rnd() < 0.1 ? 1 : 0);
        qty[i] = rnd() < 0.3 ? 0 : Math.floor(rnd() * 6) * 1_000_000;
      }
      const fill = Math.floor(rnd() * 3) * 1_000_000;
      a.changeLevels(side, px, qty, n, fills(fill));
      for (let i = 0; i < n; i++) b.change(side, px[i]!, qty[i]!, fills(fill));
      if (u % 500 === 499) a.clear(), b.clear();
    }
    ok(many.events.length > 1500);
    deepEqual(many.events, one.events, model);
    ok(a.checkInvariant() && b.checkInvariant());
  }
  // A no-op change() leaves the event object as it was (changeLevels() always sets its side).
  const l3 = new L3Book(new CollectSink());
  l3.change(Side.Bid, 100, 5, NO_FILLS);
  l3.change(Side.Ask, 100, 0, NO_FILLS);
  equal(l3.ev.side, Side.Bid);
  l3.changeLevels(Side.Ask, new Float64Array(0), new Float64Array(0), 0, NO_FILLS);
  equal(l3.ev.side, Side.Ask);
});
