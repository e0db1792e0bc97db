/**
 * Private: `sim:binance --symbols A,B,C` — run the many-symbol simulator until SIGINT/SIGTERM and
 * print where it listens. Returns the exit code.
 * @module
 */
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import type { SimulatorOptions } from "../sim/binance/simulator.ts";

/** Run `BinanceMultiSimulator` for `symbols` with the port, seed, interval and weight limit of `o`. */
export async function startMultiSim(symbols: string[], o: SimulatorOptions): Promise<number> {
  let sim: BinanceMultiSimulator;
  try {
    sim = await BinanceMultiSimulator.start({
      symbols,
      port: o.port ?? 0,
      seed: o.market?.seed ?? 1,
      intervalMs: o.intervalMs ?? 100,
      weightLimit: o.weightLimit ?? 6000,
      market: o.market?.futures === true ? "usdm" : "spot",
    });
  } catch (e) {
    console.error(`sim:binance: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const usdm = o.market?.futures === true;
  const [rest, pre] = usdm ? ["/fapi/v1", "/public"] : ["/api/v3", ""];
  console.log(`sim:binance listening on 127.0.0.1:${sim.port} (synthetic ${symbols.length} symbols)`);
  console.log(`  REST     ${sim.restUrl}${rest}/depth?symbol=${symbols[0]}&limit=1000, ${rest}/exchangeInfo`);
  console.log(`  WS base  ${sim.wsBase} (${pre}/stream?streams=…, ${pre}/ws + SUBSCRIBE)`);
  console.log(`  faults   curl -X POST '${sim.restUrl}/sim/fault?kind=skip_update&symbol=${symbols[0]}'`);
  const stop = Promise.withResolvers<void>();
  const onSignal = (): void => stop.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await stop.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  const r = sim.stats.rest;
  console.log(
    `sim:binance: ${sim.batches} batches, ${sim.stats.connections} connections, ${r.rateLimited} × 429`,
  );
  await sim.close();
  return 0;
}
