/**
 * End to end: the live BinanceHandler captures a simulator run with an injected gap (so the
 * capture holds a resync and snapshot-1.json); replaying the capture crosses the gap with that
 * snapshot, the book rebuilt from the inferred events equals the live handler's final book, and
 * fills/cancels match the simulator's ground truth.
 */
import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import type { L2Book } from "../venues/book.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { AccuracyCollector, loadTruth, scoreAccuracy } from "../replay/accuracy.ts";
import { TeeSink } from "../replay/summary.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

function levels(book: L2Book): [number, number][][] {
  const out: [number, number][][] = [[], []];
  book.bids.forEach((p, q) => out[0]!.push([p, q]));
  book.asks.forEach((p, q) => out[1]!.push([p, q]));
  return out;
}

Deno.test("replay of a live capture with a resync rebuilds the live handler's final book", async () => {
  const dir = await Deno.makeTempDir();
  const truthFile = `${dir}/truth.jsonl`;
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 42 }, truthFile });
  const h = new BinanceHandler({
    symbol: "BTCUSDT",
    wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    captureDir: dir,
    captureSession: "e2e",
    trades: true,
  });
  const tl = testLogger();
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  const pump = setInterval(() => tl.drain(), 2);
  try {
    await waitUntil("sync", () => h.sync.isSynced);
    sim.fault("skip_update");
    await waitUntil("resync after the gap", () => h.sync.resyncs >= 1 && h.sync.isSynced);
    sim.stopAfter(20);
    await sim.finished;
    await waitUntil("caught up", () => h.sync.isSynced && h.book.updateId === sim.truth.updateId);
  } finally {
    ac.abort();
    const report = await engine;
    clearInterval(pump);
    tl.drain();
    await sim.close();
    notEqual(report.reason, "error", `engine error: ${String(report.error)}`);
  }
  try {
    const files = await resolveSession(`${dir}/BTCUSDT/e2e`);
    ok(files.snapshots.length >= 2, "the capture lists a snapshot after the resync");
    const rebuilt = new RebuildingSink();
    const acc = new AccuracyCollector();
    const warnings: string[] = [];
    const stats = await replayCapture(files, {
      sink: new TeeSink(rebuilt, acc),
      onApplied: (U, u) => acc.batch(U, u),
      onWarning: (m) => warnings.push(m),
    });
    ok(stats.resyncs >= 1, "replay meets the gap too");
    equal(stats.gapsCrossed, stats.resyncs, "and crosses it with the capture's snapshot");
    equal(stats.endedInGap, false);
    equal(stats.snapshotsApplied, stats.resyncs + 1);
    ok(warnings.every((w) => w.includes("book discarded")), warnings.join("|"));
    deepEqual(levels(rebuilt.book), levels(h.book), "events rebuild the live final book");
    const score = scoreAccuracy(acc, await loadTruth(truthFile));
    ok(score.keys > 50, `enough decreases scored (${score.keys})`);
    ok(score.qtyShare > 0.9, `fill/cancel attribution with trades: ${score.qtyShare}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
