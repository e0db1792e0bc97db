import assert from "node:assert/strict";
import { L2Book } from "../book.ts";
import { BookSync, DiffResult, SnapshotResult } from "./sync.ts";
import { DepthDiff } from "./types.ts";

function diff(U: number, u: number, bids: number[][], asks: number[][]): DepthDiff {
  const d = new DepthDiff(4);
  d.firstId = U;
  d.lastId = u;
  d.growBids(bids.length);
  d.growAsks(asks.length);
  bids.forEach(([p, q], i) => [d.bidPx[i], d.bidQty[i]] = [p!, q!]);
  asks.forEach(([p, q], i) => [d.askPx[i], d.askQty[i]] = [p!, q!]);
  d.nBids = bids.length;
  d.nAsks = asks.length;
  return d;
}

const levels = (b: L2Book, bid: boolean) =>
  Array.from({ length: b.side(bid).size }, (_, i) => [b.side(bid).priceAt(i), b.side(bid).qtyAt(i)]);

Deno.test("L2Book.rescale multiplies every level exactly and keeps the update id; beyond 2^53 changes nothing", () => {
  const b = new L2Book();
  for (let i = 0; i < 100; i++) b.bids.set(250000 - i, 1 + i); // past PROMOTE_AT: the price window is on
  b.asks.set(250100, 123456789012);
  b.updateId = 42;
  assert.equal(b.rescale(1, 3), true);
  assert.equal(b.updateId, 42);
  assert.deepEqual(levels(b, true)[0], [2500000, 1000]);
  assert.deepEqual(levels(b, true)[99], [2499010, 100000]);
  assert.deepEqual(levels(b, false), [[2501000, 123456789012000]]);
  b.bids.set(2499990, 5); // the side still works on the new grid
  assert.equal(b.bids.get(2499990), 5);
  const before = [levels(b, true), levels(b, false)];
  assert.equal(b.rescale(0, 2), false, "123456789012000 × 100 passes 2^53");
  assert.deepEqual([levels(b, true), levels(b, false)], before, "unchanged");
});

Deno.test("BookSync.rescale rescales the book and the buffered diffs; they then apply at the new scale", () => {
  const sync = new BookSync(new L2Book());
  assert.equal(sync.onDiff(diff(11, 12, [[100, 5]], [])), DiffResult.Buffered);
  assert.equal(sync.rescale(2, 1), true);
  sync.snapshotRequested();
  const snap = {
    lastUpdateId: 11,
    bidPx: new Float64Array([9900]),
    bidQty: new Float64Array([70]),
    askPx: new Float64Array([10100]),
    askQty: new Float64Array([30]),
  };
  assert.equal(sync.onSnapshot(snap), SnapshotResult.Applied);
  assert.deepEqual(levels(sync.book, true), [[10000, 50], [9900, 70]]);
  assert.equal(sync.rescale(0, 1), true);
  assert.deepEqual(levels(sync.book, false), [[10100, 300]]);
  assert.equal(sync.isSynced, true, "a rescale is not a resync");
});
