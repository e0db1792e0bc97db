/**
 * Benchmark-only: run {@linkcode FastMultiSimulator} in its own process (the many-symbol
 * benchmarks start it under `taskset -c 0`). Prints one JSON line `{"port":…}` when listening;
 * stops on SIGTERM/SIGINT or when stdin closes (the parent died).
 *
 *   deno run --allow-net=127.0.0.1 bench/_multi_sim_child.ts --symbols 200 --rate 250 --tick 1
 * @module
 */
import { parseArgs } from "node:util";
import { FastMultiSimulator } from "../sim/binance/fast_multi_simulator.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    symbols: { type: "string", default: "200" },
    rate: { type: "string", default: "250" },
    tick: { type: "string", default: "1" },
    changes: { type: "string", default: "8" },
  },
});
const n = Number(values.symbols);
const symbols = Array.from({ length: n }, (_, k) => `S${String(k).padStart(3, "0")}USDT`);
const sim = await FastMultiSimulator.start({
  symbols,
  ratePerSymbol: Number(values.rate),
  tickMs: Number(values.tick),
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
await stop.promise;
await sim.close();
Deno.exit(0);
