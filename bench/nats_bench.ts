/**
 * NATS publishing benchmark (not a test): publish throughput of one process through the real
 * publisher (engine-side ring → Worker → NATS; json vs binary; core NATS vs JetStream with acks),
 * the raw client publish rate of the TCP transport (`@nats-io/transport-node`) vs the WebSocket
 * transport (`@nats-io/nats-core` `wsconnect`), and end-to-end latency from the engine-side
 * write to a subscriber in this process over loopback (core NATS and a JetStream ordered
 * consumer). Starts its own nats-server (TCP + WebSocket listeners) on free ports. The
 * throughput producer waits for room in the record ring (nothing is lost: the rates are the
 * publisher's sustained rates); the latency producer writes one message per ms and flushes it,
 * as a handler does at the end of each poll.
 *
 *   deno run -A bench/nats_bench.ts [rounds=3] [messages=200000]
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { wsconnect } from "npm:@nats-io/nats-core@3.4.0";
import { setImmediate } from "node:timers";
import process from "node:process";
import { DeliverPolicy, jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { InstrumentTable } from "../market/instrument.ts";
import { Off, RecordKind } from "../market/record.ts";
import { MarketStream } from "../market/stream.ts";
import { L2Book } from "../venues/book.ts";
import { startPublisher } from "../publish/publisher.ts";
import { startBenchNatsServer } from "./_nats_bench_server.ts";
import { rawJetStreamAcks } from "./_nats_raw_js.ts";

const rounds = Number(Deno.args[0] ?? 3);
const N = Number(Deno.args[1] ?? 200_000);
const server = await startBenchNatsServer();
const url = server.url;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const nowNs = () => (performance.timeOrigin + performance.now()) * 1e6;

function makeStream(): MarketStream {
  const t = new InstrumentTable();
  const inst = t.add("binance", "spot", "BTCUSDT", 8, 8);
  const s = new MarketStream(inst, new L2Book());
  s.view.valid = true;
  return s;
}
function emit(s: MarketStream, i: number, recvNs: number): void {
  s.beginBook(RecordKind.Update, i, 1723161255208, Math.floor(recvNs / 1e9), Math.round(recvNs % 1e9));
  for (let k = 0; k < 4; k++) s.level(k < 2, 6_000_000_000_000 + k * 1_000_000 + (i & 255), 150_000_000 + k);
  s.end();
}

async function throughput(
  format: "json" | "binary",
  js: boolean,
): Promise<{ mps: number; mbps: number; lost: number }> {
  const s = makeStream();
  const name = `B${Math.floor(Math.random() * 1e9)}`;
  const p = await startPublisher({
    servers: [url],
    format,
    jetstream: js,
    snapshotEverySec: 0,
    stream: { name, maxBytes: 4 << 30 },
    onLog: () => {},
    maxPending: 1 << 20,
    maxPendingBytes: 1 << 30,
    window: 4096,
  }, [s]);
  const t0 = performance.now();
  for (let i = 1; i <= N; i++) {
    // A producer that waits for room (as a replay at --pace max): the publisher's sustained rate.
    if (p.ring.room() < 8) {
      s.flush();
      while (p.ring.room() < 8) await new Promise((r) => setImmediate(r));
    }
    emit(s, i, 0);
    if ((i & 63) === 0) s.flush();
  }
  const d = await p.close();
  const sec = (performance.now() - t0) / 1000;
  const bytes = format === "binary" ? 5 * 64 : 330;
  if (js) {
    const nc = await connect({ servers: url });
    await (await jetstreamManager(nc)).streams.delete(name);
    await nc.close();
  }
  return {
    mps: d.acked / sec,
    mbps: (d.acked * bytes) / sec / 1e6,
    lost: p.ring.lostMessages + d.dropped + d.unacked,
  };
}

async function rawClient(kind: "tcp" | "ws"): Promise<number> {
  const nc = kind === "tcp" ? await connect({ servers: url }) : await wsconnect({ servers: server.wsUrl });
  const payload = new Uint8Array(320);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    nc.publish("raw.x", payload);
    if ((i & 4095) === 0) await nc.flush();
  }
  await nc.flush();
  const mps = N / ((performance.now() - t0) / 1000);
  await nc.close();
  return mps;
}

async function latency(
  js: boolean,
  idleSpinUs: number,
): Promise<{ p50: number; p99: number; p999: number; n: number; cpu: number }> {
  const s = makeStream();
  const name = `L${Math.floor(Math.random() * 1e9)}`;
  const p = await startPublisher({
    servers: [url],
    format: "binary",
    jetstream: js,
    snapshotEverySec: 0,
    stream: { name },
    onLog: () => {},
    idleSpinUs,
  }, [s]);
  const nc = await connect({ servers: url });
  const lat: number[] = [];
  const M = 3000;
  const got = (data: Uint8Array) => {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const sent = v.getUint32(Off.recvSec, true) * 1e9 + v.getUint32(Off.recvSubNs, true);
    lat.push((nowNs() - sent) / 1000);
  };
  let done: Promise<void>;
  if (js) {
    const c = await jetstream(nc).consumers.get(name, {
      filter_subjects: "md.>",
      deliver_policy: DeliverPolicy.New,
    });
    const it = await c.consume();
    done = (async () => {
      for await (const m of it) {
        got(m.data);
        if (lat.length >= M) break;
      }
    })();
  } else {
    const sub = nc.subscribe("md.>", { max: M });
    done = (async () => {
      for await (const m of sub) got(m.data);
    })();
    await nc.flush();
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= M; i++) {
    emit(s, i, nowNs());
    s.flush(); // as a handler does at the end of each poll
    await new Promise((r) => setTimeout(r, 1)); // one message per timer tick (~400/s under Deno 2.9)
  }
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1000 / (performance.now() - t0); // cores busy (whole process)
  await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
  await p.close();
  if (js) await (await jetstreamManager(nc)).streams.delete(name);
  await nc.close();
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]!;
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999), n: lat.length, cpu };
}

/**
 * The floor under the publisher's latency: the main thread publishes a timestamp on its own
 * connection (no ring, no Worker) and a second connection of this process receives it — the
 * client, the loopback and the server, paced like `latency`.
 */
async function rawLatency(): Promise<{ p50: number; p99: number; p999: number }> {
  const pub = await connect({ servers: url });
  const sub = await connect({ servers: url });
  const lat: number[] = [];
  const M = 3000;
  const it = sub.subscribe("raw.lat", { max: M });
  const done = (async () => {
    for await (const m of it) {
      lat.push((nowNs() - new DataView(m.data.buffer, m.data.byteOffset).getFloat64(0, true)) / 1000);
    }
  })();
  await sub.flush();
  const b = new Uint8Array(256);
  const v = new DataView(b.buffer);
  for (let i = 0; i < M; i++) {
    v.setFloat64(0, nowNs(), true);
    pub.publish("raw.lat", b);
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
  await pub.close();
  await sub.close();
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]!;
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999) };
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
for (let r = 0; r < rounds; r++) {
  for (const js of [false, true]) {
    for (const f of ["json", "binary"] as const) {
      const t = await throughput(f, js);
      add(`publish ${js ? "JetStream" : "core"} ${f} msg/s`, t.mps);
      add(`publish ${js ? "JetStream" : "core"} ${f} MB/s`, t.mbps);
      add(`publish ${js ? "JetStream" : "core"} ${f} lost`, t.lost);
    }
  }
  add("raw client publish, TCP transport-node msg/s", await rawClient("tcp"));
  add("raw client publish, WebSocket nats-core msg/s", await rawClient("ws"));
  add("raw client JetStream, async acks, 4,096 in flight msg/s", await rawJetStreamAcks(url, N));
  const raw = await rawLatency();
  add("latency raw client publish -> subscriber (floor) p50 us", raw.p50);
  add("latency raw client publish -> subscriber (floor) p99 us", raw.p99);
  add("latency raw client publish -> subscriber (floor) p99.9 us", raw.p999);
  for (const [js, spin] of [[false, 0], [false, 2000], [true, 0]] as const) {
    const l = await latency(js, spin);
    const k = `${js ? "JetStream ordered consumer" : "core subscriber"}, spin ${spin} us`;
    add(`latency ${k} p50 us`, l.p50);
    add(`latency ${k} p99 us`, l.p99);
    add(`latency ${k} p99.9 us`, l.p999);
    add(`latency ${k} process CPU %`, l.cpu * 100);
  }
}
console.log(
  `nats bench: ${rounds} rounds, ${N} messages per throughput run (4-level updates), medians; loadavg ${
    Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")
  }`,
);
for (const [k, v] of Object.entries(rows)) {
  console.log(
    `${k.padEnd(62)} ${median(v).toFixed(k.includes("MB/s") ? 1 : 0).padStart(10)}   [${
      v.map((x) => x.toFixed(0)).join(", ")
    }]`,
  );
}
await server.close();
