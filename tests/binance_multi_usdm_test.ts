/**
 * `BinanceMultiHandler --market usdm` against the many-symbol simulator serving USD-M futures
 * (`/public` streams, `/fapi/v1/depth` and `/fapi/v1/exchangeInfo`, frames with `pu` and jumping
 * ids, trades): every symbol synchronizes under the futures rules; a gap in ONE symbol (a missing
 * `pu` link) resyncs only that symbol — the others' books are never cleared, their streams see no
 * `clear`, no other snapshot is asked — and every final book equals the simulator's. The depth
 * stream speed asked is the one subscribed, in both subscribe modes.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { checkEveryMessage, Drive, sameBook } from "../testing/mod.ts";
import { allEqualTruth, stepUntil } from "./_binance_multi_rig.ts";
import type { DepthSpeed } from "../venues/binance/markets.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"];
const CASES: { mode: "url" | "message"; speed: DepthSpeed; stream: string }[] = [
  { mode: "url", speed: "0ms", stream: "btcusdt@depth@0ms" },
  { mode: "message", speed: "250ms", stream: "btcusdt@depth" },
];

for (const { mode, speed, stream } of CASES) {
  Deno.test(`BinanceMultiHandler usdm (${mode}, ${speed}, trades): a gap in one symbol resyncs only it; books equal the simulator's`, async () => {
    const sim = await BinanceMultiSimulator.start({
      symbols: SYMBOLS,
      market: "usdm",
      intervalMs: 0,
      weightLimit: 24_000,
    });
    const h = new BinanceMultiHandler({
      symbols: SYMBOLS,
      market: "usdm",
      depthStream: speed,
      trades: true,
      wsUrl: sim.wsBase,
      restUrl: sim.restUrl,
      subscribe: mode,
      perConnection: 4,
      perMessage: 2,
      backoff: { baseMs: 5, maxMs: 50 },
      instruments: new InstrumentTable(),
    });
    assert.equal(h.conns.length, 2, "4 symbols × 2 streams at 4 streams per connection");
    assert.ok(h.conns[0]!.plan.streams.includes(stream), `subscribes ${stream}`);
    assert.ok(h.conns[0]!.plan.url.startsWith(`${sim.wsBase}/public/`), "USD-M paths are under /public");
    const checks = h.books.map((b) => checkEveryMessage(b));
    const d = new Drive(h);
    try {
      await d.start();
      await d.until(() => sim.streams === 2 * SYMBOLS.length, "connected and subscribed");
      await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
      assert.equal(h.rest.sched?.weight, 20, "USD-M weight of limit 1000 (spot: 50)");
      assert.equal(h.rest.sched?.weightPerMinute, 24_000, "the budget of /fapi/v1/exchangeInfo");
      const snaps = SYMBOLS.map((s) => sim.stats.rest.snapshots.get(s) ?? 0);
      const clears = checks.map((c) => c.clears);
      const resyncs = h.books.map((b) => b.sync.resyncs);
      sim.fault("skip_update", "ETHUSDT"); // the next frame's pu names a u never sent
      await stepUntil(
        sim,
        h,
        d,
        () => h.books[1]!.sync.resyncs > resyncs[1]! && allEqualTruth(h, sim),
        "resync",
      );
      for (let i = 0; i < SYMBOLS.length; i++) {
        const s = SYMBOLS[i]!;
        const again = (sim.stats.rest.snapshots.get(s) ?? 0) - snaps[i]!;
        if (i === 1) {
          assert.equal(again, 1, "the gapped symbol asks one snapshot");
          assert.equal(checks[i]!.clears, clears[i]! + 1, "its stream sees one clear");
        } else {
          assert.equal(again, 0, `${s}: no snapshot`);
          assert.equal(checks[i]!.clears, clears[i]!, `${s}: no clear`);
          assert.equal(h.books[i]!.sync.resyncs, resyncs[i]!, `${s}: book never cleared`);
        }
      }
      for (const b of h.books) {
        assert.equal(b.sync.rules, "usdm");
        assert.equal(b.stream.instrument.market, "usdm");
        sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
      }
      await h.writeBookOut("/tmp/bn_multi_usdm_book.json");
    } finally {
      await d.stop();
      await sim.close();
    }
    for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], SYMBOLS[i]);
    assert.ok(checks.some((c) => c.trades > 0), "futures trade frames went through");
    assert.equal(sim.stats.rest.rateLimited + sim.stats.rest.banned, 0, "never over the budget");
    assert.equal(sim.stats.limitDisconnects, 0);
    const out = JSON.parse(await Deno.readTextFile("/tmp/bn_multi_usdm_book.json"));
    assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), SYMBOLS);
  });
}
