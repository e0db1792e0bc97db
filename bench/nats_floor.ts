/**
 * The latency floors under NATS publishing on this machine (not a test): how much of the end-to-end
 * figure is the socket path, nats-server, Deno's `node:net` compatibility layer and the npm client.
 * Every variant sends 320-byte messages stamped with `performance.now()` from the main thread at
 * each of `--rates` (0 = one per timer tick) and records when this process reads them back:
 *
 * - echo: `Deno.connect` to a TCP echo server in a child Deno process (no NATS at all);
 * - raw NATS, Deno.connect / node:net: `PUB` on one connection, `MSG` read on another, through
 *   nats-server, speaking only protocol lines (a measurement of the floor: the product keeps the
 *   npm client);
 * - npm client, callback / iterator: `@nats-io/transport-node` publish → subscribe (the floor rows
 *   of `nats_bench.ts`);
 * - npm client in a Worker: the same client publishing from a Worker woken by `Atomics.waitAsync`
 *   (`_worker_floor.ts`): the publisher's path without the ring, the payload or the bookkeeping;
 * - publisher: the product end to end (ring → Worker → NATS → callback subscriber, core NATS);
 * - the raw, client and publisher rows again against a nats-server started with `GOMAXPROCS=1`.
 *
 * The variants alternate within each round, the order reversed every other round (A B … B A), so
 * a load change hits them alike; medians of the rounds' p50 / p99 / p99.9 and process CPU.
 *
 *   deno run -A bench/nats_floor.ts [rounds=4] [--rates 0,2000] [--only name,name]
 * @module
 */
import { parseArgs } from "node:util";
import { startBenchNatsServer } from "./_nats_bench_server.ts";
import { floorLatency, type Lat, publisherLatency } from "./_nats_latency.ts";
import { echoFloor, rawNatsFloor, startEchoServer } from "./_tcp_floor.ts";
import { workerFloor } from "./_worker_floor.ts";

const args = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { rates: { type: "string", default: "0,2000" }, only: { type: "string" } },
});
const rounds = Number(args.positionals[0] ?? 4);
const rates = args.values.rates!.split(",").map(Number);
if (!(rounds >= 1) || rates.some((r) => !(r >= 0) || r > 100_000)) {
  console.error("nats_floor: rounds >= 1; --rates from 0 (timer ticks) to 100000 messages/s");
  Deno.exit(2);
}
const server = await startBenchNatsServer();
// The same server with one Go scheduler thread: fewer hand-offs between its threads per message.
const server1 = await startBenchNatsServer({ GOMAXPROCS: "1" });
const portOf = (url: string) => Number(url.slice(url.lastIndexOf(":") + 1));
const natsPort = portOf(server.url);
const echo = await startEchoServer();
const urls = { tcp: server.url, ws: server.wsUrl };
const urls1 = { tcp: server1.url, ws: server1.wsUrl };
const publisher = (url: string, r: number) =>
  publisherLatency(url, r, { js: false, spinUs: 0, wait: "async", how: "callback" });

const CASES: [string, (rate: number) => Promise<Lat>][] = [
  ["echo, Deno.connect (no nats-server)", (r) => echoFloor(echo.port, r)],
  ["raw NATS lines, Deno.connect", (r) => rawNatsFloor(natsPort, r, "deno")],
  ["raw NATS lines, node:net", (r) => rawNatsFloor(natsPort, r, "node")],
  ["npm client, callback", (r) => floorLatency(urls, r, "tcp", "callback")],
  ["npm client, iterator", (r) => floorLatency(urls, r, "tcp", "iterator")],
  ["npm client in a Worker (waitAsync), callback", (r) => workerFloor(urls.tcp, r, 0)],
  ["publisher core, callback", (r) => publisher(urls.tcp, r)],
  ["GOMAXPROCS=1 server: raw NATS lines, Deno.connect", (r) => rawNatsFloor(portOf(server1.url), r, "deno")],
  ["GOMAXPROCS=1 server: npm client, callback", (r) => floorLatency(urls1, r, "tcp", "callback")],
  ["GOMAXPROCS=1 server: publisher core, callback", (r) => publisher(urls1.tcp, r)],
];
const only = args.values.only?.split(",");
const cases = only ? CASES.filter(([n]) => only.some((o) => n.includes(o))) : CASES;
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ")[0]!;
const loads: string[] = [];
const rateName = (r: number) => r === 0 ? "timer tick" : `${r}/s`;
for (let round = 0; round < rounds; round++) {
  loads.push(load());
  const order = round % 2 === 0 ? cases : [...cases].reverse();
  for (const rate of rates) {
    for (const [name, run] of order) {
      const l = await run(rate);
      const k = `@ ${rateName(rate)}: ${name}`;
      add(`${k} | p50 us`, l.p50);
      add(`${k} | p99 us`, l.p99);
      add(`${k} | p99.9 us`, l.p999);
      add(`${k} | CPU %`, l.cpu * 100);
      add(`${k} | of which Worker CPU %`, l.workerCpu * 100);
      add(`${k} | received %`, (100 * l.n) / l.sent);
    }
  }
}
loads.push(load());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `nats floor: ${rounds} rounds (order alternating), medians [rounds]; loadavg (1 min) at each round start ` +
    `and the end: ${loads.join(", ")}`,
);
for (const [k, v] of Object.entries(rows)) {
  console.log(
    `${k.padEnd(64)} ${median(v).toFixed(0).padStart(8)}   [${v.map((x) => x.toFixed(0)).join(", ")}]`,
  );
}
await echo.close();
await server.close();
await server1.close();
