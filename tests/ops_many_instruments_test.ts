/**
 * The live page with many instruments: `poc:binance --symbols … --metrics-port 0` against the
 * many-symbol simulator. The page's event stream carries a ladder for every symbol (not only the
 * first), each with levels, and `/healthz` lists every symbol and turns 200 once all are synced.
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { awaitLine, eventually, pollHttp, readEvents } from "./_ops_rig.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const TASK = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;

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
  try {
    const url = (await awaitLine(child.stderr, /on (http:\/\/127\.0\.0\.1:\d+)\//, 30_000))[1]!;
    await pollHttp(`${url}/healthz`, "/healthz 200", (status) => status === 200, 30_000);
    // The page picks one instrument at a time (`/events?i=<name>`): each symbol's ladder has levels.
    const names: string[] = [];
    for (const sym of SYMBOLS) {
      const name = `binance:${sym}`;
      const re = new RegExp(`"name":"${name}"[^}]*?"bids":\\[\\["[\\d.]+"`);
      await eventually(
        `${sym}'s ladder with levels`,
        () => readEvents(`${url}/events?i=${encodeURIComponent(name)}`, re),
      );
      names.push(sym);
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
