import assert from "node:assert/strict";
import { L2Book } from "../book.ts";
import { ResyncReason } from "../../engine/events.ts";
import { BookSync, DiffResult, SnapshotResult } from "./sync.ts";
import { DepthDiff, type DepthSnapshot } from "./types.ts";
import { FrameKind, ParsedFrame, parseFrame } from "./parse.ts";

// A futures diff: ids U..u, previous event's u = pu, one bid level (price, qty).
function fut(pu: number, U: number, u: number, bid: [number, number] = [100, 1]): DepthDiff {
  const d = new DepthDiff(2);
  d.prevId = pu;
  d.firstId = U;
  d.lastId = u;
  d.bidPx[0] = bid[0];
  d.bidQty[0] = bid[1];
  d.nBids = 1;
  return d;
}

function snap(lastUpdateId: number): DepthSnapshot {
  return {
    lastUpdateId,
    bidPx: Float64Array.of(100),
    bidQty: Float64Array.of(5),
    askPx: Float64Array.of(110),
    askQty: Float64Array.of(5),
  };
}

function usdm(): BookSync {
  return new BookSync(new L2Book(), { rules: "usdm" });
}

function feedSnapshot(sync: BookSync, s: DepthSnapshot): SnapshotResult {
  assert.equal(sync.needsSnapshot, true);
  sync.snapshotRequested();
  return sync.onSnapshot(s);
}

Deno.test("usdm: drops u < lastUpdateId, keeps the event with U <= lastUpdateId <= u, then chains by pu", () => {
  const sync = usdm();
  assert.equal(sync.rules, "usdm");
  // Ids jump between events (U is not the previous u + 1), as on the real futures stream.
  assert.equal(sync.onDiff(fut(5, 10, 20)), DiffResult.Buffered);
  assert.equal(sync.onDiff(fut(20, 30, 40, [101, 2])), DiffResult.Buffered);
  assert.equal(sync.onDiff(fut(40, 55, 60, [102, 3])), DiffResult.Buffered);
  assert.equal(feedSnapshot(sync, snap(35)), SnapshotResult.Applied);
  assert.equal(sync.skipped, 1, "the event with u = 20 < 35 is dropped");
  assert.equal(sync.applied, 2);
  assert.equal(sync.isSynced, true);
  assert.equal(sync.book.updateId, 60);
  assert.equal(sync.onDiff(fut(60, 70, 75, [103, 4])), DiffResult.Applied);
  assert.equal(sync.book.bids.bestPrice(), 103);
  assert.equal(sync.resyncs, 0);
});

Deno.test("usdm: the event with u == lastUpdateId bridges (spot would drop it)", () => {
  const sync = usdm();
  sync.onDiff(fut(5, 10, 35, [101, 2]));
  assert.equal(feedSnapshot(sync, snap(35)), SnapshotResult.Applied);
  assert.equal(sync.applied, 1);
  assert.equal(sync.isSynced, true);
  assert.equal(sync.onDiff(fut(35, 50, 52)), DiffResult.Applied, "U = 50 is not 36: futures ids jump");
});

Deno.test("usdm: a first event that starts past the snapshot resyncs (NoBridge)", () => {
  const sync = usdm();
  sync.onDiff(fut(5, 10, 20));
  assert.equal(feedSnapshot(sync, snap(25)), SnapshotResult.Applied);
  assert.equal(sync.isSynced, false, "nothing applied yet");
  assert.equal(sync.onDiff(fut(20, 30, 40)), DiffResult.Resync);
  assert.equal(sync.lastResyncReason, ResyncReason.NoBridge);
  assert.equal(sync.buffered, 1, "buffering restarts at the event");
});

Deno.test("usdm: pu != previous u live is a gap; a later snapshot recovers", () => {
  const sync = usdm();
  sync.onDiff(fut(5, 10, 20));
  assert.equal(feedSnapshot(sync, snap(15)), SnapshotResult.Applied);
  assert.equal(sync.onDiff(fut(20, 30, 40)), DiffResult.Applied);
  assert.equal(sync.onDiff(fut(41, 50, 60)), DiffResult.Resync, "pu 41 != 40: an event was missed");
  assert.equal(sync.lastResyncReason, ResyncReason.Gap);
  assert.equal(sync.book.bids.size, 0, "the book is discarded");
  assert.equal(sync.onDiff(fut(60, 70, 80, [104, 1])), DiffResult.Buffered);
  assert.equal(feedSnapshot(sync, snap(75)), SnapshotResult.Applied);
  assert.equal(sync.isSynced, true);
  assert.equal(sync.book.bids.bestPrice(), 104);
});

Deno.test("usdm: a repeated event after sync is skipped; a buffered event not chained by pu restarts the buffer", () => {
  const sync = usdm();
  sync.onDiff(fut(5, 10, 20));
  sync.onDiff(fut(99, 100, 110)); // pu 99 != 20: the first can never chain to this one
  assert.equal(sync.buffered, 1);
  assert.equal(sync.firstBufferedId, 100);
  assert.equal(feedSnapshot(sync, snap(105)), SnapshotResult.Applied);
  assert.equal(sync.onDiff(fut(99, 100, 110)), DiffResult.Skipped);
  assert.equal(sync.resyncs, 0);
});

Deno.test("spot rules on a futures-shaped stream see every jump as a gap (why usdm rules exist)", () => {
  const sync = new BookSync(new L2Book());
  assert.equal(sync.rules, "spot");
  sync.onDiff(fut(5, 10, 20));
  assert.equal(feedSnapshot(sync, snap(15)), SnapshotResult.Applied);
  assert.equal(sync.onDiff(fut(20, 30, 40)), DiffResult.Resync);
});

Deno.test("parseFrame reads pu into prevId (-1 without it) and rejects a mistyped pu", () => {
  const out = new ParsedFrame();
  const f = (extra: string) =>
    `{"stream":"ethusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"ETHUSDT","U":5123107832349,` +
    `"u":5123107837896${extra},"b":[["2681.62","1.165"]],"a":[]}}`;
  assert.equal(parseFrame(f(`,"pu":5123107832175`), out), FrameKind.Depth, out.reason);
  assert.equal(out.diff.prevId, 5123107832175);
  assert.equal(out.diff.firstId, 5123107832349);
  assert.equal(parseFrame(f(""), out), FrameKind.Depth);
  assert.equal(out.diff.prevId, -1, "spot frames have no pu");
  assert.equal(parseFrame(f(`,"pu":"7"`), out), FrameKind.Malformed);
  assert.equal(out.reason, "mistyped pu");
  assert.equal(parseFrame(f(`,"pu":-3`), out), FrameKind.Malformed);
});

Deno.test("parseFrame: a futures @trade frame (X, no M) parses as a trade", () => {
  const out = new ParsedFrame();
  const t = `{"stream":"ethusdt@trade","data":{"e":"trade","E":1723161256560,"T":1723161256560,` +
    `"s":"ETHUSDT","t":4308068523,"p":"2681.62","q":"1.000","X":"MARKET","m":true}}`;
  assert.equal(parseFrame(t, out), FrameKind.Trade, out.reason);
  assert.equal(out.trade.id, 4308068523);
  assert.equal(out.trade.priceTicks, 268162000000);
  assert.equal(out.trade.qtyLots, 100000000);
  assert.equal(out.trade.buyerIsMaker, true);
});

Deno.test("parseFrame: a futures @aggTrade frame (no M) parses as an aggTrade", () => {
  const out = new ParsedFrame();
  const t = `{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,` +
    `"T":123456785,"m":true}`;
  assert.equal(parseFrame(t, out), FrameKind.AggTrade, out.reason);
  assert.equal(out.trade.id, 5933014);
  assert.equal(out.trade.firstTradeId, 100);
  assert.equal(out.trade.lastTradeId, 105);
  assert.equal(out.trade.qtyLots, 100e8);
});
