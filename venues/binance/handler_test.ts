import assert from "node:assert/strict";
import { runEngine } from "../../engine/engine.ts";
import { EventKind, type LogEvent } from "../../engine/events.ts";
import { fixturePresent, testLogger, waitUntil } from "../../engine/testing.ts";
import { BinanceHandler, type BinanceHandlerConfig } from "./handler.ts";
import { BinanceSimulator, type SimulatorOptions } from "../../sim/binance/simulator.ts";
import { sameBook } from "../../testing/stream_check.ts";

const FIXTURE = new URL("../../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
const fixtureExists = fixturePresent(new URL("diffs.jsonl", FIXTURE), "handler_test");

async function withHandler(
  simOpts: SimulatorOptions,
  cfg: Partial<BinanceHandlerConfig>,
  body: (sim: BinanceSimulator, h: BinanceHandler, events: () => LogEvent[]) => Promise<void>,
): Promise<void> {
  const sim = await BinanceSimulator.start(simOpts);
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5 },
    ...cfg,
  });
  const tl = testLogger();
  const seen: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  try {
    await body(sim, h, () => {
      seen.push(...tl.drain());
      return seen;
    });
  } finally {
    ac.abort();
    const report = await engine;
    await sim.close();
    assert.notEqual(report.reason, "error", String(report.error));
  }
}

Deno.test("BinanceHandler renews its connection before the 24 h limit (scaled down)", async () => {
  await withHandler({ intervalMs: 5 }, { maxConnectionMs: 100 }, async (sim, h, events) => {
    // Renewals keep coming every 100 ms, so never stop the market (a renewal after its end could
    // never resync): wait for a moment when, after a renewal, the book is synchronized and level
    // with the simulator (same thread, so the comparison below sees that same moment).
    await waitUntil(
      "a planned reconnect, resynchronized and caught up",
      () => h.connections >= 2 && h.sync.isSynced && h.book.updateId === sim.truth.updateId,
    );
    sameBook(h.book, sim.truth, "after renewal", h.stream.instrument, sim.scale);
    assert.ok(events().some((e) => e.kind === EventKind.Info && e.text.includes("24 h")));
  });
});

Deno.test("BinanceHandler is done after --max-messages and the engine stops on its own", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 2 });
  const h = new BinanceHandler({ wsUrl: sim.wsUrl(), restUrl: sim.restUrl, maxMessages: 25 });
  const tl = testLogger();
  try {
    const report = await runEngine([h], { logger: tl.logger, metricsIntervalMs: 0, durationMs: 20_000 });
    assert.equal(report.reason, "done");
    assert.equal(h.messages, 25);
    assert.ok(h.isDone());
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceHandler writes --book-out in Binance's decimal strings", async () => {
  const dir = await Deno.makeTempDir();
  await withHandler({ intervalMs: 0 }, {}, async (sim, h) => {
    await waitUntil("connected", () => sim.clients === 1);
    sim.step(3);
    await waitUntil("snapshot applied", () => h.sync.snapshots >= 1);
    sim.step(3); // a diff must bridge the snapshot
    await waitUntil("synced", () => h.sync.isSynced && h.book.updateId === sim.truth.updateId);
    await h.writeBookOut(`${dir}/book.json`);
    const out = JSON.parse(Deno.readTextFileSync(`${dir}/book.json`));
    assert.equal(out.lastUpdateId, sim.truth.updateId);
    const truth = JSON.parse(await truthJson(sim));
    assert.equal(out.venue, "binance");
    assert.equal(out.symbol, "BTCUSDT");
    assert.deepEqual(out.bids, truth.bids);
    assert.deepEqual(out.asks, truth.asks);
  });
  await Deno.remove(dir, { recursive: true });
});

async function truthJson(sim: BinanceSimulator): Promise<string> {
  const r = await fetch(`${sim.restUrl}/sim/truth`);
  return await r.text();
}

Deno.test({
  name: "BinanceHandler rebuilds the real ETHUSDT fixture replayed by the simulator",
  ignore: !fixtureExists,
  async fn() {
    const dir = decodeURIComponent(FIXTURE.pathname).replace(/\/$/, "");
    await withHandler(
      { intervalMs: 0, replayDir: dir },
      { symbol: "ETHUSDT", snapshotLimit: 5000, scheduler: { minIntervalMs: 1 } },
      async (sim, h) => {
        await waitUntil("connected", () => sim.clients === 1);
        sim.step(5);
        await waitUntil("snapshot applied", () => h.sync.snapshots >= 1);
        sim.step(1); // bridges the snapshot
        await waitUntil("synced", () => h.sync.isSynced);
        sim.step(1_000_000); // the rest of the fixture
        await sim.finished;
        await waitUntil("caught up", () => h.book.updateId === sim.truth.updateId, 60_000);
        assert.equal(h.sync.resyncs, 0);
        sameBook(h.book, sim.truth, "ETHUSDT fixture", h.stream.instrument, sim.scale);
        assert.ok(!h.book.isCrossed());
      },
    );
  },
});
