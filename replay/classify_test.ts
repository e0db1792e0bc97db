import { equal } from "node:assert/strict";
import { GRACE_UPDATES, heuristicFill, TradeWindow } from "./classify.ts";
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

Deno.test("TradeWindow keeps unmatched trades for GRACE_UPDATES more updates, then counts them", () => {
  const w = new TradeWindow();
  w.push(100, 5, true);
  w.push(100, 2, true);
  w.take(Side.Bid, 100, 2);
  w.endUpdate(); // the spent part is dropped, the rest ages
  equal(w.size, 2);
  for (let i = 0; i < GRACE_UPDATES; i++) w.endUpdate();
  equal(w.size, 0);
  equal(w.unmatchedQty, 5);
  equal(w.take(Side.Bid, 100, 10), 0);
  w.push(7, 1, false);
  w.clear();
  equal(w.unmatchedQty, 6);
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
