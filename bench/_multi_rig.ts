/**
 * Benchmark-only: the rig of the many-symbol benchmarks — the fast simulator in its own process
 * (under `taskset -c 0` when taskset exists), this process pinned to CPU 1 (`taskset -a -p`, every
 * thread: the engine, the logger Worker, Deno's I/O threads), `BinanceMultiHandler` on the
 * simulator, and the checks: pause the simulator and wait until every book reached the
 * simulator's last update id (a deadline on the wait), then compare every level with the
 * simulator's depth. Allocates freely (never on a measured path).
 * @module
 */
import { pinProcess } from "../engine/pinning.ts";
import { parseFixed } from "../venues/decimal.ts";
import { type BinanceMultiConfig, BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { type EngineReport, runEngine } from "../engine/engine.ts";
import { startLogger } from "../engine/logger_host.ts";
import type { Logger } from "../engine/logger.ts";
import { testLogger } from "../engine/testing.ts";
import { LatencyProbe } from "./_multi_probe.ts";
import { SimChild, type SimState } from "./_multi_sim_proc.ts";

export { SimChild, type SimState } from "./_multi_sim_proc.ts";
import type { WsTransport } from "../venues/binance/_ws_open.ts";

/** Pin this process (every thread) to `cpu`; what happened, in words. */
export async function pinSelf(cpu: number): Promise<string> {
  const r = await pinProcess(cpu);
  return r.ok
    ? `handler process pinned with taskset -a -p -c ${cpu} (cpus ${r.cpus})`
    : `handler NOT pinned: ${r.error}`;
}

/** The handler of `symbols` on the simulator child; `extra` overrides its configuration (e.g. the transport). */
export function multiHandler(
  sim: SimChild,
  symbols: string[],
  extra: Partial<BinanceMultiConfig> = {},
): BinanceMultiHandler {
  return new BinanceMultiHandler({
    symbols,
    wsUrl: sim.wsBase,
    restUrl: sim.base,
    instruments: new InstrumentTable(),
    statsIntervalMs: 10_000,
    ...extra,
  });
}

/** Wait (polling every 20 ms, `deadlineMs` at most) until `cond()` holds. */
export async function until(cond: () => boolean, what: string, deadlineMs: number): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Pause the simulator and wait (60 s deadline) until every book holds the simulator's last
 * update id. Returns the simulator's state at the pause and the symbols still behind at the
 * deadline; with `must`, being behind throws instead.
 */
export async function pauseAndCatchUp(
  sim: SimChild,
  h: BinanceMultiHandler,
  must = true,
): Promise<{ st: SimState; behind: string[] }> {
  await sim.pause(true);
  const st = await sim.state();
  const atLast = (k: number): boolean => h.books[k]!.book.updateId === st.symbols[k]![1];
  try {
    await until(
      () => h.books.every((_, k) => atLast(k)),
      "every book at the simulator's last update id",
      60_000,
    );
  } catch (e) {
    if (must) throw e;
  }
  return { st, behind: h.books.filter((_, k) => !atLast(k)).map((b) => b.symbol) };
}

/** Compare every level of every book with the simulator's depth; the symbols that differ. */
export async function compareBooks(sim: SimChild, h: BinanceMultiHandler): Promise<string[]> {
  const bad: string[] = [];
  for (const b of h.books) {
    const r = await fetch(`${sim.base}/api/v3/depth?symbol=${b.symbol}&limit=5000`);
    const snap = await r.json() as {
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    let same = snap.lastUpdateId === b.book.updateId;
    const { priceDecimals: pd, qtyDecimals: qd } = b.stream.instrument; // the book's own scale
    for (const [isBid, levels] of [[true, snap.bids], [false, snap.asks]] as const) {
      const side = b.book.side(isBid);
      same &&= side.size === levels.length;
      for (let i = 0; same && i < levels.length; i++) {
        same = side.priceAt(i) === parseFixed(levels[i]![0], pd) &&
          side.qtyAt(i) === parseFixed(levels[i]![1], qd);
      }
    }
    if (!same) bad.push(b.symbol);
  }
  return bad;
}

/** `n` symbol names as the simulator child makes them. */
export function symbolNames(n: number): string[] {
  return Array.from({ length: n }, (_, k) => `S${String(k).padStart(3, "0")}USDT`);
}

/** Options of {@linkcode startRig}. */
export interface RigOptions {
  /** Symbols. */
  symbols: number;
  /** Depth frames per second per symbol. */
  rate: number;
  /** Simulator timer, ms. */
  tick: number;
  /** Simulator pacing: its timer (default) or a clock-checking loop that ticks on time. */
  simPace?: "timer" | "spin";
  /** Levels per frame: 1..changes. */
  changes: number;
  /** The handler's log file (default: a temporary file, removed at close). */
  log?: string;
  /**
   * "worker" (default): the product's logger Worker, pinned to CPU 0; "none": a ring nobody
   * drains (records dropped when full, no Worker to wake) — to measure what the logger costs.
   */
  logger?: "worker" | "none";
  /** The handler's WebSocket transport (default the handler's: "raw"). */
  transport?: WsTransport;
  /** The handler's `readAhead` (default the handler's). */
  readAhead?: number;
}

/** A running rig: the simulator child, the pinned handler under the engine, the probe. */
export interface Rig {
  /** The simulator. */
  sim: SimChild;
  /** The handler. */
  h: BinanceMultiHandler;
  /** The probe on every symbol's stream. */
  probe: LatencyProbe;
  /** Symbol names. */
  names: string[];
  /** How the processes and threads are pinned, and the load, in words. */
  notes: string[];
  /** Stop the engine, the logger and the simulator; the engine's report. */
  close(): Promise<EngineReport>;
}

/**
 * Start the simulator child (CPU 0), pin this process to CPU 1, run `before` (e.g. a floor
 * measurement on the simulator alone), then pin the logger Worker to CPU 0 (as `poc:binance`
 * puts the logger on the next core) and run the handler under the engine until every symbol is
 * synchronized (120 s deadline).
 */
export async function startRig(o: RigOptions, before?: (sim: SimChild) => Promise<void>): Promise<Rig> {
  const names = symbolNames(o.symbols);
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  const args = {
    symbols: o.symbols,
    rate: o.rate,
    tick: o.tick,
    changes: o.changes,
    pace: o.simPace ?? "timer",
  };
  const sim = await SimChild.start(Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]));
  const notes = [sim.pinned, await pinSelf(1)];
  try {
    await before?.(sim);
  } catch (e) {
    await sim.close();
    throw e;
  }
  const logFile = o.log ?? await Deno.makeTempFile({ prefix: "multi_bench_", suffix: ".log" });
  let logger: Logger;
  if (o.logger === "none") {
    logger = testLogger().logger;
    notes.push("logger: none (a ring nobody drains)");
  } else {
    const started = await startLogger({ file: logFile, core: 0 });
    logger = started.logger;
    notes.push(started.pinned || "logger Worker not pinned");
  }
  notes.push(`loadavg before ${load}`);
  const h = multiHandler(sim, names, {
    ...(o.transport !== undefined ? { transport: o.transport } : {}),
    ...(o.readAhead !== undefined ? { readAhead: o.readAhead } : {}),
  });
  const probe = new LatencyProbe(h.streams);
  const stop = new AbortController();
  const engine = runEngine([h], { logger, signal: stop.signal });
  const close = async (): Promise<EngineReport> => {
    stop.abort();
    const report = await engine;
    if (o.logger !== "none") await logger.shutdown();
    await sim.close();
    if (o.log === undefined) await Deno.remove(logFile).catch(() => {});
    return report;
  };
  try {
    const t = performance.now();
    await until(() => h.stats.everSynced === o.symbols, `all ${o.symbols} symbols synchronized`, 120_000);
    notes.push(
      `warm-up: ${o.symbols} symbols synchronized in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
        `(${h.stats.connections} connection(s) opened, ${
          h.books.reduce((a, b) => a + b.sync.resyncs, 0)
        } resyncs)`,
    );
  } catch (e) {
    await close();
    throw e;
  }
  return { sim, h, probe, names, notes, close };
}

/**
 * Frames the simulator sent and the handler has not processed yet, from baselines taken when both
 * were caught up (an upper bound: the simulator counts when the request reaches it).
 */
export async function backlogFrames(rig: Rig, simFrames0: number, handlerFrames0: number): Promise<number> {
  const processed = rig.h.stats.messages - handlerFrames0; // read before asking: the answer may wait behind frames
  const st = await rig.sim.state();
  return st.frames - simFrames0 - processed;
}

/**
 * `value` of `--flag` when it is one of `choices`; else one line naming them and `usage` on
 * stderr, and exit 2 (a user mistake, no stack trace).
 */
export function flagChoice<T extends string>(
  value: unknown,
  flag: string,
  choices: readonly T[],
  usage: string,
): T {
  if (choices.includes(value as T)) return value as T;
  console.error(`--${flag} must be ${choices.join(" or ")}\n${usage}`);
  Deno.exit(2);
}
