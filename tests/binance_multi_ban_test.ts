/**
 * 418 with many symbols: the simulator bans a client (418 + `Retry-After`) that asks again before
 * a 429's `Retry-After` passed, and an armed `ban` fault answers the next request 418; once the
 * handler has the 418 it sends nothing during the ban (a request then would be answered 418
 * again: every 418 answers a request sent before the handler had the first) and the warm-up
 * resumes after it: every symbol synchronized.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { Drive } from "../testing/mod.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "BNBUSDT"];

Deno.test("sim:binance --symbols: a client that keeps going after a 429 is banned (418, Retry-After)", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, retryAfterSec: 3 });
  try {
    sim.fault("rate_limit");
    const url = `${sim.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=100`;
    const first = await fetch(url);
    await first.body?.cancel();
    assert.equal(first.status, 429);
    assert.equal(first.headers.get("retry-after"), "3");
    const again = await fetch(url); // before Retry-After passed
    await again.body?.cancel();
    assert.equal(again.status, 418);
    assert.ok(Number(again.headers.get("retry-after")) >= 3, "a ban time");
    assert.equal(sim.stats.rest.banned, 1);
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceMultiHandler honours a 418 ban: no request during it, the warm-up resumes after it", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, retryAfterSec: 1 });
  sim.fault("ban"); // the first depth request is answered 418, Retry-After 1 s
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    weightPerMinute: 60_000, // exchangeInfo not asked: the ban hits a snapshot request
    banMinMs: 500, // below the ban's Retry-After: the Retry-After governs
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h);
  let stepper: ReturnType<typeof setInterval> | undefined;
  let sentBefore = 0;
  try {
    await d.start();
    await d.until(() => sim.streams === SYMBOLS.length, "subscribed");
    stepper = setInterval(() => sim.step(), 20);
    await d.until(() => h.rest.sched?.banned === 1, "banned");
    // Requests sent before the handler had the 418 (in flight at the venue meanwhile).
    sentBefore = h.rest.requested.reduce((a, b) => a + b, 0);
    const snaps = [...sim.stats.rest.snapshots.values()].reduce((a, b) => a + b, 0);
    assert.equal(snaps, 0, "nothing served before the ban");
    await d.until(() => h.stats.everSynced === SYMBOLS.length, "all synchronized after the ban");
  } finally {
    clearInterval(stepper);
    await d.stop();
    await sim.close();
  }
  // The ban is a fixed window from the first 418; the handler, once it has that 418, waits at least
  // its Retry-After from then: a 418 can only answer a request sent before.
  assert.ok(
    sim.stats.rest.banned <= sentBefore,
    `no request sent during the ban: ${sim.stats.rest.banned} × 418 for ${sentBefore} sent before the handler had it`,
  );
  assert.equal(h.rest.sched?.banned, sim.stats.rest.banned, "every 418 reached the scheduler");
  assert.equal(sim.stats.rest.rateLimited, 0);
  assert.ok(d.warnings().some((w) => /418/.test(w)), "the ban is reported");
});
