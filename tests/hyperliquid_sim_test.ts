/**
 * End-to-end: HyperliquidHandler against the local simulator on 127.0.0.1:0 — the normal
 * session, every simulator fault, malformed frames, and the heartbeat under a fake clock.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { EventKind } from "../engine/events.ts";
import { FakeClock } from "../engine/clock.ts";
import type { L2Book } from "../venues/book.ts";
import { parseFixed } from "../venues/decimal.ts";
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import type { HyperliquidConfig } from "../venues/hyperliquid/config.ts";
import { type HlSimOptions, HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { Drive } from "../testing/drive.ts";

function levelsOf(frame: string): number[][][] {
  const m = JSON.parse(frame);
  return (m.data.levels as { px: string; sz: string }[][]).map((s) =>
    s.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8)])
  );
}

function bookLevels(book: L2Book): number[][][] {
  const side = (s: L2Book["bids"]) => Array.from({ length: s.size }, (_, i) => [s.priceAt(i), s.qtyAt(i)]);
  return [side(book.bids), side(book.asks)];
}

function timeOf(frame: string): number {
  return JSON.parse(frame).data.time;
}

async function session(
  simOpts: HlSimOptions,
  cfg: HyperliquidConfig,
  body: (sim: HyperliquidSimulator, d: Drive, h: HyperliquidHandler) => Promise<void>,
  clock?: FakeClock,
): Promise<void> {
  const sim = await HyperliquidSimulator.start(simOpts);
  const h = new HyperliquidHandler({
    wsUrl: sim.url,
    backoff: { baseMs: 5, maxMs: 50 },
    ...cfg,
  });
  const d = new Drive(h, clock);
  try {
    await d.start();
    await body(sim, d, h);
  } finally {
    await d.stop();
    await sim.close();
  }
}

// Step the simulator and wait until the handler has applied that book.
async function stepAndSync(
  sim: HyperliquidSimulator,
  d: Drive,
  h: HyperliquidHandler,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = timeOf(sim.step());
    await d.until(() => h.book.updateId === t, `book time ${t}`);
  }
}

async function subscribed(d: Drive, h: HyperliquidHandler, times = 1): Promise<void> {
  await d.until(
    () => d.count(EventKind.Subscribed) >= times && d.count(EventKind.SnapshotApplied) >= times,
    `subscribed + snapshot #${times}`,
  );
  ok(h.book.bids.size > 0);
}

Deno.test("HyperliquidHandler follows the simulator: greeting, subscribe, snapshot, diffs, trades", async () => {
  await session({ seed: 3, tradeEvery: 2 }, { trades: true }, async (sim, d, h) => {
    await subscribed(d, h);
    await stepAndSync(sim, d, h, 30);
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
    equal(d.count(EventKind.Connected), 1);
    ok(d.of(EventKind.Info).some((e) => e.text === "greeting skipped"));
    ok(d.of(EventKind.Subscribed).some((e) => e.text.includes('"type":"l2Book"')));
    equal(d.count(EventKind.SnapshotApplied), 1);
    ok(d.count(EventKind.DiffStats) >= 30);
    ok(d.of(EventKind.Latency).some((e) => e.label === "wire_to_book"));
    ok(h.stats.tradeMessages > 0, "trades subscribed and received");
    const t = h.differ.totals.byKind;
    ok(t[1]! + t[2]! + t[3]! > 0, "inserts/changes/deletes seen");
    deepEqual(d.warnings(), []);
  });
});

Deno.test("HyperliquidHandler survives a simulator disconnect: reconnects, resubscribes, ends equal", async () => {
  await session({ seed: 4 }, {}, async (sim, d, h) => {
    await subscribed(d, h);
    await stepAndSync(sim, d, h, 5);
    sim.fault("disconnect");
    await d.until(() => d.count(EventKind.Reconnecting) >= 1, "reconnecting");
    equal(d.count(EventKind.Disconnected), 1);
    await subscribed(d, h, 2);
    equal(d.count(EventKind.Connected), 2);
    await stepAndSync(sim, d, h, 5);
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
  });
});

Deno.test("HyperliquidHandler turns a venue error frame into a warning and carries on", async () => {
  await session({ seed: 5 }, {}, async (sim, d, h) => {
    await subscribed(d, h);
    sim.fault("error");
    await d.until(() => d.warnings().some((w) => w.startsWith("venue error: Simulated")), "error warning");
    await stepAndSync(sim, d, h, 5);
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
    equal(h.stats.venueErrors, 1);
    equal(d.count(EventKind.Disconnected), 0);
  });
});

Deno.test("HyperliquidHandler reconnects when a silent server stops answering pings", async () => {
  await session({ seed: 6 }, { heartbeat: { pingAfterMs: 40, pongTimeoutMs: 60 } }, async (sim, d, h) => {
    await subscribed(d, h);
    // Pings flow and are answered while the server is healthy.
    await d.until(() => sim.stats.pongs >= 2, "two pongs");
    sim.fault("silence");
    await d.until(() => d.warnings().some((w) => w.startsWith("no pong")), "pong timeout");
    await subscribed(d, h, 2);
    await stepAndSync(sim, d, h, 3);
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
    ok(h.stats.pongTimeouts >= 1);
  });
});

Deno.test("HyperliquidHandler warns on a crossed book and recovers with the next one", async () => {
  await session({ seed: 7 }, {}, async (sim, d, h) => {
    await subscribed(d, h);
    sim.fault("cross");
    await stepAndSync(sim, d, h, 1);
    ok(h.book.isCrossed());
    ok(d.warnings().some((w) => w.startsWith("crossed book")));
    await stepAndSync(sim, d, h, 2);
    ok(!h.book.isCrossed());
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
  });
});

Deno.test("HyperliquidHandler warns on malformed frames, loses nothing, and keeps the book", async () => {
  await session({ seed: 8 }, {}, async (sim, d, h) => {
    await subscribed(d, h);
    await stepAndSync(sim, d, h, 2);
    const before = bookLevels(h.book);
    sim.sendRaw('{"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[{"px":"1.2.3"');
    sim.sendRaw('{"channel":"l2Book","data":{"coin":"ETH","time":2,"levels":[[],[]]}}');
    sim.sendRaw("hello");
    await d.until(() => d.warnings().length >= 3, "three warnings");
    ok(d.warnings().some((w) => w.startsWith("malformed frame")));
    ok(d.warnings().some((w) => w.includes("another coin")));
    ok(d.warnings().some((w) => w.startsWith("unexpected text frame")));
    deepEqual(bookLevels(h.book), before);
    await stepAndSync(sim, d, h, 2);
    deepEqual(bookLevels(h.book), levelsOf(sim.lastBook!));
  });
});

Deno.test("HyperliquidHandler sends its ping when the fake clock passes 50 s (no sleeping)", async () => {
  const clock = new FakeClock();
  // No book for 50 s is also a silent feed: keep the silence watch out of this heartbeat test.
  await session({ seed: 9 }, { staleAfterMs: 3_600_000 }, async (sim, d, h) => {
    await subscribed(d, h);
    clock.advance(50e9 - 1);
    d.ctx.wake();
    d.pump();
    equal(sim.stats.pings, 0, "not yet");
    const ping = sim.waitFor("ping");
    clock.advance(1);
    d.ctx.wake();
    d.pump();
    await ping;
    equal(sim.stats.pings, 1);
    await d.until(() => h.heartbeat.pongs === 1 && !h.heartbeat.awaitingPong, "pong processed");
    clock.advance(10e9); // pong arrived in time: no timeout, no reconnect
    d.pump();
    equal(d.count(EventKind.Disconnected), 0);
  }, clock);
});
