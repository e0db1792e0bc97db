/**
 * `BinanceMultiHandler` with 100 healthy symbols and one that gaps again and again (the
 * simulator's `skip_update`, armed five times): the gapping symbol resyncs each time (one `clear`,
 * one snapshot per gap); no healthy symbol ever gets a `clear`, resyncs, or asks a second
 * snapshot (the simulator's REST counter and the handler's request counter: one each); every
 * stream's records rebuild its book after every message; every final book equals the
 * simulator's. Stepped by hand: every step waits until the handler has read every frame sent.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { checkEveryMessage, Drive, sameBook } from "../testing/mod.ts";
import { allEqualTruth, stepUntil } from "./_binance_multi_rig.ts";

const HEALTHY = Array.from({ length: 100 }, (_, k) => `H${String(k).padStart(3, "0")}USDT`);
const GAPPER = "GAPUSDT";
const SYMBOLS = [...HEALTHY, GAPPER];
const G = SYMBOLS.length - 1;
const GAPS = 5;

Deno.test("BinanceMultiHandler: one symbol gapping 5 times among 100 never touches the other 100", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 1_000_000 });
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    instruments: new InstrumentTable(),
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const d = new Drive(h);
  try {
    await d.start();
    await d.until(() => sim.streams === SYMBOLS.length, "subscribed");
    await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
    assert.equal(h.stats.everSynced, SYMBOLS.length);
    for (let gap = 1; gap <= GAPS; gap++) {
      const before = h.books[G]!.sync.resyncs;
      sim.fault("skip_update", GAPPER);
      await stepUntil(
        sim,
        h,
        d,
        () => h.books[G]!.sync.resyncs > before && allEqualTruth(h, sim),
        `gap ${gap}`,
      );
      assert.equal(h.books[G]!.sync.resyncs, gap, `gap ${gap}: one resync per gap`);
    }
    await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "settle");
    for (const b of h.books) {
      sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
    }
  } finally {
    await d.stop();
    await sim.close();
  }
  assert.equal(checks[G]!.clears, GAPS, "the gapping symbol: one clear per gap");
  assert.equal(sim.stats.rest.snapshots.get(GAPPER), 1 + GAPS, "the gapping symbol: one snapshot per gap");
  for (let i = 0; i < HEALTHY.length; i++) {
    const s = HEALTHY[i]!;
    assert.equal(checks[i]!.clears, 0, `${s}: no clear`);
    assert.equal(h.books[i]!.sync.resyncs, 0, `${s}: never resynced`);
    assert.equal(sim.stats.rest.snapshots.get(s), 1, `${s}: one snapshot served`);
    assert.equal(h.rest.requested[i], 1, `${s}: one snapshot asked`);
    assert.ok(checks[i]!.updates > 0, `${s}: updates flowed`);
  }
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], SYMBOLS[i]);
  assert.equal(sim.stats.rest.rateLimited + sim.stats.rest.banned, 0);
});
