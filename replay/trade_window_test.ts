import { equal, throws } from "node:assert/strict";
import { TradeWindow } from "./trade_window.ts";
import { InferredEvent, Side } from "./schema.ts";

Deno.test("TradeWindow matches by time: many updates in one ms all see the ms's trades", () => {
  // The old window expired a trade after one more update: the third fill of a sweep was lost.
  const w = new TradeWindow(2, { beforeMs: 0, afterMs: 0 });
  w.setTime(1000);
  for (let i = 0; i < 3; i++) w.push(100, 5, true, 1000);
  for (let u = 0; u < 3; u++) {
    w.setTime(1000);
    equal(w.take(Side.Bid, 100, 5), 5, `update ${u}`);
    w.endUpdate();
  }
  equal(w.matchedQty, 15);
  equal(w.unmatchedQty, 0);
});

Deno.test("TradeWindow: eligible from E - beforeMs to E + afterMs, closest in time first; old trades expire", () => {
  const w = new TradeWindow(4, { beforeMs: 100, afterMs: 10 });
  w.push(100, 1, false, 905); // will expire
  w.push(100, 2, false, 930);
  w.push(100, 3, false, 995);
  w.push(100, 4, false, 1008);
  w.setTime(1000);
  equal(w.unmatchedQty, 0, "905 is not more than 100 ms older than the update");
  equal(w.size, 4);
  w.setTime(1006); // 905 < 1006 - 100: expired
  equal(w.unmatchedQty, 1);
  equal(w.size, 3);
  equal(w.take(Side.Ask, 100, 3), 3, "3 of 1008 (2 ms away), before 995 (11 ms) and 930 (76 ms)");
  equal(w.take(Side.Ask, 100, 5), 5, "then 1 of 1008, 3 of 995, 1 of 930");
  equal(w.take(Side.Bid, 100, 5), 0, "bid side: none");
  w.setTime(1040); // 930 < 940: the last lot of 930 expires
  equal(w.take(Side.Ask, 100, 5), 0);
  equal(w.unmatchedQty, 2);
  w.push(100, 7, false, 1051); // 11 ms after: outside afterMs
  equal(w.take(Side.Ask, 100, 7), 0);
  w.clear();
  equal(w.unmatchedQty, 9);
  equal(w.size, 0);
});

Deno.test("TradeWindow rejects a negative or NaN window", () => {
  throws(() => new TradeWindow(4, { beforeMs: -1 }), RangeError);
  throws(() => new TradeWindow(4, { afterMs: NaN }), RangeError);
});

Deno.test("TradeWindow.takeExactEvent takes one trade of exactly the decrease, or nothing", () => {
  const w = new TradeWindow(4, { beforeMs: 0, afterMs: 0 });
  w.setTime(5);
  w.push(100, 13, true, 5);
  w.push(100, 100, true, 5);
  const ev = new InferredEvent();
  Object.assign(ev, { side: Side.Bid, price: 100, qty: 40 });
  equal(w.takeExactEvent(ev), 0, "no trade of 40: a cancel, and no trade is touched");
  ev.qty = 13;
  equal(w.takeExactEvent(ev), 13);
  equal(w.takeExactEvent(ev), 0, "spent");
  ev.qty = 100;
  ev.side = Side.Ask;
  equal(w.takeExactEvent(ev), 0, "other side");
  ev.side = Side.Bid;
  equal(w.takeExactEvent(ev), 100);
  equal(w.matchedQty, 113);
});

Deno.test("TradeWindow.seen: a trade its level already showed expires at the next ms, not within its own", () => {
  const w = new TradeWindow(4, { beforeMs: 200, afterMs: 0 });
  w.setTime(100);
  w.push(50, 5, true, 100);
  w.push(60, 5, true, 100);
  w.seen(Side.Bid, 50); // the update at 100 changed bid 50 (e.g. the fill netted with an add)
  w.endUpdate();
  w.setTime(100); // another update of the same ms: still eligible
  equal(w.size, 2);
  w.setTime(200); // the next batch: the netted trade at 50 is gone, the unseen one at 60 stays
  equal(w.size, 1);
  equal(w.unmatchedQty, 5);
  equal(w.take(Side.Bid, 50, 5), 0, "a later cancel at 50 stays a cancel");
  equal(w.take(Side.Bid, 60, 5), 5, "a level that did not show its trade yet can still fill");
});
