/**
 * Test support: the whole operations path in one process — a Binance simulator stepped by the
 * test, a `BinanceHandler` run by the engine, the logger Worker keeping metrics, and the ops
 * server with its book sampler on a free port.
 * @module
 */
import { runEngine } from "../engine/engine.ts";
import { type StartedLogger, startLogger } from "../engine/logger_host.ts";
import { waitUntil } from "../engine/testing.ts";
import { type OpsHandle, startOps } from "../ops/attach.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { formatFixed } from "../venues/decimal.ts";
import type { L2Book } from "../venues/book.ts";

/** A running rig. */
export interface OpsRig {
  /** The simulator (manual steps only). */
  sim: BinanceSimulator;
  /** The handler under the engine. */
  handler: BinanceHandler;
  /** The ops server and sampler. */
  ops: OpsHandle;
  /** Produce `n` batches and wait until the handler has processed each depth frame. */
  step(n: number): Promise<void>;
  /** Step until the handler is synchronized and its book equals the simulator's. */
  syncUp(): Promise<void>;
  /** Stop everything. */
  close(): Promise<void>;
}

/** Start the rig; the log goes to a temp file. */
export async function startOpsRig(): Promise<OpsRig> {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  const logFile = await Deno.makeTempFile({ prefix: "hft-ops-", suffix: ".log" });
  const started: StartedLogger = await startLogger({ file: logFile, metrics: true });
  const handler = new BinanceHandler({ wsUrl: sim.wsUrl(), restUrl: sim.restUrl });
  const stop = new AbortController();
  const engine = runEngine([handler], { logger: started.logger, signal: stop.signal });
  const ops = await startOps(started.metrics!, 0, [{
    name: handler.name,
    book: handler.book,
    priceScale: 8,
    qtyScale: 8,
  }]);
  await waitUntil("the handler connects to the simulator", () => sim.clients === 1);
  const step = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const before = sim.truth.updateId;
      const want = handler.messages + 1;
      sim.step(1);
      if (sim.truth.updateId === before) continue; // a batch without depth changes sends no frame
      await waitUntil("the handler processes the batch", () => handler.messages >= want);
    }
  };
  return {
    sim,
    handler,
    ops,
    step,
    async syncUp() {
      for (let k = 0; k < 50; k++) {
        await step(1);
        if (handler.sync.isSynced && handler.book.updateId === sim.truth.updateId) return;
      }
      throw new Error("the handler did not synchronize within 50 batches");
    },
    async close() {
      await ops.close();
      stop.abort();
      await engine;
      await started.logger.shutdown();
      await sim.close();
      await Deno.remove(logFile).catch(() => {});
    },
  };
}

/** The top `n` levels of a side as the page shows them: `[price, qty]` decimal strings, best first. */
export function topLevels(book: L2Book, bids: boolean, n = 10): [string, string][] {
  const side = bids ? book.bids : book.asks;
  const out: [string, string][] = [];
  for (let i = 0; i < Math.min(n, side.size); i++) {
    out.push([formatFixed(side.priceAt(i), 8), formatFixed(side.qtyAt(i), 8)]);
  }
  return out;
}

/** Fetch `url` until `ok(status, body)` holds or `timeoutMs` passes. */
export async function pollHttp(
  url: string,
  what: string,
  ok: (status: number, body: string) => boolean,
  timeoutMs = 20_000,
): Promise<{ status: number; body: string }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(url);
    const body = await r.text();
    if (ok(r.status, body)) return { status: r.status, body };
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last answer ${r.status}: ${body}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Read `stream` line by line until `re` matches (deadline), then keep draining it. */
export async function awaitLine(
  stream: ReadableStream<Uint8Array>,
  re: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const timer = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`no line matching ${re} within ${timeoutMs} ms:\n${buf}`);
      buf += value;
      const m = buf.match(re);
      if (m) {
        (async () => {
          while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
        })();
        return m;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Open the page's event stream `url` and read it until `re` matches its text (at most `reads`
 * chunks); the match, or undefined. Closes the stream either way.
 */
export async function readEvents(url: string, re: RegExp, reads = 20): Promise<RegExpMatchArray | undefined> {
  const ac = new AbortController();
  const r = await fetch(url, { signal: ac.signal });
  const rd = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (let i = 0; i < reads; i++) {
      const { value, done } = await rd.read();
      if (done) break;
      text += value;
      const m = text.match(re);
      if (m) return m;
    }
  } finally {
    ac.abort();
  }
  return undefined;
}

/** Poll `f` until it returns a value, at most `timeoutMs` (errors count as "not yet"). */
export async function eventually<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
