import assert from "node:assert/strict";
import { L2Book } from "../book.ts";
import { EventKind, ResyncReason } from "../../engine/events.ts";
import { testLogger } from "../../engine/testing.ts";
import { BookSync, DiffResult, SnapshotResult } from "./sync.ts";
import { DepthDiff, type DepthSnapshot } from "./types.ts";

type Lv = [number, number][];

function diff(U: number, u: number, bids: Lv = [], asks: Lv = []): DepthDiff {
  const d = new DepthDiff(2);
  d.firstId = U;
  d.lastId = u;
  d.growBids(bids.length);
  d.growAsks(asks.length);
  bids.forEach(([p, q], i) => {
    d.bidPx[i] = p;
    d.bidQty[i] = q;
  });
  asks.forEach(([p, q], i) => {
    d.askPx[i] = p;
    d.askQty[i] = q;
  });
  d.nBids = bids.length;
  d.nAsks = asks.length;
  return d;
}

function snap(lastUpdateId: number, bids: Lv = [[100, 1]], asks: Lv = [[110, 1]]): DepthSnapshot {
  return {
    lastUpdateId,
    bidPx: Float64Array.from(bids.map((l) => l[0])),
    bidQty: Float64Array.from(bids.map((l) => l[1])),
    askPx: Float64Array.from(asks.map((l) => l[0])),
    askQty: Float64Array.from(asks.map((l) => l[1])),
  };
}

function requestAndApply(sync: BookSync, s: DepthSnapshot): SnapshotResult {
  assert.equal(sync.needsSnapshot, true);
  sync.snapshotRequested();
  assert.equal(sync.needsSnapshot, false);
  return sync.onSnapshot(s);
}

Deno.test("BookSync buffers diffs and asks for a snapshot after the first", () => {
  const sync = new BookSync(new L2Book());
  assert.equal(sync.needsSnapshot, false);
  assert.equal(sync.onDiff(diff(1, 3)), DiffResult.Buffered);
  assert.equal(sync.needsSnapshot, true);
  assert.equal(sync.firstBufferedId, 1);
  sync.snapshotRequested();
  assert.equal(sync.onDiff(diff(4, 6)), DiffResult.Buffered);
  assert.equal(sync.needsSnapshot, false, "one request in flight at a time");
  assert.equal(sync.buffered, 2);
  sync.snapshotFailed();
  assert.equal(sync.needsSnapshot, true, "a failed request is asked again");
});

Deno.test("BookSync drops diffs with u <= lastUpdateId and applies the rest", () => {
  const sync = new BookSync(new L2Book());
  const d = diff(1, 3, [[99, 5]]);
  sync.onDiff(d);
  d.firstId = 4; // the caller reuses its out-object: the buffer must have copied
  d.lastId = 6;
  d.bidQty[0] = 6;
  sync.onDiff(d);
  sync.onDiff(diff(7, 9, [[101, 2]], [[110, 0]]));
  assert.equal(requestAndApply(sync, snap(6, [[100, 1]], [[110, 1], [111, 3]])), SnapshotResult.Applied);
  assert.equal(sync.skipped, 2);
  assert.equal(sync.applied, 1);
  assert.equal(sync.book.updateId, 9);
  assert.equal(sync.isSynced, true);
  assert.equal(sync.book.bids.get(99), 0, "diffs covered by the snapshot are not applied");
  assert.equal(sync.book.bids.bestPrice(), 101);
  assert.equal(sync.book.asks.bestPrice(), 111, "qty 0 deleted the level");
  assert.equal(sync.book.asks.get(110), 0);
  assert.equal(sync.levelsChanged, 2);
});

Deno.test("BookSync accepts a snapshot inside a diff's [U;u] and at U = lastUpdateId + 1", () => {
  for (const lastId of [4, 5, 6]) {
    const sync = new BookSync(new L2Book());
    sync.onDiff(diff(1, 3));
    sync.onDiff(diff(4, 6, [[100, 7]]));
    assert.equal(requestAndApply(sync, snap(lastId)), SnapshotResult.Applied, `lastUpdateId ${lastId}`);
    assert.equal(sync.book.updateId, 6);
  }
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(1, 3));
  sync.onDiff(diff(4, 6));
  assert.equal(requestAndApply(sync, snap(3)), SnapshotResult.Applied);
  assert.equal(sync.isSynced, true);
  assert.equal(sync.applied, 1);
});

Deno.test("BookSync fetches again when the snapshot is older than the first buffered U", () => {
  const t = testLogger();
  const sync = new BookSync(new L2Book(), { logger: t.logger, source: t.logger.intern("binance:T") });
  sync.onDiff(diff(10, 12));
  assert.equal(requestAndApply(sync, snap(9)), SnapshotResult.Stale);
  assert.equal(sync.staleSnapshots, 1);
  assert.equal(sync.isSynced, false);
  assert.equal(sync.buffered, 1, "the buffer is kept");
  const ev = t.drain().find((e) => e.kind === EventKind.Resync);
  assert.ok(ev);
  assert.deepEqual([ev.a, ev.b, ev.c, ev.source], [ResyncReason.StaleSnapshot, 10, 9, "binance:T"]);
  assert.equal(requestAndApply(sync, snap(11)), SnapshotResult.Applied);
  assert.equal(sync.book.updateId, 12);
});

Deno.test("BookSync ignores a snapshot nobody asked for", () => {
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(1, 2));
  assert.equal(sync.onSnapshot(snap(5)), SnapshotResult.Ignored);
  assert.equal(sync.book.bids.size, 0);
});

Deno.test("BookSync skips live diffs with u <= book id", () => {
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(1, 5));
  requestAndApply(sync, snap(5));
  assert.equal(sync.onDiff(diff(3, 4, [[100, 9]])), DiffResult.Skipped);
  assert.equal(sync.onDiff(diff(5, 5, [[100, 9]])), DiffResult.Skipped);
  assert.equal(sync.book.bids.get(100), 1);
  assert.equal(sync.onDiff(diff(6, 8, [[100, 9]])), DiffResult.Applied);
  assert.equal(sync.book.bids.get(100), 9);
  assert.deepEqual([sync.received, sync.applied, sync.skipped], [4, 1, 3]);
});

Deno.test("BookSync resyncs on a gap and buffers again from the diff after the gap", () => {
  const t = testLogger();
  const sync = new BookSync(new L2Book(), { logger: t.logger });
  sync.onDiff(diff(1, 3));
  requestAndApply(sync, snap(2));
  assert.equal(sync.onDiff(diff(4, 6)), DiffResult.Applied);
  t.drain();
  assert.equal(sync.onDiff(diff(8, 9)), DiffResult.Resync);
  assert.equal(sync.isSynced, false);
  assert.equal(sync.book.bids.size + sync.book.asks.size, 0, "the book is discarded");
  assert.equal(sync.resyncs, 1);
  assert.equal(sync.buffered, 1);
  assert.equal(sync.firstBufferedId, 8);
  assert.equal(sync.needsSnapshot, true);
  const evs = t.drain();
  assert.equal(evs.length, 1);
  assert.deepEqual([evs[0]!.kind, evs[0]!.a, evs[0]!.b, evs[0]!.c], [
    EventKind.Resync,
    ResyncReason.Gap,
    7,
    8,
  ]);
  sync.onDiff(diff(10, 11));
  assert.equal(requestAndApply(sync, snap(9)), SnapshotResult.Applied);
  assert.equal(sync.book.updateId, 11);
});

Deno.test("BookSync reports NoBridge when the first diff after the snapshot does not bridge it", () => {
  const t = testLogger();
  const sync = new BookSync(new L2Book(), { logger: t.logger });
  sync.onDiff(diff(1, 3));
  assert.equal(requestAndApply(sync, snap(5)), SnapshotResult.Applied);
  assert.equal(sync.isSynced, false, "no diff has bridged the snapshot yet");
  assert.equal(sync.onDiff(diff(8, 9)), DiffResult.Resync);
  const ev = t.drain().find((e) => e.kind === EventKind.Resync);
  assert.deepEqual([ev?.a, ev?.b, ev?.c], [ResyncReason.NoBridge, 6, 8]);
});

Deno.test("BookSync restarts the buffer at a hole between buffered diffs", () => {
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(1, 3));
  sync.onDiff(diff(4, 6));
  sync.onDiff(diff(9, 10));
  assert.equal(sync.buffered, 1);
  assert.equal(sync.firstBufferedId, 9);
  assert.equal(requestAndApply(sync, snap(7)), SnapshotResult.Stale, "a snapshot before the hole is stale");
});

Deno.test("BookSync overflows its bounded buffer with a warning and a resync, never silently", () => {
  const t = testLogger();
  const sync = new BookSync(new L2Book(), { maxBuffered: 3, logger: t.logger });
  for (let i = 0; i < 3; i++) assert.equal(sync.onDiff(diff(i * 2 + 1, i * 2 + 2)), DiffResult.Buffered);
  assert.equal(sync.onDiff(diff(7, 8)), DiffResult.Buffered);
  assert.equal(sync.buffered, 1);
  assert.equal(sync.firstBufferedId, 7);
  assert.equal(sync.resyncs, 1);
  const evs = t.drain();
  assert.ok(evs.some((e) => e.kind === EventKind.Warning && e.text.includes("buffer")));
  assert.ok(evs.some((e) => e.kind === EventKind.Resync && e.text.includes("overflow")));
  for (let i = 0; i < 20; i++) sync.onDiff(diff(9 + i, 9 + i));
  assert.ok(sync.buffered <= 3);
});

Deno.test("BookSync resyncs when the book crosses, or only counts it when told to", () => {
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(1, 1));
  requestAndApply(sync, snap(1, [[100, 1]], [[101, 1]]));
  assert.equal(sync.onDiff(diff(2, 2, [[101, 1]])), DiffResult.Resync);
  assert.equal(sync.crossed, 1);
  assert.equal(sync.isSynced, false);

  const lax = new BookSync(new L2Book(), { resyncOnCrossed: false });
  lax.onDiff(diff(1, 1));
  requestAndApply(lax, snap(1, [[100, 1]], [[101, 1]]));
  assert.equal(lax.onDiff(diff(2, 2, [[101, 1]])), DiffResult.Applied);
  assert.equal(lax.crossed, 1);
  assert.equal(lax.isSynced, true);
});

Deno.test("BookSync logs snapshot applied, then synchronized, then resync on reset", () => {
  const t = testLogger();
  const sync = new BookSync(new L2Book(), { logger: t.logger, source: t.logger.intern("binance:X") });
  sync.onDiff(diff(1, 3));
  sync.onDiff(diff(4, 5));
  requestAndApply(sync, snap(3, [[100, 1], [99, 1]], [[110, 1]]));
  sync.reset(ResyncReason.Disconnect, "connection closed");
  const evs = t.drain();
  assert.deepEqual(evs.map((e) => e.kind), [
    EventKind.SnapshotApplied,
    EventKind.Synchronized,
    EventKind.Resync,
  ]);
  assert.deepEqual([evs[0]!.a, evs[0]!.b, evs[0]!.c], [2, 1, 3]);
  assert.deepEqual([evs[1]!.a, evs[1]!.b], [5, 1]);
  assert.deepEqual([evs[2]!.a, evs[2]!.text], [ResyncReason.Disconnect, "connection closed"]);
  assert.equal(sync.book.bids.size, 0);
  assert.equal(sync.needsSnapshot, false, "nothing buffered yet after a reset");
});

Deno.test("BookSync handles update ids above 2^32 without 32-bit truncation", () => {
  const sync = new BookSync(new L2Book());
  const base = 35_346_513_499;
  sync.onDiff(diff(base, base + 6));
  sync.onDiff(diff(base + 7, base + 13, [[100, 2]]));
  assert.equal(requestAndApply(sync, snap(base + 6)), SnapshotResult.Applied);
  assert.equal(sync.book.updateId, base + 13);
  assert.equal(sync.onDiff(diff(base + 14, base + 20)), DiffResult.Applied);
  assert.equal(sync.onDiff(diff(base + 22, base + 23)), DiffResult.Resync);
});

Deno.test("BookSync.reset forgets the request in flight and ignores its late answer", () => {
  const sync = new BookSync(new L2Book());
  sync.onDiff(diff(10, 12));
  const first = sync.snapshotRequested();
  assert.equal(sync.needsSnapshot, false);
  sync.reset(ResyncReason.Disconnect, "connection lost");
  sync.onDiff(diff(20, 22));
  assert.equal(sync.needsSnapshot, true, "a new request is due after reset");
  const second = sync.snapshotRequested();
  assert.notEqual(second, first);
  assert.equal(sync.onSnapshot(snap(21), first), SnapshotResult.Ignored, "late answer of the old request");
  sync.snapshotFailed(first); // the old request's failure does not cancel the new one
  assert.equal(sync.needsSnapshot, false);
  assert.equal(sync.onSnapshot(snap(21), second), SnapshotResult.Applied);
  assert.equal(sync.book.updateId, 22);
});
