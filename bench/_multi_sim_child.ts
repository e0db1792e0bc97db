/**
 * Benchmark-only: run {@linkcode FastMultiSimulator} in its own process (the many-symbol
 * benchmarks start it under `taskset -c 0`). Prints one JSON line `{"port":…}` when listening;
 * stops on SIGTERM/SIGINT or when stdin closes (the parent died).
 *
 *   deno run --allow-net=127.0.0.1 bench/_multi_sim_child.ts --symbols 200 --rate 250 --tick 1 [--pace timer|spin]
 *
 * `--pace timer` (default): the simulator's `setInterval(tick)`, which Deno fires about 300–450
 * times a second here, so a "1 ms" tick carries several ms of frames. `--pace spin`: this process
 * keeps the time itself, checking the clock between event-loop turns (`setImmediate`) and ticking
 * when a tick is due — ticks on time, a whole CPU taken.
 * @module
 */
import { parseArgs } from "node:util";
import { setImmediate } from "node:timers";
import { FastMultiSimulator } from "../sim/binance/fast_multi_simulator.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    symbols: { type: "string", default: "200" },
    rate: { type: "string", default: "250" },
    tick: { type: "string", default: "1" },
    changes: { type: "string", default: "8" },
    pace: { type: "string", default: "timer" },
  },
});
const spin = values.pace === "spin";
const n = Number(values.symbols);
const symbols = Array.from({ length: n }, (_, k) => `S${String(k).padStart(3, "0")}USDT`);
const sim = await FastMultiSimulator.start({
  symbols,
  ratePerSymbol: Number(values.rate),
  tickMs: spin ? 0 : Number(values.tick),
  maxChanges: Number(values.changes),
  weightLimit: 10_000_000,
});
console.log(JSON.stringify({ port: sim.port, symbols: n }));
const stop = Promise.withResolvers<void>();
Deno.addSignalListener("SIGTERM", () => stop.resolve());
Deno.addSignalListener("SIGINT", () => stop.resolve());
(async () => {
  const buf = new Uint8Array(64);
  while ((await Deno.stdin.read(buf)) !== null) { /* parent alive */ }
  stop.resolve();
})();
if (spin) {
  const everyMs = Number(values.tick);
  let next = performance.now() + everyMs;
  let stopped = false;
  stop.promise.then(() => stopped = true);
  while (!stopped) {
    const now = performance.now();
    if (now >= next) {
      sim.tick();
      next += everyMs;
      if (now - next > 100 * everyMs) next = now + everyMs; // after a stall: no catch-up storm of ticks
    }
    await new Promise<void>((r) => setImmediate(r));
  }
}
await stop.promise;
await sim.close();
Deno.exit(0);
