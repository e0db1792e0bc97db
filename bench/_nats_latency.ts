/**
 * Private: the latency measurements of `bench/nats_bench.ts`, at a given rate — the floor (the
 * main thread publishes a timestamp on its own connection, a second connection of this process
 * receives it: client, loopback and server only) and the publisher end to end (engine-side ring
 * write → Worker → NATS → a subscriber in this process). Both run the same pacer on the main
 * thread: rate 0 = one message per timer tick (`setTimeout(1)`, ~400/s under Deno 2.9); a rate
 * r > 0 = messages due every 1/r s, the thread polling the clock on every turn of its event loop
 * (`setImmediate`, so the receiver's socket reads interleave); each message is stamped when it is
 * sent, so lateness of the pacer is not counted.
 * @module
 */
import process from "node:process";
import { setImmediate } from "node:timers";
import { connect, type Msg, type NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import { wsconnect } from "npm:@nats-io/nats-core@3.4.0";
import { DeliverPolicy, jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { Off } from "../market/record.ts";
import { startPublisher } from "../publish/publisher.ts";
import { benchStream, emitUpdate } from "./_nats_throughput.ts";

/** Latency quantiles (µs), the messages received of those sent, and the process CPU (cores). */
export interface Lat {
  /** Median, µs. */
  p50: number;
  /** 99th percentile, µs. */
  p99: number;
  /** 99.9th percentile, µs. */
  p999: number;
  /** Received. */
  n: number;
  /** Sent. */
  sent: number;
  /** Process CPU over the run, in cores (1 = one core busy). */
  cpu: number;
  /** Of which this process's Worker threads (the publisher's), in cores. */
  workerCpu: number;
}

// CPU ns of each Worker thread of this process (`/proc/self/task/<tid>/schedstat`).
function workerNs(): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of Deno.readDirSync("/proc/self/task")) {
    try {
      if (!Deno.readTextFileSync(`/proc/self/task/${e.name}/comm`).startsWith("worker-")) continue;
      m.set(e.name, Number(Deno.readTextFileSync(`/proc/self/task/${e.name}/schedstat`).split(" ")[0]));
    } catch { /* exited meanwhile */ }
  }
  return m;
}

/** How a latency run receives. */
export type Receiver = "iterator" | "callback";

/** Messages in a run at `rate` (0: timer ticks): 2,000 per tick run, else 2 s worth (≥ 3,000). */
export function messagesAt(rate: number): number {
  return rate === 0 ? 2000 : Math.min(100_000, Math.max(3000, rate * 2));
}

const nowNs = () => (performance.timeOrigin + performance.now()) * 1e6;

async function pace(rate: number, count: number, send: (i: number) => void): Promise<void> {
  if (rate === 0) {
    for (let i = 1; i <= count; i++) {
      send(i);
      await new Promise((r) => setTimeout(r, 1));
    }
    return;
  }
  const every = 1000 / rate;
  let due = performance.now();
  for (let i = 1; i <= count;) {
    while (i <= count && performance.now() >= due) {
      send(i++);
      due += every;
    }
    await new Promise((r) => setImmediate(r));
  }
}

function subscribe(nc: NatsConnection, subject: string, max: number, how: Receiver, got: (m: Msg) => void) {
  if (how === "callback") {
    let n = 0;
    let done: () => void = () => {};
    const p = new Promise<void>((r) => done = r);
    nc.subscribe(subject, {
      max,
      callback: (_e, m) => {
        got(m);
        if (++n === max) done();
      },
    });
    return p;
  }
  const sub = nc.subscribe(subject, { max });
  return (async () => {
    for await (const m of sub) got(m);
  })();
}

/**
 * Run the pacer for `count` messages, wait for `done` (deadline 10 s), and return the quantiles of
 * `lat` (µs) and the process CPU over the run.
 */
export async function measured(
  rate: number,
  send: (i: number) => void,
  lat: number[],
  done: Promise<void>,
  count: number,
): Promise<Lat> {
  const w0 = workerNs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pace(rate, count, send);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([done, new Promise((r) => timer = setTimeout(r, 10_000))]);
  clearTimeout(timer);
  const c = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  const cpu = (c.user + c.system) / 1000 / ms;
  let wns = 0;
  for (const [tid, ns] of workerNs()) wns += ns - (w0.get(tid) ?? 0);
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))] ?? NaN;
  return {
    p50: q(0.5),
    p99: q(0.99),
    p999: q(0.999),
    n: lat.length,
    sent: count,
    cpu,
    workerCpu: wns / 1e6 / ms,
  };
}

/** The floor at `rate`: publish → subscribe on two connections of this thread (TCP or WebSocket). */
export async function floorLatency(
  urls: { tcp: string; ws: string },
  rate: number,
  transport: "tcp" | "ws",
  how: Receiver,
): Promise<Lat> {
  const open = () => transport === "tcp" ? connect({ servers: urls.tcp }) : wsconnect({ servers: urls.ws });
  const pub = await open();
  const sub = await open();
  const count = messagesAt(rate);
  const lat: number[] = [];
  const done = subscribe(sub, "raw.lat", count, how, (m) => {
    lat.push((performance.now() - new DataView(m.data.buffer, m.data.byteOffset).getFloat64(0, true)) * 1000);
  });
  await sub.flush();
  const b = new Uint8Array(320);
  const v = new DataView(b.buffer);
  const r = await measured(
    rate,
    () => {
      v.setFloat64(0, performance.now(), true);
      pub.publish("raw.lat", b);
    },
    lat,
    done,
    count,
  );
  await pub.close();
  await sub.close();
  return r;
}

/** How the publisher runs in a latency case. */
export interface PublisherCase {
  /** JetStream (an ordered consumer receives) or core NATS (a subscription). */
  js: boolean;
  /** `idleSpinUs`. */
  spinUs: number;
  /** `idleWait`. */
  wait: "async" | "block";
  /** The receiver: a subscription's / a JetStream consumer's async iterator, or a callback. */
  how: Receiver;
}

/** The publisher end to end at `rate`: engine-side write (+ flush, as each poll) → subscriber. */
export async function publisherLatency(url: string, rate: number, c: PublisherCase): Promise<Lat> {
  const s = benchStream();
  const name = `L${Math.floor(Math.random() * 1e9)}`;
  const p = await startPublisher({
    servers: [url],
    format: "binary",
    jetstream: c.js,
    snapshotEverySec: 0,
    stream: { name },
    onLog: () => {},
    idleSpinUs: c.spinUs,
    idleWait: c.wait,
  }, [s]);
  const nc = await connect({ servers: url });
  const count = messagesAt(rate);
  const lat: number[] = [];
  const got = (data: Uint8Array) => {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const sent = v.getUint32(Off.recvSec, true) * 1e9 + v.getUint32(Off.recvSubNs, true);
    lat.push((nowNs() - sent) / 1000);
  };
  let done: Promise<void>;
  if (c.js) {
    const cons = await jetstream(nc).consumers.get(name, {
      filter_subjects: "md.>",
      deliver_policy: DeliverPolicy.New,
    });
    if (c.how === "callback") {
      let finish: () => void = () => {};
      done = new Promise<void>((r) => finish = r);
      const it = await cons.consume({
        callback: (m) => {
          got(m.data);
          if (lat.length >= count) {
            it.stop();
            finish();
          }
        },
      });
    } else {
      const it = await cons.consume();
      done = (async () => {
        for await (const m of it) {
          got(m.data);
          if (lat.length >= count) break;
        }
      })();
    }
  } else {
    done = subscribe(nc, "md.>", count, c.how, (m) => got(m.data));
    await nc.flush();
  }
  const r = await measured(
    rate,
    (i) => {
      emitUpdate(s, i, nowNs());
      s.flush(); // as a handler does at the end of each poll
    },
    lat,
    done,
    count,
  );
  await p.close();
  if (c.js) await (await jetstreamManager(nc)).streams.delete(name);
  await nc.close();
  return r;
}
