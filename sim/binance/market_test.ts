import assert from "node:assert/strict";
import { L2Book } from "../../venues/book.ts";
import { parseFixed } from "../../venues/decimal.ts";
import { MARKET_SCALE, SyntheticMarket } from "./market.ts";
import { sameBook as sameBookAt, SCALE_8 } from "../../testing/stream_check.ts";

type Lv = [string, string][];

function applyLevels(book: L2Book, bids: Lv, asks: Lv): void {
  for (const [p, q] of bids) book.bids.set(parseFixed(p, MARKET_SCALE), parseFixed(q, MARKET_SCALE));
  for (const [p, q] of asks) book.asks.set(parseFixed(p, MARKET_SCALE), parseFixed(q, MARKET_SCALE));
}

// The wire's 8-decimal strings parsed at 8 against the market's own scale (its tick and lot).
function sameBook(a: L2Book, m: SyntheticMarket): void {
  sameBookAt(a, m.book, "synthetic", SCALE_8, { priceDecimals: m.priceScale, qtyDecimals: m.qtyScale });
}

Deno.test("SyntheticMarket is deterministic for a seed and differs across seeds", () => {
  const run = (seed: number) => {
    const m = new SyntheticMarket({ seed });
    const out: string[] = [];
    for (let i = 0; i < 50; i++) {
      const b = m.step();
      out.push(b.depth ?? "", ...b.trades, ...b.truth);
    }
    return out.join("\n");
  };
  assert.equal(run(7), run(7));
  assert.notEqual(run(7), run(8));
});

Deno.test("SyntheticMarket diffs applied to a snapshot rebuild its book; ids are contiguous", () => {
  const m = new SyntheticMarket({ seed: 3 });
  for (let i = 0; i < 20; i++) m.step();
  const snap = JSON.parse(m.snapshotJson(5000));
  const book = new L2Book();
  applyLevels(book, snap.bids, snap.asks);
  book.updateId = snap.lastUpdateId;
  let prevU = book.updateId;
  let trades = 0;
  for (let i = 0; i < 500; i++) {
    const b = m.step();
    if (b.depth === null) continue;
    const d = JSON.parse(b.depth);
    assert.equal(d.e, "depthUpdate");
    assert.equal(d.U, prevU + 1, "U follows the previous u");
    assert.ok(d.u >= d.U);
    applyLevels(book, d.b, d.a);
    book.updateId = d.u;
    prevU = d.u;
    assert.ok(!book.isCrossed(), "the synthetic book never crosses");
    trades += b.trades.length;
  }
  sameBook(book, m);
  assert.ok(trades > 0, "some trades happened");
});

Deno.test("SyntheticMarket ground-truth order events rebuild the aggregated book", () => {
  const m = new SyntheticMarket({ seed: 11, initialLevels: 0 });
  const book = new L2Book();
  book.updateId = m.book.updateId;
  const fills = new Map<string, number>();
  let tradeQty = 0;
  for (let i = 0; i < 400; i++) {
    const b = m.step();
    for (const line of b.truth) {
      const ev = JSON.parse(line);
      const side = book.side(ev.side === "bid");
      const px = parseFixed(ev.price, MARKET_SCALE);
      const q = parseFixed(ev.qty, MARKET_SCALE);
      assert.ok(q > 0);
      side.set(px, side.get(px) + (ev.kind === "add" ? q : -q));
      assert.ok(ev.u > book.updateId || ev.u === book.updateId, "truth ids never go back");
      book.updateId = ev.u;
      if (ev.kind === "fill") fills.set(ev.price, (fills.get(ev.price) ?? 0) + q);
    }
    for (const t of b.trades) {
      const tr = JSON.parse(t);
      assert.equal(tr.e, "trade");
      assert.equal(typeof tr.m, "boolean");
      tradeQty += parseFixed(tr.q, MARKET_SCALE);
    }
  }
  sameBook(book, m);
  let fillQty = 0;
  for (const q of fills.values()) fillQty += q;
  assert.equal(fillQty, tradeQty, "every fill is one trade");
});
