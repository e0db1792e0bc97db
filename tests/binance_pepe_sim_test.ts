/**
 * The PEPE-like synthetic market end to end: `sim:binance`'s market with quantities past 10^8
 * (which a global 10^8 scale could not hold) → `BinanceHandler` (book, records, JSON form,
 * capture) → replay of the capture → the simulator replaying that capture. Every book is compared
 * with the simulator's truth at its own scale. Waits on conditions with a deadline.
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { PEPE_MARKET } from "../sim/binance/market.ts";
import { checkEveryMessage, sameBook } from "../testing/stream_check.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

Deno.test("a PEPE-like market syncs exactly, and its capture replays (replay and sim --replay) exactly", async () => {
  const dir = await Deno.makeTempDir();
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { ...PEPE_MARKET, seed: 3 } });
  const h = new BinanceHandler({
    symbol: "PEPEUSDT",
    wsUrl: sim.wsUrl("/stream?streams=pepeusdt@depth@100ms/pepeusdt@trade"),
    restUrl: sim.restUrl,
    trades: true,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    captureDir: dir,
    captureSession: "pepe",
  });
  const checked = checkEveryMessage(h);
  const tl = testLogger();
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  const pump = setInterval(() => tl.drain(), 2);
  try {
    await waitUntil("synced", () => h.sync.isSynced);
    sim.stopAfter(30);
    await sim.finished;
    await waitUntil("caught up", () => h.sync.isSynced && h.book.updateId === sim.truth.updateId);
    assert.ok(sim.truth.bids.bestQty() > 90_071_993 || sim.truth.asks.bestQty() > 90_071_993, "PEPE-sized");
    assert.deepEqual(sim.scale, { priceDecimals: 8, qtyDecimals: 0 });
    const inst = h.stream.instrument;
    assert.deepEqual([inst.priceDecimals, inst.qtyDecimals], [8, 0], "exchangeInfo's tick and lot");
    sameBook(h.book, sim.truth, "handler", inst, sim.scale);
    assert.equal(h.malformed, 0);
    assert.deepEqual(checked.failures, []);
    assert.ok(checked.trades > 0, "trades went through");
  } finally {
    ac.abort();
    const report = await engine;
    clearInterval(pump);
    await sim.close();
    assert.notEqual(report.reason, "error", String(report.error));
  }
  try {
    const session = `${dir}/PEPEUSDT/pepe`;
    const rebuilt = new RebuildingSink();
    const stats = await replayCapture(await resolveSession(session), { sink: rebuilt });
    assert.equal(stats.failure, undefined);
    assert.equal(stats.malformed, 0);
    rebuilt.book.updateId = h.book.updateId; // the sink rebuilds levels only
    sameBook(rebuilt.book, h.book, "replay", { priceDecimals: 8, qtyDecimals: 0 }, h.stream.instrument);
    // The simulator replaying that capture (the truth book is held at the capture's own scale).
    const again = await BinanceSimulator.start({ intervalMs: 0, replayDir: session });
    try {
      again.step(1_000_000); // to the end of the capture
      sameBook(again.truth, h.book, "sim --replay", again.scale, h.stream.instrument);
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
