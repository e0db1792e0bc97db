/**
 * Test support: `BinanceHandler` driven by the engine against the local simulator — start both,
 * wait for recovery after a fault, and compare the handler's book with the simulator's truth.
 * Waits are conditions with deadlines (`waitUntil`), never fixed sleeps.
 * @module
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent, RESYNC_NAMES } from "../engine/events.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import type { L2Book } from "../venues/book.ts";
import { BinanceHandler, type BinanceHandlerConfig } from "../venues/binance/handler.ts";
import { BinanceSimulator, type SimFault, type SimulatorOptions } from "../sim/binance/simulator.ts";

/** Assert `got` equals `want`: update id, and every level of both sides. */
export function assertSameBook(got: L2Book, want: L2Book): void {
  assert.equal(got.updateId, want.updateId, "update id");
  for (const [name, a, b] of [["bids", got.bids, want.bids], ["asks", got.asks, want.asks]] as const) {
    assert.equal(a.size, b.size, `${name} levels`);
    for (let i = 0; i < a.size; i++) {
      assert.equal(a.priceAt(i), b.priceAt(i), `${name}[${i}] price`);
      assert.equal(a.qtyAt(i), b.qtyAt(i), `${name}[${i}] qty`);
    }
  }
}

/** A handler running in the engine against a simulator, with its log events. */
export interface Run {
  /** The simulator. */
  sim: BinanceSimulator;
  /** The handler. */
  h: BinanceHandler;
  /** Log events drained so far. */
  events: LogEvent[];
  /** Stop the engine and the simulator. */
  finish(): Promise<void>;
}

/** Start a simulator (5 ms batches, seed 42, then `simOpts`) and a handler on it (then `cfgOf`). */
export async function start(
  simOpts: SimulatorOptions,
  cfgOf: Partial<BinanceHandlerConfig> | ((sim: BinanceSimulator) => Partial<BinanceHandlerConfig>) = {},
): Promise<Run> {
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 42 }, ...simOpts });
  const h = new BinanceHandler({
    symbol: "BTCUSDT",
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    ...(typeof cfgOf === "function" ? cfgOf(sim) : cfgOf),
  });
  const tl = testLogger();
  const events: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  const pump = setInterval(() => events.push(...tl.drain()), 2);
  return {
    sim,
    h,
    events,
    async finish() {
      ac.abort();
      const report = await engine;
      clearInterval(pump);
      events.push(...tl.drain());
      await sim.close();
      assert.notEqual(report.reason, "error", `engine error: ${String(report.error)}`);
    },
  };
}

/** Stop the market, let the handler catch up, compare with the truth. */
export async function settleAndCompare(r: Run): Promise<void> {
  r.sim.stopAfter(20);
  await r.sim.finished;
  await waitUntil(
    "handler caught up with the simulator",
    () => r.h.sync.isSynced && r.h.book.updateId === r.sim.truth.updateId,
  );
  assertSameBook(r.h.book, r.sim.truth);
}

/** Events of `kind` in `evs`. */
export const count = (evs: LogEvent[], kind: number) => evs.filter((e) => e.kind === kind).length;
/** The reasons of the resync events in `evs`, by name. */
export const resyncReasons = (evs: LogEvent[]) =>
  evs.filter((e) => e.kind === EventKind.Resync).map((e) => RESYNC_NAMES[e.a] ?? "?");

/** Sync, arm `fault`, wait for `check` to hold and the book to resync, then compare with the truth. */
export async function faultTest(
  fault: SimFault,
  check: (r: Run) => void,
  cfg: Partial<BinanceHandlerConfig> = {},
  simOpts: SimulatorOptions = {},
) {
  const r = await start({ retryAfterSec: 1, shutdownGraceMs: 20, ...simOpts }, cfg);
  try {
    await waitUntil("first sync", () => r.h.sync.isSynced);
    const before = r.events.length;
    r.sim.fault(fault);
    await waitUntil(`recovery after ${fault}`, () => {
      try {
        check({ ...r, events: r.events.slice(before) });
        return r.h.sync.isSynced;
      } catch {
        return false;
      }
    });
    await settleAndCompare(r);
    check({ ...r, events: r.events.slice(before) });
  } finally {
    await r.finish();
  }
}
