/**
 * Frames the Binance handler must not apply but must survive: depth and trade frames of another
 * symbol (`--symbol ETHUSDT` with a BTCUSDT `--ws-url`) are refused with a rate-limited warning
 * and captured as other lines; a binary WebSocket frame is a warning and the session goes on.
 * Waits are on conditions with deadlines; the warning rate limit runs on a FakeClock.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent } from "../engine/events.ts";
import { testContext, testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";

Deno.test("frames of another symbol are refused (one warning per interval) and captured, never applied", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0, market: { seed: 5 } });
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock();
  const h = new BinanceHandler({
    symbol: "ETHUSDT",
    wsUrl: sim.wsUrl(`/stream?streams=btcusdt@depth@100ms/btcusdt@trade`), // BTCUSDT frames
    restUrl: sim.restUrl,
    captureDir: dir,
    captureSession: "s",
    staleAfterMs: 60_000,
  });
  const tl = testLogger(clock);
  const events: LogEvent[] = [];
  try {
    await h.start(testContext(tl.logger, "binance", clock));
    await waitUntil("connected", () => sim.clients === 1);
    sim.step(30);
    const sent = sim.stats.framesSent;
    assert.ok(sent >= 30);
    await waitUntil("every frame handled", () => {
      h.pollOnce(tl.logger);
      events.push(...tl.drain());
      return h.foreign.total === sent;
    });
    const refused = events.filter((e) => e.kind === EventKind.Warning && /refused/.test(e.text));
    assert.equal(refused.length, 1, "rate-limited: one warning, not one per frame");
    assert.match(refused[0]!.text, /symbol BTCUSDT refused, not applied \(this handler is for ETHUSDT/);
    assert.equal(h.sync.received, 0, "no depth frame reached the sync");
    assert.equal(h.messages, 0);
    assert.equal(h.book.bids.size + h.book.asks.size, 0);
    clock.advance(10e9); // the next refused frame after the interval is reported with the count
    sim.step(5);
    const sent2 = sim.stats.framesSent;
    await waitUntil("more frames handled", () => {
      h.pollOnce(tl.logger);
      events.push(...tl.drain());
      return h.foreign.total === sent2;
    });
    const later = events.filter((e) => e.kind === EventKind.Warning && /refused/.test(e.text));
    assert.equal(later.length, 2);
    assert.match(later[1]!.text, new RegExp(`^${sent - 1 + 1} frame\\(s\\)`));
    await h.stop();
    const other = Deno.readTextFileSync(`${h.capture!.path}/other.jsonl`).trim().split("\n");
    assert.equal(other.length, sent2, "every refused frame is captured");
    assert.equal(Deno.readTextFileSync(`${h.capture!.path}/diffs.jsonl`), "");
  } finally {
    await h.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a binary frame is a warning and the session goes on (no capture)", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 9 } });
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5 },
    statsIntervalMs: 0, // I/O stats after every poll
  });
  const tl = testLogger();
  const events: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  try {
    await waitUntil("synchronized", () => h.sync.isSynced);
    sim.fault("binary");
    await waitUntil("the binary frame handled", () => h.binary.total === 1);
    events.push(...tl.drain());
    sim.stopAfter(10);
    await sim.finished;
    await waitUntil("caught up", () => h.sync.isSynced && h.book.updateId === sim.truth.updateId);
    events.push(...tl.drain());
    const w = events.filter((e) => e.kind === EventKind.Warning).map((e) => e.text);
    assert.ok(w.some((t) => /1 binary frame\(s\) ignored \(the latest 15 bytes/.test(t)), w.join("\n"));
    const io = events.filter((e) => e.kind === EventKind.IoStats);
    assert.ok(io.length > 0, "I/O stats logged");
    assert.ok(io.every((e) => Number.isFinite(e.a)), "bytes received stay a number after a binary frame");
    assert.equal(h.connections, 1, "the session was not dropped");
    assert.equal(h.malformed, 0, "not mistaken for a malformed text frame");
  } finally {
    ac.abort();
    const report = await engine;
    await sim.close();
    assert.equal(report.reason, "signal", String(report.error));
  }
});
