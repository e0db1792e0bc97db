/**
 * Private: the publish-rate measurements of `bench/nats_bench.ts` — the real publisher (engine-side
 * ring → Worker → NATS) from a producer that waits for room in the ring (nothing lost: sustained
 * rates to the last ack), and the raw client's publish loop (the ceiling) over TCP and WebSocket.
 * @module
 */
import { setImmediate } from "node:timers";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { wsconnect } from "npm:@nats-io/nats-core@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { InstrumentTable } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { MarketStream } from "../market/stream.ts";
import { L2Book } from "../venues/book.ts";
import { startPublisher } from "../publish/publisher.ts";
import { threadCpu } from "./_nats_thread_cpu.ts";

/** A BTCUSDT stream at 8/8 decimals, valid, with no book behind it (records only). */
export function benchStream(): MarketStream {
  const t = new InstrumentTable();
  const inst = t.add("binance", "spot", "BTCUSDT", 8, 8);
  const s = new MarketStream(inst, new L2Book());
  s.view.valid = true;
  return s;
}

/** Emit update `i` (4 levels) received at `recvNs` (ns since the epoch). */
export function emitUpdate(s: MarketStream, i: number, recvNs: number): void {
  s.beginBook(RecordKind.Update, i, 1723161255208, Math.floor(recvNs / 1e9), Math.round(recvNs % 1e9));
  for (let k = 0; k < 4; k++) s.level(k < 2, 6_000_000_000_000 + k * 1_000_000 + (i & 255), 150_000_000 + k);
  s.end();
}

const RING = 1 << 16; // records (the publisher's default)

/** A publish rate. */
export interface Rate {
  /** Messages per second, to the last ack (core: to the last write). */
  mps: number;
  /** Payload MB per second. */
  mbps: number;
  /** Lost anywhere (ring, buffer, unacknowledged): 0 expected. */
  lost: number;
  /** CPU time of the publisher Worker's thread per message, µs (from its start to the end). */
  workerUs: number;
}

/**
 * `n` 4-level updates through the publisher to `url`, as fast as it takes them; the producer
 * waits for room by polling or by sleeping.
 */
export async function publisherRate(
  url: string,
  n: number,
  format: "json" | "binary",
  js: boolean,
  producer: "poll" | "sleep" = "sleep",
): Promise<Rate> {
  const s = benchStream();
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
    ringCapacity: RING,
  }, [s]);
  const cpu = threadCpu();
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) {
    // A producer that waits for room (as a replay at --pace max): the publisher's sustained rate.
    // "poll": on every turn of its event loop (a core busy beside the Worker); "sleep": a timer
    // tick at a time until half the ring is free (the ring holds ~13k messages, ~50 ms at 250k/s).
    if (p.ring.room() < 8) {
      s.flush();
      if (producer === "poll") { while (p.ring.room() < 8) await new Promise((r) => setImmediate(r)); }
      else while (p.ring.room() < RING / 2) await new Promise((r) => setTimeout(r, 1));
    }
    emitUpdate(s, i, 0);
    if ((i & 63) === 0) s.flush();
  }
  const d = await p.close();
  const sec = (performance.now() - t0) / 1000;
  const workerUs = cpu().workers / 1000 / n;
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
    workerUs,
  };
}

/**
 * The raw client: `n` publishes of 320 B on one connection (TCP or WebSocket) from the main
 * thread; msg/s and the main thread's CPU µs per message.
 */
export async function rawClientRate(
  url: string,
  wsUrl: string,
  kind: "tcp" | "ws",
  n: number,
): Promise<{ mps: number; mainUs: number }> {
  const nc = kind === "tcp" ? await connect({ servers: url }) : await wsconnect({ servers: wsUrl });
  const payload = new Uint8Array(320);
  const cpu = threadCpu();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    nc.publish("raw.x", payload);
    if ((i & 4095) === 0) await nc.flush();
  }
  await nc.flush();
  const mps = n / ((performance.now() - t0) / 1000);
  const mainUs = cpu().main / 1000 / n;
  await nc.close();
  return { mps, mainUs };
}
