/**
 * `HyperliquidMultiHandler` against the simulator: many coins (odd names included) and the
 * l2Book, fast l2Book, bbo and trades channels, each coin's records rebuilding its book after
 * every message across a disconnect; `--book-out` with several coins; the venue's subscription
 * limit reported as an error frame.
 */
import assert from "node:assert/strict";
import { EventKind } from "../engine/events.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { HyperliquidMultiHandler } from "../venues/hyperliquid/multi_handler.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { planSubscriptions } from "../venues/hyperliquid/subscription_plan.ts";
import { Drive } from "../testing/drive.ts";
import { checkEveryMessage } from "../testing/stream_check.ts";

const COINS = ["BTC", "PURR/USDC", "@107", "xyz:MSTR"];

Deno.test("HyperliquidMultiHandler: every coin's records rebuild its book after every message, across a disconnect", async () => {
  const sim = await HyperliquidSimulator.start({ coins: COINS, slowEvery: 4, tradeEvery: 3 });
  const h = new HyperliquidMultiHandler({
    wsUrl: sim.url,
    coins: COINS,
    channels: ["l2book", "fast", "bbo", "trades"],
    backoff: { baseMs: 5, maxMs: 50 },
    instruments: new InstrumentTable(),
  });
  assert.equal(h.lanes.length, 2, "one connection for l2book+bbo+trades, one for fast");
  const checks = h.coins.map((c) => checkEveryMessage(c));
  const d = new Drive(h);
  const subs = COINS.length * 4;
  try {
    await d.start();
    await d.until(() => h.stats.subscribed === subs, "all subscribed");
    for (let i = 0; i < 24; i++) {
      const t = JSON.parse(sim.step()).data.time;
      await d.until(() => h.coins.every((c) => c.book.updateId === t), `step ${i}`);
    }
    sim.fault("disconnect");
    await d.until(() => h.stats.subscribed === 2 * subs, "resubscribed");
    for (let i = 0; i < 8; i++) {
      const t = JSON.parse(sim.step()).data.time;
      await d.until(() => h.coins.every((c) => c.book.updateId === t), `after reconnect ${i}`);
    }
    await h.writeBookOut("/tmp/hl_multi_book.json");
  } finally {
    await d.stop();
    await sim.close();
  }
  for (const [i, c] of checks.entries()) {
    assert.deepEqual(c.failures, [], COINS[i]);
    assert.ok(c.snapshots >= 2 && c.clears >= 1 && c.updates > 20 && c.trades > 0, JSON.stringify(c));
  }
  assert.deepEqual(h.coins.map((c) => c.stream.instrument.market), ["perp", "spot", "spot", "perp"]);
  assert.ok(h.stats.fastBooks > 0 && h.stats.bbos > 0 && h.stats.books > 0, JSON.stringify(h.stats));
  assert.equal(h.stats.unknownCoin + h.stats.malformed + h.stats.venueErrors, 0);
  const out = JSON.parse(await Deno.readTextFile("/tmp/hl_multi_book.json"));
  assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), COINS);
  assert.ok(out.books.every((b: { bids: unknown[] }) => b.bids.length >= 5));
  assert.equal(d.count(EventKind.Connected), 4);
});

Deno.test("planSubscriptions: lanes, limits and bad input", () => {
  const coins = Array.from({ length: 250 }, (_, i) => `C${i}`);
  const plan = planSubscriptions(coins, ["l2book", "fast", "bbo", "trades"]);
  assert.deepEqual(plan.map((p) => [p.fast, p.subscriptions.length]), [[false, 750], [true, 250]]);
  assert.deepEqual(plan[1]!.subscriptions[0], { type: "l2Book", coin: "C0", fast: true });
  assert.equal(planSubscriptions(coins, ["l2book", "bbo"], 100).length, 5);
  assert.throws(
    () => planSubscriptions([...coins, "X"], ["l2book", "fast", "bbo", "trades"]),
    /1004 subscriptions/,
  );
  assert.throws(() => planSubscriptions(coins, ["l2book", "bbo"], 10), /connections/);
  assert.throws(() => planSubscriptions(["BTC", "BTC"], ["l2book"]), /twice/);
  assert.throws(() => planSubscriptions([], ["l2book"]), /no coins/);
});

Deno.test("sim:hyperliquid refuses a subscription beyond its limit with an error frame; the handler warns and counts it", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["BTC", "ETH"], maxSubscriptions: 3 });
  const h = new HyperliquidMultiHandler({
    wsUrl: sim.url,
    coins: ["BTC", "ETH"],
    channels: ["l2book", "bbo"],
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h);
  try {
    await d.start();
    await d.until(() => h.stats.subscribed === 3 && h.stats.venueErrors === 1, "3 accepted, 1 refused");
    assert.equal(sim.stats.refused, 1);
    assert.ok(
      d.events.some((e) =>
        e.kind === EventKind.Warning && /more than 3 total subscriptions/.test(e.text ?? "")
      ),
    );
  } finally {
    await d.stop();
    await sim.close();
  }
});
