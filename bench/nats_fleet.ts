/**
 * Fleet benchmark (not a test): 4 shard processes of `poc:binance --symbols … --shard i/4`
 * against the many-symbol simulator, publishing to one nats-server (JetStream), and 2
 * `consume --capture-dir` processes of the whole list. Reports the messages/s the fleet
 * published (acknowledged) and each consumer applied, and the end-to-end latency from the
 * publisher's wire receive time (`recv_time_ns` of each record) to the consumer's receive time
 * (`records.recv_ns`), p50/p99/p99.9 over both consumers (the first 2 s of each consumer, when it
 * catches up from the stream, are left out). Checks that every symbol was published by exactly
 * one process, the one of its shard (no overlap, no gap), and that both consumers synchronized
 * every book. Exit 1 when a check fails.
 *
 *   deno run -A bench/nats_fleet.ts [symbols=40] [seconds=20] [interval-ms=20]
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { Off } from "../market/record.ts";
import { readNormalizedCapture } from "../publish/normalized_capture.ts";
import { shardOf } from "../publish/shard.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { startNatsServer } from "../tests/_nats_server.ts";
import { quantile, si, table } from "./_stats.ts";

const nSymbols = Number(Deno.args[0] ?? 40);
const seconds = Number(Deno.args[1] ?? 20);
const intervalMs = Number(Deno.args[2] ?? 20);
const SHARDS = 4;
const CONSUMERS = 2;
const root = new URL("..", import.meta.url).pathname;
const symbols = Array.from({ length: nSymbols }, (_, i) => `F${i.toString(36).toUpperCase()}USDT`);

const srv = await startNatsServer();
if (!srv) {
  console.error("nats-server is not installed (apt-get install nats-server)");
  Deno.exit(1);
}
const dir = await Deno.makeTempDir({ prefix: "nats-fleet-" });
const sim = await BinanceMultiSimulator.start({ symbols, intervalMs });
const problems: string[] = [];
try {
  console.log(
    `fleet: ${SHARDS} × poc:binance --shard i/${SHARDS} over ${nSymbols} symbols (simulator batch every ` +
      `${intervalMs} ms per symbol), ${CONSUMERS} consumers, ${seconds} s; load ${
        Deno.readTextFileSync("/proc/loadavg").trim()
      }`,
  );
  const publishers = Array.from({ length: SHARDS }, (_, i) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-env",
        `${root}tasks/poc_binance.ts`,
        "--symbols",
        symbols.join(","),
        "--shard",
        `${i}/${SHARDS}`,
        "--ws-url",
        sim.wsBase,
        "--rest-url",
        sim.restUrl,
        "--snapshot-limit",
        "100",
        "--duration",
        String(seconds),
        "--publish",
        srv.url,
        "--snapshot-every",
        "5",
      ],
      stdout: "null",
      stderr: "piped",
    }).output());
  await streamExists(srv.url, 30_000);
  const consumers = Array.from({ length: CONSUMERS }, (_, k) => ({
    startNs: Date.now() * 1e6,
    out: new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        `--allow-write=${dir}`,
        `${root}tasks/consume.ts`,
        "--nats",
        srv.url,
        "--symbols",
        symbols.join(","),
        "--duration",
        String(seconds),
        "--capture-dir",
        `${dir}/c${k}`,
        "--capture-session",
        "s",
      ],
      stdout: "null",
      stderr: "piped",
    }).output(),
  }));
  const dec = new TextDecoder();
  const runIds: string[] = [];
  let acked = 0;
  for (const [i, r] of (await Promise.all(publishers)).entries()) {
    const err = dec.decode(r.stderr);
    const m =
      /\[publish\] run (\w+): (\d+) acknowledged .*lost: (\d+) unacknowledged, (\d+) dropped[^,]*, (\d+) to a full ring/
        .exec(err);
    if (r.code !== 0 || !m) problems.push(`shard ${i}: exit ${r.code}: ${err.slice(-400)}`);
    runIds[i] = m?.[1] ?? "?";
    acked += Number(m?.[2] ?? 0);
    if (m && (m[3] !== "0" || m[4] !== "0" || m[5] !== "0")) {
      problems.push(`shard ${i} lost messages: ${m[0]}`);
    }
  }
  const rows: string[][] = [];
  const lat: number[] = [];
  for (const [k, c] of consumers.entries()) {
    const r = await c.out;
    if (r.code !== 0) problems.push(`consumer ${k}: exit ${r.code}: ${dec.decode(r.stderr).slice(-400)}`);
    let messages = 0;
    for (const s of symbols) {
      const cap = await readNormalizedCapture(`${dir}/c${k}/${s}/s`);
      const runs = cap.metadata.runIds;
      if (runs.length !== 1 || runs[0] !== runIds[shardOf(s, SHARDS)]) {
        problems.push(`${s}: runs ${runs.join(",") || "none"}, want the run of shard ${shardOf(s, SHARDS)}`);
      }
      while (await cap.next()) {
        messages++;
        const v = cap.batch.view;
        const wireNs = v.getUint32(Off.recvSec, true) * 1e9 + v.getUint32(Off.recvSubNs, true);
        if (wireNs >= c.startNs + 2e9) lat.push((Number(cap.recvNs) - wireNs) / 1e3);
      }
      await cap.close();
    }
    rows.push([`consumer ${k}`, String(messages), si(messages / seconds)]);
  }
  rows.unshift(["published (acked, 4 shards)", String(acked), si(acked / seconds)]);
  console.log(table(["", "messages", "msg/s"], rows));
  console.log(
    `end to end, publisher's wire receive -> consumer (µs, ${lat.length} samples): p50 ${
      quantile(lat, 0.5).toFixed(0)
    }, p99 ${quantile(lat, 0.99).toFixed(0)}, p99.9 ${quantile(lat, 0.999).toFixed(0)}`,
  );
  console.log(
    problems.length === 0 ? "checks: every symbol from its shard's process only; all books synchronized" : "",
  );
} finally {
  await sim.close();
  await srv.close();
  await Deno.remove(dir, { recursive: true });
}
for (const p of problems) console.error(`FAIL ${p}`);
Deno.exit(problems.length === 0 ? 0 : 1);

/** Poll until the publishers created the stream (deadline `ms`). */
async function streamExists(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for (;;) {
      try {
        await jsm.streams.info("MD");
        return;
      } catch (e) {
        if (Date.now() > end) throw new Error(`stream MD not created within ${ms} ms: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await nc.close();
  }
}
