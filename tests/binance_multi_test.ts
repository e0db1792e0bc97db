/**
 * `BinanceMultiHandler` against the many-symbol simulator: every symbol synchronizes under one
 * REST weight budget read from `exchangeInfo`; a gap in ONE symbol resyncs only that symbol (its
 * snapshot asked again; the others' books never cleared, their streams see no `clear`, no other
 * snapshot); every final book equals the simulator's truth; the budget is never exceeded; the
 * simulator disconnects a client that breaks the per-connection limits, and the handler's pacing
 * stays within them.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { checkEveryMessage, Drive, sameBook } from "../testing/mod.ts";
import { allEqualTruth, stepUntil } from "./_binance_multi_rig.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "BNBUSDT"];

for (const mode of ["url", "message"] as const) {
  Deno.test(`BinanceMultiHandler (${mode}): a gap in one symbol resyncs only that symbol; books equal the truth`, async () => {
    const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 60_000 });
    const h = new BinanceMultiHandler({
      symbols: SYMBOLS.map((s) => s.toLowerCase()),
      wsUrl: sim.wsBase,
      restUrl: sim.restUrl,
      subscribe: mode,
      perConnection: 2,
      perMessage: 1,
      backoff: { baseMs: 5, maxMs: 50 },
      instruments: new InstrumentTable(),
    });
    assert.equal(h.conns.length, 3, "5 symbols at 2 streams per connection");
    const checks = h.books.map((b) => checkEveryMessage(b));
    const d = new Drive(h);
    try {
      await d.start();
      await d.until(() => sim.clients === 3 && sim.streams === SYMBOLS.length, "connected and subscribed");
      await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
      assert.equal(h.stats.everSynced, SYMBOLS.length);
      assert.ok(h.stats.warmupNs > 0);
      const snaps = SYMBOLS.map((s) => sim.stats.rest.snapshots.get(s) ?? 0);
      const clears = checks.map((c) => c.clears);
      const resyncs = h.books.map((b) => b.sync.resyncs);
      sim.fault("skip_update", "SOLUSDT");
      sim.fault("malformed", "ETHUSDT"); // a bad frame: warned, touches no book
      await stepUntil(
        sim,
        h,
        d,
        () => h.books[2]!.sync.resyncs > resyncs[2]! && allEqualTruth(h, sim),
        "resync",
      );
      for (let i = 0; i < SYMBOLS.length; i++) {
        const s = SYMBOLS[i]!;
        const again = (sim.stats.rest.snapshots.get(s) ?? 0) - snaps[i]!;
        if (i === 2) {
          assert.equal(again, 1, "the gapped symbol asks one snapshot");
          assert.equal(checks[i]!.clears, clears[i]! + 1, "its stream sees one clear");
        } else {
          assert.equal(again, 0, `${s}: no snapshot`);
          assert.equal(checks[i]!.clears, clears[i]!, `${s}: no clear`);
          assert.equal(h.books[i]!.sync.resyncs, resyncs[i]!, `${s}: book never cleared`);
        }
      }
      await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "settle");
      assert.equal(h.stats.malformed, 1);
      for (const b of h.books) {
        sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
      }
      await h.writeBookOut("/tmp/bn_multi_book.json");
    } finally {
      await d.stop();
      await sim.close();
    }
    for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], SYMBOLS[i]);
    assert.equal(sim.stats.rest.exchangeInfo, 1, "exchangeInfo asked once");
    assert.equal(sim.stats.rest.rateLimited + sim.stats.rest.banned, 0, "never over the budget");
    assert.ok(sim.stats.rest.maxUsed <= 60_000);
    assert.equal(sim.stats.limitDisconnects, 0);
    assert.equal(sim.stats.maxStreams, 2);
    const out = JSON.parse(await Deno.readTextFile("/tmp/bn_multi_book.json"));
    assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), SYMBOLS);
    assert.ok(out.books.every((b: { bids: unknown[]; stale?: boolean }) => b.bids.length > 0 && !b.stale));
  });
}

Deno.test("sim:binance --symbols disconnects a client beyond its streams per connection; the handler's plan stays within", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, streamsPerConnection: 2 });
  const over = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    perConnection: 3,
    weightPerMinute: 6000,
    backoff: { baseMs: 1000, maxMs: 1000 },
    instruments: new InstrumentTable(),
  });
  const d = new Drive(over);
  try {
    await d.start();
    await d.until(() => sim.stats.limitDisconnects === 1, "kicked for 3 streams");
  } finally {
    await d.stop();
    await sim.close();
  }
});

Deno.test("sim:binance --symbols disconnects a client sending over 5 messages per second; 4 per second pass", async () => {
  for (const perSecond of [10, 4]) {
    const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS.concat(["ADAUSDT"]), intervalMs: 0 });
    const h = new BinanceMultiHandler({
      symbols: SYMBOLS.concat(["ADAUSDT"]),
      wsUrl: sim.wsBase,
      restUrl: sim.restUrl,
      subscribe: "message",
      perMessage: 1,
      controlPerSecond: perSecond,
      weightPerMinute: 6000,
      backoff: { baseMs: 1000, maxMs: 1000 },
      instruments: new InstrumentTable(),
    });
    const d = new Drive(h);
    try {
      await d.start();
      if (perSecond === 10) await d.until(() => sim.stats.limitDisconnects === 1, "kicked at 6 messages");
      else {
        await d.until(() => sim.stats.maxStreams === 6, "6 SUBSCRIBE messages accepted");
        assert.equal(sim.stats.limitDisconnects, 0);
      }
    } finally {
      await d.stop();
      await sim.close();
    }
  }
});

Deno.test("BinanceMultiHandler: a silent symbol is marked stale and kept; the others stay live and untouched", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 60_000 });
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    staleAfterMs: 300,
    statsIntervalMs: 50,
    instruments: new InstrumentTable(),
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const d = new Drive(h);
  let stepper: ReturnType<typeof setInterval> | undefined;
  try {
    await d.start();
    await d.until(() => sim.streams === SYMBOLS.length, "subscribed");
    await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
    const snaps = SYMBOLS.map((s) => sim.stats.rest.snapshots.get(s) ?? 0);
    sim.fault("silence", "XRPUSDT");
    stepper = setInterval(() => sim.step(), 20); // the others keep their connection busy
    await d.until(() => h.books[3]!.stale, "XRPUSDT stale");
    clearInterval(stepper);
    assert.ok(h.books[3]!.book.bids.size > 0, "its book is kept");
    assert.ok(h.books.every((b, i) => i === 3 || !b.stale), "the others are live");
    assert.ok(h.books.every((b) => b.sync.resyncs === 0), "no book cleared");
    assert.ok(checks.every((c) => c.clears === 0), "no clear on any stream");
    assert.deepEqual(SYMBOLS.map((s) => sim.stats.rest.snapshots.get(s) ?? 0), snaps, "no snapshot asked");
    assert.ok(d.warnings().some((w) => /no depth data for 0.3 s: book stale \(kept\)/.test(w)));
  } finally {
    clearInterval(stepper);
    await d.stop();
    await sim.close();
  }
});

Deno.test("BinanceMultiHandler honours a 429's Retry-After for every symbol: no 418, all synchronized after it", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 60_000 });
  sim.fault("rate_limit"); // the first depth request is answered 429, Retry-After 1 s
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    weightPerMinute: 60_000, // exchangeInfo not asked: the 429 hits a snapshot request
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h);
  let stepper: ReturnType<typeof setInterval> | undefined;
  try {
    await d.start();
    await d.until(() => sim.streams === SYMBOLS.length, "subscribed");
    stepper = setInterval(() => sim.step(), 20);
    await d.until(() => h.stats.everSynced === SYMBOLS.length, "all synchronized after the 429");
  } finally {
    clearInterval(stepper);
    await d.stop();
    await sim.close();
  }
  assert.equal(sim.stats.rest.rateLimited, 1);
  assert.equal(sim.stats.rest.banned, 0, "nothing asked before Retry-After passed");
  assert.equal(h.rest.sched?.rateLimited, 1);
});
