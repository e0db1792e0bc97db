/**
 * `BinanceMultiHandler` under a backlog: when every connection drops at once with frames queued,
 * every symbol resynchronizes after the reconnect and its book equals the simulator's truth; when
 * a connection's inbox holds more than `maxBacklog` entries at a poll, its backlog is shed (frames
 * skipped, a warning, the counters), each of its symbols sees one `clear` and resynchronizes,
 * and bad `maxBacklog` values are refused.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { checkEveryMessage, Drive, waitUntil } from "../testing/mod.ts";
import { EventKind } from "../engine/events.ts";
import { allEqualTruth } from "./_binance_multi_rig.ts";

const SYMBOLS = Array.from({ length: 20 }, (_, k) => `S${k}USDT`);

Deno.test("BinanceMultiHandler: every connection dropped with a backlog queued; every symbol resyncs", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 60_000 });
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    perConnection: 5,
    backoff: { baseMs: 5, maxMs: 50 },
    instruments: new InstrumentTable(),
  });
  const d = new Drive(h);
  const sent = () => sim.stats.depthFrames;
  try {
    await d.start();
    await d.until(() => sim.clients === 4 && sim.streams === SYMBOLS.length, "connected");
    for (let i = 0; i < 3000 && !allEqualTruth(h, sim); i++) {
      sim.step();
      await d.until(() => h.stats.messages === sent(), "warm-up frames");
    }
    assert.ok(allEqualTruth(h, sim), "warm-up");
    // A backlog: frames queued but not polled, then every connection drops.
    sim.step(200);
    sim.fault("drop");
    await d.until(
      () => h.stats.connections === 8 && h.conns.every((c) => c.inbox.length === 0),
      "reconnected",
    );
    const m0 = h.stats.messages, s0 = sent();
    let steps = 0;
    for (; steps < 3000 && !allEqualTruth(h, sim); steps++) {
      sim.step();
      await d.until(() => h.stats.messages - m0 === sent() - s0, "frames after reconnect");
    }
    assert.ok(allEqualTruth(h, sim), "every symbol resynchronized");
  } finally {
    await d.stop();
    await sim.close();
  }
});

Deno.test("BinanceMultiHandler: an inbox past maxBacklog is shed, visibly; its symbols clear and resync", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 0, weightLimit: 60_000 });
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    perConnection: 5,
    maxBacklog: 400,
    backoff: { baseMs: 5, maxMs: 50 },
    instruments: new InstrumentTable(),
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const d = new Drive(h);
  const sent = () => sim.stats.depthFrames;
  try {
    await d.start();
    await d.until(() => sim.clients === 4 && sim.streams === SYMBOLS.length, "connected");
    for (let i = 0; i < 3000 && !allEqualTruth(h, sim); i++) {
      sim.step();
      await d.until(() => h.stats.messages === sent(), "warm-up frames");
    }
    assert.ok(allEqualTruth(h, sim), "warm-up");
    // Below the bound: 80 frames per connection (5 symbols x 16), nothing shed.
    sim.step(16);
    await d.until(() => h.stats.messages === sent(), "below the bound");
    assert.equal(h.stats.shed, 0);
    const clears = checks.map((c) => c.clears);
    // Past it: about 940 frames queued per connection before the next poll (the test does not poll).
    const m0 = h.stats.messages;
    sim.step(200);
    const queued = () => h.conns.reduce((n, c) => n + c.inbox.length, 0);
    await waitUntil("frames queued", () => queued() === sent() - m0);
    assert.ok(h.conns.every((c) => c.inbox.length > 400), "every connection past the bound");
    d.pump();
    assert.equal(h.stats.shed, 4, "each connection shed once");
    assert.equal(h.stats.shedFrames, sent() - m0, "every queued frame counted");
    assert.equal(h.stats.messages, m0, "no shed frame reached a book");
    const warned = d.of(EventKind.Warning).filter((e) =>
      /inbox backlog of \d+ entries.*: shed/.test(e.text ?? "")
    );
    assert.equal(warned.length, 4);
    for (let i = 0; i < SYMBOLS.length; i++) assert.equal(checks[i]!.clears, clears[i]! + 1, SYMBOLS[i]);
    const m1 = h.stats.messages, s1 = sent();
    for (let i = 0; i < 3000 && !allEqualTruth(h, sim); i++) {
      sim.step();
      await d.until(() => h.stats.messages - m1 === sent() - s1, "frames after the shed");
    }
    assert.ok(allEqualTruth(h, sim), "every symbol resynchronized");
    assert.equal(h.stats.shed, 4, "no further shed");
  } finally {
    await d.stop();
    await sim.close();
  }
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], SYMBOLS[i]);
});

Deno.test("BinanceMultiHandler: maxBacklog below 1 is refused", () => {
  for (const maxBacklog of [0, -1, NaN]) {
    assert.throws(() => new BinanceMultiHandler({ symbols: ["BTCUSDT"], maxBacklog }), RangeError);
  }
});
