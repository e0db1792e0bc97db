/**
 * Backpressure of the Binance many-symbol handler over its default transport (`RawWebSocket`): a
 * handler that stops polling while the simulator keeps sending holds a bounded inbox (reading
 * pauses at `readAhead` entries; one socket read more at most), the backlog stays in the kernel
 * and the simulator, which drops the connection as a slow reader (`clientMaxBacklog`) — and once
 * the handler polls again it drains what was read, sees the connection end, reconnects, and every
 * symbol resynchronizes to the simulator's truth with every record rebuilding its book.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { FastMultiSimulator } from "../sim/binance/fast_multi_simulator.ts";
import { checkEveryMessage, Drive, sameBook } from "../testing/mod.ts";

/** Bytes `RawWebSocket` asks per read (its default). */
const READ_BYTES = 256 << 10;
/** No combined depth frame of these symbols is shorter: `{"stream":"aaausdt@depth@100ms","data":{` alone is 42. */
const MIN_FRAME_BYTES = 42;

Deno.test("a stalled BinanceMultiHandler holds a bounded inbox, is dropped as a slow reader, then resyncs every symbol", async () => {
  const symbols = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT"];
  const sim = await FastMultiSimulator.start({
    symbols,
    tickMs: 0,
    weightLimit: 60_000,
    clientMaxBacklog: 1 << 20,
  });
  const readAhead = 64;
  const h = new BinanceMultiHandler({
    symbols,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    instruments: new InstrumentTable(),
    readAhead,
    backoff: { baseMs: 5, maxMs: 20 },
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const d = new Drive(h);
  const equal = (): boolean =>
    h.books.every((b) => b.synced && b.book.updateId === sim.truth(b.symbol).updateId);
  let stepper: ReturnType<typeof setInterval> | undefined;
  let most = 0;
  try {
    await d.start();
    await d.until(() => sim.streams === symbols.length, "subscribed");
    for (let i = 0; !equal(); i++) {
      if (i === 1000) throw new Error("warm-up: not synchronized in 1000 steps");
      sim.step();
      await d.until(() => h.stats.messages === sim.stats.frames, "warm-up: frames");
    }
    // Stall: nothing polls; the simulator sends on. Yield to the event loop between bursts so the
    // simulator writes and the socket reads; stop when the simulator dropped the connection.
    const inbox = h.conns[0]!.inbox;
    for (let round = 0; sim.stats.disconnects === 0; round++) {
      if (round === 20_000) throw new Error("the simulator never dropped the stalled reader");
      for (let i = 0; i < 50; i++) sim.step();
      await new Promise((r) => setTimeout(r, 0));
      most = Math.max(most, inbox.length);
    }
    const sentWhileStalled = sim.stats.frames - h.stats.messages;
    // Polling again: drain, see the end, reconnect, resync — while the simulator keeps producing.
    stepper = setInterval(() => sim.step(), 2);
    await d.until(
      () => h.stats.connections >= 2 && h.books.every((b) => b.sync.resyncs >= 1 && b.synced),
      "reconnected and synchronized again",
      30_000,
    );
    clearInterval(stepper);
    await d.until(equal, "every book at the truth", 30_000);
    for (const b of h.books) {
      sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
    }
    assert.ok(most <= readAhead - 1 + Math.floor(READ_BYTES / MIN_FRAME_BYTES), `inbox held ${most} entries`);
    assert.ok(sentWhileStalled > 10 * most, `${sentWhileStalled} frames sent while stalled, ${most} held`);
  } finally {
    clearInterval(stepper);
    await d.stop();
    await sim.close();
  }
  assert.equal(h.stats.shed, 0, "the inbox never passed maxBacklog: nothing to shed");
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], symbols[i]);
  assert.ok(checks.every((c) => c.clears >= 1), "every symbol cleared once its connection ended");
});
