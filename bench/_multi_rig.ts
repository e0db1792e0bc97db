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
import type { WsTransport } from "../venues/binance/_ws_open.ts";

/** What `/sim/state` answers. */
export interface SimState {
  /** Per symbol: [symbol, last update id, frames sent, frames skipped]. */
  symbols: [string, number, number, number][];
  /** Depth frames sent. */
  frames: number;
  /** Ticks with frames. */
  ticks: number;
  /** The most frames of one tick. */
  maxTickFrames: number;
  /** Bytes handed to sockets. */
  bytes: number;
  /** Build time of the ticks, ns. */
  buildNsSum: number;
  /** The simulator process's CPU, µs. */
  cpuUserUs: number;
  /** See `cpuUserUs`. */
  cpuSystemUs: number;
  /** REST depth answers per symbol. */
  snapshots: Record<string, number>;
}

/** The simulator child process. */
export class SimChild {
  /** `taskset -c 0` used, or why not. */
  readonly pinned: string;
  readonly #proc: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  /** REST / control base URL. */
  readonly base: string;
  /** WebSocket base URL. */
  readonly wsBase: string;

  private constructor(proc: Deno.ChildProcess, port: number, pinned: string) {
    this.#proc = proc;
    this.#stdin = proc.stdin.getWriter();
    this.base = `http://127.0.0.1:${port}`;
    this.wsBase = `ws://127.0.0.1:${port}`;
    this.pinned = pinned;
  }

  /** Start `bench/_multi_sim_child.ts` with `args`; resolves once it listens (30 s deadline). */
  static async start(args: string[]): Promise<SimChild> {
    const child = new URL("./_multi_sim_child.ts", import.meta.url).pathname;
    const deno = [Deno.execPath(), "run", "--allow-net=127.0.0.1", child, ...args];
    let pinned = "simulator pinned with taskset -c 0";
    let cmd = new Deno.Command("taskset", { args: ["-c", "0", ...deno], stdin: "piped", stdout: "piped" });
    let proc: Deno.ChildProcess;
    try {
      proc = cmd.spawn();
    } catch {
      pinned = "simulator NOT pinned (no taskset)";
      cmd = new Deno.Command(deno[0]!, { args: deno.slice(1), stdin: "piped", stdout: "piped" });
      proc = cmd.spawn();
    }
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const timer = setTimeout(() => proc.kill(), 30_000);
    try {
      while (!text.includes("\n")) {
        const r = await reader.read();
        if (r.done) throw new Error("the simulator exited before listening");
        text += r.value;
      }
    } finally {
      clearTimeout(timer);
    }
    reader.releaseLock();
    proc.stdout.cancel().catch(() => {});
    const port = JSON.parse(text.slice(0, text.indexOf("\n"))).port as number;
    return new SimChild(proc, port, pinned);
  }

  /** `/sim/state`. */
  async state(): Promise<SimState> {
    return await (await fetch(`${this.base}/sim/state`)).json();
  }
  /** Pause (true) or resume producing. */
  async pause(on: boolean): Promise<void> {
    await (await fetch(`${this.base}/sim/pause?on=${on ? 1 : 0}`, { method: "POST" })).text();
  }
  /** Arm `skip_update` on `symbol`. */
  async skip(symbol: string): Promise<void> {
    const r = await fetch(`${this.base}/sim/fault?kind=skip_update&symbol=${symbol}`, { method: "POST" });
    if (!r.ok) throw new Error(`fault: ${r.status} ${await r.text()}`);
    await r.body?.cancel();
  }
  /** Stop the child (closing its stdin ends it) and wait for it (10 s, then kill). */
  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => this.#proc.kill("SIGKILL"), 10_000);
    await this.#proc.status;
    clearTimeout(timer);
  }
}

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
  const args = { symbols: o.symbols, rate: o.rate, tick: o.tick, changes: o.changes };
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
