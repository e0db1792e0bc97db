/**
 * `HyperliquidMultiHandler` keeps every coin apart under faults, against the simulator: a coin
 * whose frames stop (a stuck subscription) is cleared with reason stale and resubscribed alone
 * after `staleAfterMs` on the handler's clock (FakeClock: no wall-clock wait); a value finer
 * than a coin's scale rescales that coin in place (its windows kept, exact); a value beyond
 * 2^53 at any scale clears that coin with reason precision. Every coin's records rebuild its book
 * after every message throughout.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { EventKind, RESYNC_NAMES } from "../engine/events.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { formatMessageJson } from "../market/json.ts";
import { HyperliquidMultiHandler } from "../venues/hyperliquid/multi_handler.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { Drive } from "../venues/hyperliquid/_drive.ts";
import { checkEveryMessage, exactDecimal } from "../testing/stream_check.ts";
import type { CoinBook } from "../venues/hyperliquid/coin_book.ts";

const COINS = ["BTC", "ETH", "SOL"];

// Every JSON message of `cb`'s stream from now on.
function messages(cb: CoinBook): { kind: string; reason?: string }[] {
  const out: { kind: string; reason?: string }[] = [];
  cb.stream.subscribe((b) => {
    out.push(JSON.parse(formatMessageJson(b.view, b.count, cb.stream.instrument)));
  });
  return out;
}

async function started(clock?: FakeClock) {
  const sim = await HyperliquidSimulator.start({ coins: COINS, tradeEvery: 0 });
  const h = new HyperliquidMultiHandler({
    wsUrl: sim.url,
    coins: COINS,
    channels: ["l2book", "fast", "bbo"],
    staleAfterMs: 10_000,
    decimals: COINS.map(() => ({ priceDecimals: 1, qtyDecimals: 5 })),
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h, clock);
  const checks = h.coins.map((c) => checkEveryMessage(c));
  const msgs = h.coins.map((c) => messages(c));
  await d.start();
  await d.until(() => h.stats.subscribed === COINS.length * 3, "all subscribed");
  await d.until(() => h.coins.every((c) => c.differ.totals.snapshots === 1), "every coin has a book");
  const step = async (coins: number[]) => {
    const t = JSON.parse(sim.step()).data.time;
    await d.until(() => coins.every((i) => h.coins[i]!.book.updateId === t), `step to ${t}`);
  };
  return { sim, h, d, checks, msgs, step };
}

Deno.test("HyperliquidMultiHandler: a silent coin is cleared (reason stale) and resubscribed alone; the others are untouched", async () => {
  const clock = new FakeClock();
  const { sim, h, d, checks, msgs, step } = await started(clock);
  try {
    await step([0, 1, 2]);
    sim.stall("ETH");
    clock.advance(6e9);
    await step([0, 2]);
    assert.equal(h.stats.staleCoins, 0, "6 s of silence is under the limit");
    clock.advance(5e9); // ETH silent for 11 s, BTC and SOL for 5 s
    await step([0, 2]);
    await d.until(() => h.stats.staleCoins === 1, "ETH found stale");
    await d.until(() => sim.stats.unsubscribes === 3, "ETH's three subscriptions sent again");
    await d.until(() => h.coins[1]!.differ.totals.snapshots === 2, "ETH has a book again");
    await step([0, 1, 2]);
    assert.equal(sim.stats.subscribes, COINS.length * 3 + 3);
    assert.equal(h.stats.staleCoins, 1);
    assert.match(
      d.warnings().join("\n"),
      /no book message for 10 s with the connection open: book stale; resubscribing/,
    );
    const resyncs = d.of(EventKind.Resync).map((e) => RESYNC_NAMES[e.a]);
    assert.deepEqual(resyncs, ["stale"], "one resync event (the metrics count it)");
  } finally {
    await d.stop();
    await sim.close();
  }
  const clears = msgs.map((m) => m.filter((x) => x.kind === "clear"));
  assert.deepEqual(clears[1], [{ ...clears[1]![0], reason: "stale" }]);
  assert.equal(clears[1]!.length, 1);
  assert.deepEqual([clears[0]!.length, clears[2]!.length], [0, 0], "BTC and SOL never cleared");
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], COINS[i]);
  assert.deepEqual(checks.map((c) => c.snapshots), [1, 2, 1]);
});

Deno.test("HyperliquidMultiHandler: a finer value rescales that coin in place; a value beyond 2^53 clears that coin only", async () => {
  const { sim, h, d, checks, msgs, step } = await started();
  try {
    await step([0, 1, 2]);
    const btc = h.coins[0]!;
    const secondBid = exactDecimal(btc.book.bids.priceAt(0), 1);
    const secondQty = exactDecimal(btc.book.bids.qtyAt(0), 5);
    const t = btc.book.updateId;
    // A bbo of BTC with a price finer than 10^-1 and a size finer than 10^-5.
    const px = (Number(secondBid) + 0.55).toFixed(2);
    sim.sendRaw(
      `{"channel":"bbo","data":{"coin":"BTC","time":${t},"bbo":[{"px":"${px}","sz":"0.000001","n":1},null]}}`,
    );
    await d.until(() => h.stats.rescales === 1, "BTC rescaled");
    assert.deepEqual([btc.decimals.priceDecimals, btc.decimals.qtyDecimals], [2, 6]);
    assert.equal(exactDecimal(btc.book.bids.priceAt(0), 2), px);
    assert.equal(exactDecimal(btc.book.bids.qtyAt(0), 6), "0.000001");
    assert.equal(exactDecimal(btc.book.bids.priceAt(1), 2), secondBid, "the slow window kept, exact");
    assert.equal(exactDecimal(btc.book.bids.qtyAt(1), 6), secondQty);
    assert.equal(btc.book.asks.size, 0, "a null side empties it");
    // A size no scale can hold for ETH.
    sim.sendRaw(
      `{"channel":"bbo","data":{"coin":"ETH","time":${t},"bbo":[{"px":"1.0","sz":"123456789012345678.5","n":1},null]}}`,
    );
    await d.until(() => h.coins[1]!.stale, "ETH cleared");
    await step([0, 1, 2]);
    assert.deepEqual([h.coins[1]!.decimals.priceDecimals, h.coins[2]!.decimals.qtyDecimals], [1, 5]);
    assert.equal(h.stats.malformed, 2, "sendRaw reaches both connections: the frame came twice");
    assert.deepEqual(d.of(EventKind.Resync).map((e) => RESYNC_NAMES[e.a]), ["precision", "precision"]);
  } finally {
    await d.stop();
    await sim.close();
  }
  assert.deepEqual(msgs[1]!.filter((m) => m.kind === "clear").map((m) => m.reason), ["precision"]);
  assert.equal(
    msgs[0]!.filter((m) => m.kind === "clear").length + msgs[2]!.filter((m) => m.kind === "clear").length,
    0,
  );
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], COINS[i]);
  assert.deepEqual(checks.map((c) => c.snapshots), [2, 2, 1], "BTC: the rescale; ETH: after the clear");
});
