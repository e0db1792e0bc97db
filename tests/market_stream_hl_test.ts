/**
 * The normalized stream of the Hyperliquid handler: after every message the records and their
 * JSON form rebuild the handler's book (simulator with a disconnect; the real BTC fixture), a
 * disconnect is a `clear`, and every trade of a venue message is a trade message.
 */
import assert from "node:assert/strict";
import { EventKind } from "../engine/events.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import { type HlSimOptions, HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { Drive } from "../testing/drive.ts";
import { fixtureExists, fixtureLines } from "../testing/hl_fixture.ts";
import { checkEveryMessage } from "../testing/stream_check.ts";

async function session(
  opts: HlSimOptions,
  body: (sim: HyperliquidSimulator, d: Drive, h: HyperliquidHandler) => Promise<void>,
) {
  const sim = await HyperliquidSimulator.start(opts);
  const h = new HyperliquidHandler({
    wsUrl: sim.url,
    trades: true,
    backoff: { baseMs: 5, maxMs: 50 },
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h);
  try {
    await d.start();
    await body(sim, d, h);
  } finally {
    await d.stop();
    await sim.close();
  }
}

async function stepAll(sim: HyperliquidSimulator, d: Drive, h: HyperliquidHandler, n: number) {
  for (let i = 0; i < n; i++) {
    const t = JSON.parse(sim.step()).data.time;
    await d.until(() => h.book.updateId === t, `book time ${t}`);
  }
}

Deno.test("Hyperliquid records rebuild the handler's book after every message, across a disconnect", async () => {
  await session({ seed: 8, tradeEvery: 2 }, async (sim, d, h) => {
    const c = checkEveryMessage(h);
    await d.until(() => d.count(EventKind.SnapshotApplied) === 1, "snapshot");
    await stepAll(sim, d, h, 20);
    sim.fault("disconnect");
    await d.until(() => d.count(EventKind.SnapshotApplied) === 2, "resubscribed");
    await stepAll(sim, d, h, 20);
    assert.deepEqual(c.failures, []);
    assert.equal(c.snapshots, 2);
    assert.equal(c.clears, 1, "the disconnect is a clear");
    assert.ok(c.updates >= 38 && c.trades > 0, JSON.stringify(c));
    assert.equal(h.stream.instrument.market, "perp");
  });
});

Deno.test({
  name: "Real Hyperliquid BTC: every record message rebuilds the handler's book",
  ignore: !fixtureExists(),
  async fn() {
    const lines = fixtureLines();
    const books = lines.filter((l) => l.includes('"l2Book"')).length;
    const trades = lines.filter((l) => l.includes('"trades"')).map((l) => JSON.parse(l).data.length)
      .reduce((a, b) => a + b, 0);
    await session({ lines }, async (sim, d, h) => {
      const c = checkEveryMessage(h);
      await d.until(
        () => d.count(EventKind.SnapshotApplied) === 1 && d.count(EventKind.Subscribed) === 2,
        "subscribed",
      );
      for (let i = 1; i < books; i++) {
        const t = JSON.parse(sim.step()).data.time;
        await d.until(() => h.book.updateId === t && h.stats.books === i + 1, `book ${i}`);
      }
      assert.deepEqual(c.failures, []);
      assert.equal(c.snapshots, 1);
      assert.equal(c.updates, books - 1);
      assert.ok(c.trades <= trades, `${c.trades} trade messages of ${trades} trades in the fixture`);
    });
  },
});
