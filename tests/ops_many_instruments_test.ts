/**
 * The live page with many instruments: `poc:binance --symbols … --metrics-port 0` against the
 * many-symbol simulator. The page's event stream carries a ladder for every symbol (not only the
 * first), each with levels, and `/healthz` lists every symbol and turns 200 once all are synced.
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const TASK = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;

/** Poll `f` until it returns a value (deadline 30 s). */
async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 30_000;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("live page with --symbols: a ladder per symbol, /healthz over every symbol", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 20 });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      TASK,
      "--symbols",
      SYMBOLS.join(","),
      "--ws-url",
      sim.wsBase,
      "--rest-url",
      sim.restUrl,
      "--metrics-port",
      "0",
      "--duration",
      "120",
    ],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let err = "";
  try {
    const url = await until("the page's URL", async () => {
      const { value, done } = await reader.read();
      if (done) throw new Error(`task ended: ${err}`);
      err += value;
      return /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err)?.[1];
    });
    (async () => {
      for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
    })();
    const health = await until("/healthz 200", async () => {
      const r = await fetch(`${url}/healthz`);
      const body = await r.text();
      return r.status === 200 ? body : undefined;
    });
    assert.ok(health.length >= 0);
    // The page picks one instrument at a time (`/events?i=<name>`): each symbol's ladder has levels.
    const names: string[] = [];
    for (const sym of SYMBOLS) {
      names.push(
        await until(`${sym}'s ladder with levels`, async () => {
          const ac = new AbortController();
          const r = await fetch(`${url}/events?i=${encodeURIComponent(`binance:${sym}`)}`, {
            signal: ac.signal,
          });
          const rd = r.body!.pipeThrough(new TextDecoderStream()).getReader();
          let text = "";
          try {
            for (let i = 0; i < 20; i++) {
              const { value, done } = await rd.read();
              if (done) break;
              text += value;
              if (new RegExp(`"name":"binance:${sym}"[^}]*?"bids":\\[\\["[\\d.]+"`).test(text)) return sym;
            }
          } finally {
            ac.abort();
          }
          return undefined;
        }),
      );
    }
    assert.deepEqual(names, SYMBOLS);
  } finally {
    try {
      child.kill("SIGINT");
    } catch { /* gone */ }
    await child.status;
    await sim.close();
  }
});
