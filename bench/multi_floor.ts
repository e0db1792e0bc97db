/**
 * The transports of the many-symbol benchmark side by side (not a test): the fast simulator in
 * another process (`taskset -c 0`), this process pinned to CPU 1, and in interleaved rounds a
 * bare client of every symbol's stream over each transport (`bench/_multi_floor.ts`: Deno's
 * `WebSocket`, `WebSocketStream`, the project's `RawWebSocket`), `--seconds` each. Reports
 * wire-to-client latency p50/p99/p99.9 and CPU per frame per round and the medians per transport.
 *
 * Run: `deno run --config bench/deno.json --unstable-net --allow-net=127.0.0.1 --allow-read
 * --allow-run --allow-sys --allow-ffi bench/multi_floor.ts [--symbols 200] [--rate 250]
 * [--rounds 3] [--seconds 10] [--transports websocket,stream,raw]`
 * @module
 */
import { parseArgs } from "node:util";
import { type FloorResult, type FloorTransport, measureFloor } from "./_multi_floor.ts";
import { pinSelf, SimChild, symbolNames } from "./_multi_rig.ts";
import { median } from "./_stats.ts";

const USAGE = "usage: multi_floor.ts [--symbols n] [--rate per-symbol/s] [--rounds n] [--seconds s] " +
  "[--transports websocket,stream,raw]";
let values;
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      symbols: { type: "string", default: "200" },
      rate: { type: "string", default: "250" },
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      transports: { type: "string", default: "websocket,stream,raw" },
    },
  }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  Deno.exit(2);
}
const N = Number(values.symbols), RATE = Number(values.rate);
const ROUNDS = Number(values.rounds), SECONDS = Number(values.seconds);
const kinds = values.transports.split(",") as FloorTransport[];
if (
  ![N, RATE, ROUNDS, SECONDS].every((v) => v > 0 && Number.isFinite(v)) ||
  !kinds.every((k) => k === "websocket" || k === "stream" || k === "raw")
) {
  console.error(`every value must be a positive number; transports: websocket, stream, raw\n${USAGE}`);
  Deno.exit(2);
}
const sim = await SimChild.start(["--symbols", String(N), "--rate", String(RATE)]);
console.log(`${N} symbols × ${RATE} frames/s; ${sim.pinned}; ${await pinSelf(1)}`);
console.log(`loadavg before ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
const all = new Map<FloorTransport, FloorResult[]>(kinds.map((k) => [k, []]));
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of kinds) {
      const f = await measureFloor(sim.wsBase, symbolNames(N), SECONDS, k);
      all.get(k)!.push(f);
      const l = f.latencyUs;
      console.log(
        `round ${r + 1} ${k.padEnd(9)} p50 ${l.p50} µs  p99 ${l.p99} µs  p99.9 ${l.p999} µs  ${
          Math.round(f.frames / SECONDS)
        } frames/s  ${f.cpuUsPerFrame.toFixed(2)} µs CPU/frame  load ${Deno.loadavg()[0]!.toFixed(2)}`,
      );
    }
  }
} finally {
  await sim.close();
}
for (const [k, rs] of all) {
  const m = (f: (x: FloorResult) => number): string => median(rs.map(f)).toFixed(1);
  console.log(
    `median ${k.padEnd(9)} p50 ${m((x) => x.latencyUs.p50)} µs  p99 ${m((x) => x.latencyUs.p99)} µs  p99.9 ${
      m((x) => x.latencyUs.p999)
    } µs  CPU ${m((x) => x.cpuUsPerFrame)} µs/frame`,
  );
}
