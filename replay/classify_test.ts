import { equal } from "node:assert/strict";
import { Attribution, heuristicFill, TradeWindow } from "./classify.ts";
import { InferredEvent } from "./schema.ts";
import { Side } from "./schema.ts";

Deno.test("TradeWindow matches trades by price and side (m=true hits bids) and consumes them", () => {
  const w = new TradeWindow(2); // tiny: forces growth
  w.push(100, 5, true); // taker sold: bid at 100 consumed
  w.push(100, 3, false); // taker bought: ask at 100 consumed
  w.push(101, 4, false);
  equal(w.take(Side.Bid, 101, 10), 0, "no bid trade at 101");
  equal(w.take(Side.Bid, 100, 2), 2);
  equal(w.take(Side.Bid, 100, 10), 3, "the rest of the bid trade");
  equal(w.take(Side.Bid, 100, 10), 0, "spent");
  equal(w.take(Side.Ask, 100, 10), 3);
  equal(w.take(Side.Ask, 99, 10), 0, "outside the traded price range");
  equal(w.matchedQty, 8);
  equal(w.size, 3);
});

Deno.test("heuristicFill: a decrease at the touch is a fill only when the opposite best did not move", () => {
  // bid side: best 100 -> 99 (the 100 level was swept), asks unchanged at 101
  equal(heuristicFill(Side.Bid, 100, 7, 100, 101, 99, 101), 7);
  equal(heuristicFill(Side.Bid, 99, 7, 100, 101, 99, 101), 7, "the new top shrank too");
  equal(heuristicFill(Side.Bid, 95, 7, 100, 101, 99, 101), 0, "deep in the book: cancel");
  equal(heuristicFill(Side.Bid, 100, 7, 100, 101, 99, 100.5), 0, "asks moved too: a re-quote");
  equal(heuristicFill(Side.Bid, 100, 7, 100, 101, NaN, 101), 7, "the side emptied");
  equal(heuristicFill(Side.Ask, 101, 3, 100, 101, 100, 102), 3);
  equal(heuristicFill(Side.Ask, 105, 3, 100, 101, 100, 102), 0);
  equal(heuristicFill(Side.Ask, 101, 3, 100, 101, 99, 102), 0, "bids moved too");
  equal(heuristicFill(Side.Ask, 101, 3, NaN, 101, NaN, 102), 3, "no bids at all: both NaN is no move");
});

function decrease(
  side: Side,
  price: number,
  qty: number,
  after: number,
  u: number,
  ms: number,
): InferredEvent {
  const ev = new InferredEvent();
  Object.assign(ev, { side, price, qty, levelQtyAfter: after, updateId: u, eventTimeMs: ms });
  return ev;
}

Deno.test("NoTradesModel: a per-order feed's decreases are cancels unless a same-ms sweep continues", () => {
  const a = new Attribution(); // no window: the no-trades model; twoSided false (one event per update)
  a.bb0 = a.bb1 = 100;
  a.ba0 = a.ba1 = 101;
  equal(
    a.fillForEvent(decrease(Side.Bid, 100, 5, 20, 1, 7)),
    0,
    "at the touch, other side held: no evidence",
  );
  equal(a.fillForEvent(decrease(Side.Bid, 100, 4, 16, 2, 7)), 4, "same ms, price, side, later update: sweep");
  equal(a.fillForEvent(decrease(Side.Bid, 100, 16, 0, 3, 7)), 0, "the level emptied: not evidence");
  equal(a.fillForEvent(decrease(Side.Bid, 99, 3, 9, 4, 7)), 0, "another price");
  equal(a.fillForEvent(decrease(Side.Bid, 99, 3, 6, 5, 8)), 0, "another ms");
  equal(a.fillForEvent(decrease(Side.Ask, 99, 3, 3, 6, 8)), 0, "another side");
  equal(a.fillForEvent(decrease(Side.Ask, 99, 1, 2, 6, 8)), 0, "the same update");
});

Deno.test("NoTradesModel: the touch rule applies to updates that changed both sides", () => {
  const a = new Attribution();
  a.bb0 = 100;
  a.bb1 = 99;
  a.ba0 = a.ba1 = 101;
  a.twoSided = true;
  equal(a.fillForEvent(decrease(Side.Bid, 100, 5, 0, 1, 7)), 5);
  a.twoSided = false;
  equal(a.fillForEvent(decrease(Side.Bid, 100, 5, 0, 2, 8)), 0);
});

Deno.test("Attribution with trades: one event that empties a level behind the new touch takes no trade", () => {
  const a = new Attribution();
  a.window = new TradeWindow(4, { beforeMs: 0, afterMs: 0 });
  a.window.setTime(7);
  a.window.push(100, 10, true, 7);
  a.bb0 = 100;
  a.bb1 = 101; // a better bid pushed 100 out of a level-1 view
  a.ba0 = a.ba1 = 102;
  equal(a.fillForEvent(decrease(Side.Bid, 100, 3, 0, 1, 7)), 3, "a batch: traded, then a better bid");
  a.singleEvent = true; // U == u: one venue event
  equal(a.fillForEvent(decrease(Side.Bid, 100, 10, 0, 1, 7)), 0, "out of view, not traded");
  a.singleEvent = false; // batches from here on
  a.bb0 = 101;
  a.bb1 = 101;
  equal(
    a.fillForEvent(decrease(Side.Bid, 100, 4, 6, 2, 7)),
    4,
    "still there: at the touch or behind, may fill",
  );
  a.bb1 = 99;
  equal(
    a.fillForEvent(decrease(Side.Bid, 100, 9, 0, 3, 7)),
    3,
    "emptied at the touch: the rest of the trade",
  );
});
