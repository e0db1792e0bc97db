/**
 * The publisher's cost on the hot path (not a test): wire-to-book latency of `BinanceHandler`
 * against the simulator (the harness of `bench/ops_bench.ts`: engine, logger Worker, the
 * `wire_to_book` summary of the run) without `--publish`, and with the NATS publisher (JetStream,
 * json and binary) attached to the handler's stream. Variants interleaved in every round; prints
 * the medians of the rounds' p50 and p99 and their ratios to "no publish".
 *
 *   deno run -A bench/nats_wire_to_book.ts [rounds=5] [seconds=4] [intervalMs=10]
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { runEngine } from "../engine/engine.ts";
import { startLogger } from "../engine/logger_host.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startPublisher } from "../publish/publisher.ts";
import { startBenchNatsServer } from "./_nats_bench_server.ts";

const rounds = Number(Deno.args[0] ?? 5);
const seconds = Number(Deno.args[1] ?? 4);
const intervalMs = Number(Deno.args[2] ?? 10);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const server = await startBenchNatsServer();

type Variant = "no publish" | "publish json" | "publish binary";

async function run(v: Variant): Promise<{ p50: number; p99: number; msgs: number }> {
  const sim = await BinanceSimulator.start({ intervalMs });
  const log = await Deno.makeTempFile();
  const started = await startLogger({ file: log, metrics: false });
  const h = new BinanceHandler({ wsUrl: sim.wsUrl(), restUrl: sim.restUrl });
  const p = v === "no publish" ? undefined : await startPublisher({
    servers: [server.url],
    format: v === "publish json" ? "json" : "binary",
    stream: { name: "W2B", maxBytes: 1 << 30 },
    onLog: () => {},
  }, [h.stream]);
  await runEngine([h], { logger: started.logger, durationMs: seconds * 1000, clock: systemClock });
  const done = await p?.close();
  await started.logger.shutdown();
  await sim.close();
  const text = await Deno.readTextFile(log);
  await Deno.remove(log);
  const m = text.match(/wire_to_book \(run\) n=\d+ p50=([\d.]+)(us|ms) p90=[\d.]+\w+ p99=([\d.]+)(us|ms)/);
  if (!m) throw new Error("no wire_to_book summary in the log");
  const us = (x: string, u: string): number => Number(x) * (u === "ms" ? 1000 : 1);
  return { p50: us(m[1]!, m[2]!), p99: us(m[3]!, m[4]!), msgs: done?.acked ?? 0 };
}

const variants: Variant[] = ["no publish", "publish json", "publish binary"];
const res = new Map<Variant, { p50: number[]; p99: number[]; msgs: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const x = await run(v);
    const e = res.get(v) ?? { p50: [], p99: [], msgs: [] };
    res.set(v, e);
    e.p50.push(x.p50);
    e.p99.push(x.p99);
    e.msgs.push(x.msgs);
  }
}
await server.close();
console.log(
  `wire_to_book with and without the NATS publisher: ${rounds} rounds x ${seconds} s, simulator batch every ${intervalMs} ms; loadavg ${
    Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")
  }`,
);
const base = res.get("no publish")!;
for (const v of variants) {
  const e = res.get(v)!;
  console.log(
    `${v.padEnd(15)} p50 ${median(e.p50).toFixed(1).padStart(7)} us (x${
      (median(e.p50) / median(base.p50)).toFixed(2)
    })` +
      `  p99 ${median(e.p99).toFixed(1).padStart(7)} us (x${(median(e.p99) / median(base.p99)).toFixed(2)})` +
      `  published/run ${median(e.msgs)}   p50s [${e.p50.map((x) => x.toFixed(0)).join(", ")}]`,
  );
}
