/**
 * NATS publishing benchmark (not a test). Starts its own nats-server (TCP + WebSocket listeners)
 * on free ports; every figure is the median of `rounds`, the variants interleaved in each round.
 *
 * Throughput (`messages` 4-level updates per run): the real publisher (engine-side ring → Worker
 * → NATS; json vs binary; core NATS vs JetStream with acks) from a producer that waits for room in
 * the ring (nothing lost: sustained rates), the raw client's publish loop over TCP
 * (`@nats-io/transport-node`) and WebSocket (`@nats-io/nats-core` `wsconnect`), the raw client
 * with JetStream acks; the CPU time per message of the publisher Worker's thread and of the raw
 * loop's thread (`_nats_thread_cpu.ts`: a cost a loaded machine changes less than a rate); and,
 * per round, json / binary and json / raw TCP.
 *
 * Latency at each of `--rates` (messages/s; 0 = one per timer tick, ~400/s): the floor (raw
 * publish → subscribe between two connections of the main thread: TCP with an async-iterator or
 * a callback receiver, WebSocket) and the publisher end to end (core NATS: the Worker asleep in
 * `Atomics.waitAsync` — the default —, blocked in `Atomics.wait`, or polling 2 ms before sleeping;
 * iterator or callback receiver; JetStream ordered consumer, iterator or callback). See
 * `_nats_latency.ts`.
 *
 *   deno run -A bench/nats_bench.ts [rounds=3] [messages=200000] [--only throughput|latency]
 *     [--rates 0,2000,10000,50000] [--gomaxprocs n]
 *
 * `--gomaxprocs n` starts the nats-server with `GOMAXPROCS=n` (Go scheduler threads).
 * @module
 */
import { parseArgs } from "node:util";
import { startBenchNatsServer } from "./_nats_bench_server.ts";
import { rawJetStreamAcks } from "./_nats_raw_js.ts";
import { publisherRate, rawClientRate } from "./_nats_throughput.ts";
import { floorLatency, type Lat, publisherLatency } from "./_nats_latency.ts";

function usage(msg: string): never {
  console.error(`nats_bench: ${msg}`);
  Deno.exit(2);
}
let args;
try {
  args = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      only: { type: "string" },
      rates: { type: "string", default: "0,2000,10000,50000" },
      gomaxprocs: { type: "string" },
    },
  });
} catch (e) {
  usage((e as Error).message);
}
const rounds = Number(args.positionals[0] ?? 3);
const N = Number(args.positionals[1] ?? 200_000);
const only = args.values.only;
const rates = args.values.rates!.split(",").map(Number);
if (!(rounds >= 1) || !(N >= 1000)) usage("rounds must be >= 1 and messages >= 1000");
if (only !== undefined && only !== "throughput" && only !== "latency") usage("--only throughput|latency");
if (rates.some((r) => !(r >= 0) || r > 100_000)) usage("--rates: messages/s from 0 (timer ticks) to 100000");

const gomaxprocs = args.values.gomaxprocs;
if (gomaxprocs !== undefined && !(Number(gomaxprocs) >= 1)) usage("--gomaxprocs: a thread count >= 1");
const server = await startBenchNatsServer(gomaxprocs === undefined ? {} : { GOMAXPROCS: gomaxprocs });
const urls = { tcp: server.url, ws: server.wsUrl };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
const loads: string[] = [];
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ")[0]!;

const LAT_CASES: [string, (rate: number) => Promise<Lat>][] = [
  ["floor TCP, iterator", (r) => floorLatency(urls, r, "tcp", "iterator")],
  ["floor TCP, callback", (r) => floorLatency(urls, r, "tcp", "callback")],
  ["floor WebSocket, iterator", (r) => floorLatency(urls, r, "ws", "iterator")],
  [
    "publisher core, waitAsync, iterator",
    (r) => publisherLatency(urls.tcp, r, { js: false, spinUs: 0, wait: "async", how: "iterator" }),
  ],
  [
    "publisher core, waitAsync, callback",
    (r) => publisherLatency(urls.tcp, r, { js: false, spinUs: 0, wait: "async", how: "callback" }),
  ],
  [
    "publisher core, Atomics.wait, iterator",
    (r) => publisherLatency(urls.tcp, r, { js: false, spinUs: 0, wait: "block", how: "iterator" }),
  ],
  [
    "publisher core, spin 2 ms, iterator",
    (r) => publisherLatency(urls.tcp, r, { js: false, spinUs: 2000, wait: "async", how: "iterator" }),
  ],
  [
    "publisher JetStream, waitAsync, ordered consumer, iterator",
    (r) => publisherLatency(urls.tcp, r, { js: true, spinUs: 0, wait: "async", how: "iterator" }),
  ],
  [
    "publisher JetStream, waitAsync, ordered consumer, callback",
    (r) => publisherLatency(urls.tcp, r, { js: true, spinUs: 0, wait: "async", how: "callback" }),
  ],
];
const rateName = (r: number) => r === 0 ? "timer tick" : `${r}/s`;

for (let round = 0; round < rounds; round++) {
  loads.push(load());
  if (only !== "latency") {
    const pr: Record<string, number> = {};
    for (const f of ["json", "binary"] as const) {
      const t = await publisherRate(server.url, N, f, false, "poll");
      add(`publish core ${f}, producer polling for room msg/s`, t.mps);
      add(`publish core ${f}, producer polling for room: Worker CPU us/msg`, t.workerUs);
    }
    for (const js of [false, true]) {
      for (const f of ["json", "binary"] as const) {
        const t = await publisherRate(server.url, N, f, js);
        const k = `publish ${js ? "JetStream" : "core"} ${f}`;
        add(`${k} msg/s`, t.mps);
        add(`${k} MB/s`, t.mbps);
        add(`${k} lost`, t.lost);
        add(`${k}: publisher Worker CPU us/msg`, t.workerUs);
        pr[k] = t.mps;
        pr[`${k} cpu`] = t.workerUs;
      }
    }
    const tcp = await rawClientRate(server.url, server.wsUrl, "tcp", N);
    const ws = await rawClientRate(server.url, server.wsUrl, "ws", N);
    add("raw client publish, TCP transport-node msg/s", tcp.mps);
    add("raw client publish, TCP: main thread CPU us/msg", tcp.mainUs);
    add("raw client publish, WebSocket nats-core msg/s", ws.mps);
    add("raw client publish, WebSocket: main thread CPU us/msg", ws.mainUs);
    add("raw client JetStream, async acks, 4,096 in flight msg/s", await rawJetStreamAcks(server.url, N));
    add("ratio core json / core binary (msg/s)", pr["publish core json"]! / pr["publish core binary"]!);
    add("ratio core json / raw TCP loop (msg/s)", pr["publish core json"]! / tcp.mps);
    add("ratio core binary / raw TCP loop (msg/s)", pr["publish core binary"]! / tcp.mps);
    add(
      "ratio core json / core binary (Worker CPU per msg)",
      pr["publish core json cpu"]! / pr["publish core binary cpu"]!,
    );
  }
  if (only !== "throughput") {
    for (const rate of rates) {
      for (const [name, run] of LAT_CASES) {
        const l = await run(rate);
        const k = `latency @ ${rateName(rate)}: ${name}`;
        add(`${k} | p50 us`, l.p50);
        add(`${k} | p99 us`, l.p99);
        add(`${k} | p99.9 us`, l.p999);
        add(`${k} | CPU %`, l.cpu * 100);
        add(`${k} | of which Worker CPU %`, l.workerCpu * 100);
        add(`${k} | received %`, (100 * l.n) / l.sent);
      }
    }
  }
}
loads.push(load());
console.log(
  `nats bench: ${rounds} rounds, ${N} messages per throughput run (4-level updates), medians [rounds]; ` +
    `nats-server GOMAXPROCS ${gomaxprocs ?? "default"}; ` +
    `loadavg (1 min) at each round start and the end: ${loads.join(", ")}`,
);
for (const [k, v] of Object.entries(rows)) {
  const digits = k.includes("MB/s") || k.startsWith("ratio") || k.includes("us/msg") ? 2 : 0;
  console.log(
    `${k.padEnd(82)} ${median(v).toFixed(digits).padStart(10)}   [${
      v.map((x) => x.toFixed(digits)).join(", ")
    }]`,
  );
}
await server.close();
