/**
 * Operations cost (not a test): (1) one scrape of `/metrics` with 200 instruments through the
 * real logger Worker and server — time and bytes; (2) wire-to-book latency of `BinanceHandler`
 * against the simulator with metrics (Worker registry, book sampler, server scraped every
 * second) vs without. Prints medians.
 *
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write=/tmp bench/ops_bench.ts [rounds] [seconds]
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { runEngine } from "../engine/engine.ts";
import { startLogger } from "../engine/logger_host.ts";
import { startOps } from "../ops/attach.ts";
import { L2Book } from "../venues/book.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";

const rounds = Number(Deno.args[0] ?? 3);
const seconds = Number(Deno.args[1] ?? 4);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function scrapeBench(): Promise<void> {
  const log = await Deno.makeTempFile();
  const { logger, metrics } = await startLogger({ file: log, metrics: true });
  const books = [];
  const apply = logger.intern("apply");
  const wire = logger.intern("wire_to_book");
  for (let i = 0; i < 200; i++) {
    const name = `binance:SYM${i}USDT`;
    const id = logger.intern(name);
    logger.started(id);
    logger.synchronized(id, 1, 0);
    for (let k = 0; k < 50; k++) {
      logger.latency(apply, 1000 + 100 * k, id);
      logger.latency(wire, 5000 + 300 * k, id);
    }
    logger.diffStats(id, 1000, 990, 10, 5000, 1000);
    logger.ioStats(id, 1e6, 5e5, 50);
    const book = new L2Book();
    for (let l = 1; l <= 20; l++) {
      book.bids.set(6_000_000_000_000 - l * 1_000_000, l * 1000);
      book.asks.set(6_000_000_000_000 + l * 1_000_000, l * 1000);
    }
    books.push({ name, book, priceScale: 8, qtyScale: 8 });
  }
  const ops = await startOps(metrics!, 0, books);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const body = await (await fetch(`${ops.url}metrics`)).text();
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  console.log(
    `scrape /metrics, 200 instruments: median ${median(times.slice(10)).toFixed(2)} ms, ${bytes} bytes (${
      (bytes / 1024).toFixed(0)
    } KiB), 50 scrapes after 10 warm-up`,
  );
  await ops.close();
  await logger.shutdown();
  await Deno.remove(log);
}

async function latencyRun(withMetrics: boolean): Promise<{ p50: number; p99: number }> {
  const sim = await BinanceSimulator.start({ intervalMs: 10 });
  const log = await Deno.makeTempFile();
  const started = await startLogger({ file: log, metrics: withMetrics });
  const h = new BinanceHandler({ wsUrl: sim.wsUrl(), restUrl: sim.restUrl });
  const ops = withMetrics
    ? await startOps(started.metrics!, 0, [{ name: h.name, book: h.book, priceScale: 8, qtyScale: 8 }])
    : undefined;
  const scraper = ops ? setInterval(() => fetch(`${ops.url}metrics`).then((r) => r.text()), 1000) : undefined;
  await runEngine([h], { logger: started.logger, durationMs: seconds * 1000, clock: systemClock });
  clearInterval(scraper);
  await ops?.close();
  await started.logger.shutdown();
  await sim.close();
  const text = await Deno.readTextFile(log);
  await Deno.remove(log);
  const m = text.match(/wire_to_book \(run\) n=\d+ p50=([\d.]+)(us|ms) p90=[\d.]+\w+ p99=([\d.]+)(us|ms)/);
  if (!m) throw new Error("no wire_to_book summary in the log");
  const us = (v: string, u: string): number => Number(v) * (u === "ms" ? 1000 : 1);
  return { p50: us(m[1]!, m[2]!), p99: us(m[3]!, m[4]!) };
}

await scrapeBench();
const none: { p50: number; p99: number }[] = [];
const with_: { p50: number; p99: number }[] = [];
for (let r = 0; r < rounds; r++) {
  none.push(await latencyRun(false));
  with_.push(await latencyRun(true));
}
for (const [name, xs] of [["no metrics", none], ["metrics + sampler + 1 scrape/s", with_]] as const) {
  console.log(
    `wire_to_book ${name}: p50 median ${median(xs.map((x) => x.p50)).toFixed(1)} us, p99 median ${
      median(xs.map((x) => x.p99)).toFixed(1)
    } us (${rounds} x ${seconds} s, ~100 diffs/s)`,
  );
}
