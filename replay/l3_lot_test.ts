import { deepEqual, equal, ok } from "node:assert/strict";
import { L3Book, NO_FILLS } from "./l3.ts";
import { InferredKind, Side } from "./schema.ts";
import { CollectSink } from "./_test_event.ts";

const LOT = 100_000; // 0.001 × 10^8: a contract size of 0.001

Deno.test("proportional cancels split in whole lots (the GCD of the quantities seen), not 10^-8 units", () => {
  const sink = new CollectSink();
  const l3 = new L3Book(sink, { cancelModel: "proportional" });
  l3.snapshotLevel(Side.Bid, 100, 3 * LOT);
  l3.change(Side.Bid, 100, 8 * LOT, NO_FILLS); // + order of 5 lots
  l3.change(Side.Bid, 100, 10 * LOT, NO_FILLS); // + order of 2 lots
  equal(l3.lot, LOT);
  deepEqual(l3.queue(Side.Bid, 100), [3 * LOT, 5 * LOT, 2 * LOT]);
  sink.events.length = 0;
  l3.change(Side.Bid, 100, 6 * LOT, NO_FILLS); // cancel 4 lots: 1.2 / 2 / 0.8 in proportion
  const cancels = sink.events.filter((e) => e.kind === InferredKind.Cancel);
  ok(cancels.every((e) => e.qty % LOT === 0), `whole lots: ${cancels.map((e) => e.qty)}`);
  deepEqual(
    l3.queue(Side.Bid, 100),
    [2 * LOT, 3 * LOT, 1 * LOT],
    "floors 1/2/0, the remainder lot from the tail",
  );
  equal(l3.checkInvariant(), true);
});

Deno.test("proportional: a one-lot cancel on a level of many orders is one event, not one per order", () => {
  const sink = new CollectSink();
  const l3 = new L3Book(sink, { cancelModel: "proportional" });
  let q = 0;
  for (let i = 0; i < 18; i++) l3.change(Side.Ask, 200, q += 7 * LOT, NO_FILLS);
  l3.change(Side.Ask, 200, q + LOT, NO_FILLS); // one more lot: the lot is now 1 contract-lot
  sink.events.length = 0;
  l3.change(Side.Ask, 200, q, NO_FILLS);
  equal(sink.events.length, 1, "the old split gave each of the 19 orders a fraction of the lot");
  equal(sink.events[0]!.qty, LOT);
  equal(l3.checkInvariant(), true);
});

Deno.test("the lot shrinks to the GCD when a finer quantity or a fill appears", () => {
  const l3 = new L3Book(new CollectSink(), { cancelModel: "proportional" });
  l3.snapshotLevel(Side.Bid, 1, 100 * LOT);
  equal(l3.lot, 100 * LOT);
  l3.change(Side.Bid, 1, 60 * LOT, { fillFor: () => 13 * LOT }); // a fill of 13: lot 1
  equal(l3.lot, LOT);
  equal(l3.checkInvariant(), true);
});
