/**
 * NATS client cost benchmark (not a test): what one publish costs in `@nats-io/transport-node`
 * under Deno, split by what the publisher adds on top of the bare call. Each variant publishes
 * `messages` 320-byte payloads on one connection to its own nats-server (loopback) and flushes;
 * the variants run interleaved in every round and the medians are printed, so a loaded machine
 * shifts all of them alike (read the ratios to the bare publish).
 *
 * - bare: `nc.publish(subject, payload)` (the client's ceiling)
 * - + header object: a fresh `headers()` with `Nats-Msg-Id` per message (the old Worker)
 * - + reused header: one headers object, its `Nats-Msg-Id` set per message (encoded at once by
 *   the client, so reuse is safe)
 * - + reply inbox: as above plus a reply subject (JetStream acks to our own subscription)
 * - + JSON payload: `formatMessageJson` + `TextEncoder` per message (a 4-level update)
 * - js.publish, N in flight: `@nats-io/jetstream` publish (a request per message), N in flight
 * - async JetStream acks: publish with reply inbox, acks counted on one wildcard subscription
 *
 *   deno run -A bench/nats_client_cost.ts [rounds=3] [messages=100000]
 * @module
 */
import { connect, createInbox, headers, type NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import { jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { formatMessageJson } from "../market/json.ts";
import { RecordBatch, RecordKind } from "../market/record.ts";
import { newHeader } from "../market/record.ts";
import { startBenchNatsServer } from "./_nats_bench_server.ts";
import { rawJetStreamAcks } from "./_nats_raw_js.ts";

const rounds = Number(Deno.args[0] ?? 3);
const N = Number(Deno.args[1] ?? 100_000);
const server = await startBenchNatsServer();
const payload = new Uint8Array(320);
const SUBJ = "md.binance.spot.BTCUSDT.book";
const inst = {
  id: 0,
  venue: "binance",
  market: "spot" as const,
  symbol: "BTCUSDT",
  priceDecimals: 8,
  qtyDecimals: 8,
};
const batch = new RecordBatch();
const h = newHeader();
h.kind = RecordKind.Update;
h.priceDecimals = 8;
h.qtyDecimals = 8;
batch.begin(h);
for (let k = 0; k < 4; k++) batch.add(k < 2 ? 2 : 0, 6_000_000_000_000 + k * 1_000_000, 150_000_000 + k);
batch.finish(false);
const enc = new TextEncoder();

type Variant = (nc: NatsConnection, i: number) => void;
const hdr = headers();
const inbox = createInbox();
const variants: Record<string, Variant> = {
  "bare publish": (nc) => nc.publish(SUBJ, payload),
  "+ header object per message": (nc, i) => {
    const x = headers();
    x.set("Nats-Msg-Id", `binance.spot.BTCUSDT.0123456789ab.b.${i}`);
    nc.publish(SUBJ, payload, { headers: x });
  },
  "+ reused header object": (nc, i) => {
    hdr.set("Nats-Msg-Id", `binance.spot.BTCUSDT.0123456789ab.b.${i}`);
    nc.publish(SUBJ, payload, { headers: hdr });
  },
  "+ reused header + reply inbox": (nc, i) => {
    hdr.set("Nats-Msg-Id", `binance.spot.BTCUSDT.0123456789ab.b.${i}`);
    nc.publish(SUBJ, payload, { headers: hdr, reply: `${inbox}.${i}` });
  },
  "+ JSON payload (formatMessageJson)": (nc, i) => {
    batch.view.setFloat64(8, i, true);
    nc.publish(SUBJ, enc.encode(formatMessageJson(batch.view, batch.count, inst)));
  },
};

async function core(name: string): Promise<number> {
  const nc = await connect({ servers: server.url });
  const f = variants[name]!;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    f(nc, i);
    if ((i & 1023) === 1023) await nc.flush();
  }
  await nc.flush();
  const r = N / ((performance.now() - t0) / 1000);
  await nc.close();
  return r;
}

async function withStream<T>(fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  const name = `C${Math.floor(Math.random() * 1e9)}`;
  await jsm.streams.add({ name, subjects: ["md.>"], storage: "file" as never, max_bytes: 2 << 30 });
  try {
    return await fn(nc);
  } finally {
    await jsm.streams.delete(name);
    await nc.close();
  }
}

/** `js.publish` with `window` in flight (as the old Outbox did). */
function jsPublish(window: number): Promise<number> {
  return withStream(async (nc) => {
    const js = jetstream(nc);
    let sent = 0;
    let acked = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const next = (): void => {
        while (sent < N && sent - acked < window) {
          const x = headers();
          x.set("Nats-Msg-Id", `binance.spot.BTCUSDT.0123456789ab.b.${sent}`);
          sent++;
          js.publish(SUBJ, payload, { headers: x }).then(() => {
            if (++acked === N) resolve();
            else next();
          }, reject);
        }
      };
      next();
    });
    return N / ((performance.now() - t0) / 1000);
  });
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
for (let r = 0; r < rounds; r++) {
  for (const name of Object.keys(variants)) add(`core: ${name}`, await core(name));
  add("JetStream: js.publish, 1,024 in flight", await jsPublish(1024));
  add("JetStream: async acks on one inbox, 4,096 in flight", await rawJetStreamAcks(server.url, N));
}
console.log(
  `nats client cost: ${rounds} rounds x ${N} messages of 320 B, interleaved; loadavg ${
    Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")
  }; msg/s medians [rounds], ratio to the bare publish`,
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bare = median(rows["core: bare publish"]!);
for (const [k, v] of Object.entries(rows)) {
  console.log(
    `${k.padEnd(56)} ${median(v).toFixed(0).padStart(9)}  x${(median(v) / bare).toFixed(2)}   [${
      v.map((x) => x.toFixed(0)).join(", ")
    }]`,
  );
}
await server.close();
