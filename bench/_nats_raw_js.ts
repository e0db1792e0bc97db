/**
 * Private: the JetStream ceiling of the raw client for the NATS benchmarks — `n` publishes of a
 * 320-byte payload with a `Nats-Msg-Id` header and a reply subject, acks counted on one inbox
 * subscription, `window` in flight (refilled once half came back), into a fresh file-storage
 * stream on `md.>` that is deleted afterwards. Returns acknowledged messages per second.
 * @module
 */
import { connect, createInbox, headers } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";

/** Publish `n` messages with async acks on `url`; msg/s. */
export async function rawJetStreamAcks(url: string, n: number, window = 4096): Promise<number> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const name = `RAW${Math.floor(Math.random() * 1e9)}`;
  await jsm.streams.add({ name, subjects: ["md.>"], storage: "file" as never, max_bytes: 2 << 30 });
  try {
    const payload = new Uint8Array(320);
    const hdr = headers();
    const box = createInbox();
    let acked = 0;
    let sent = 0;
    let resolve!: () => void;
    const all = new Promise<void>((r) => resolve = r);
    const pump = (): void => {
      while (sent < n && sent - acked < window) {
        hdr.set("Nats-Msg-Id", `binance.spot.BTCUSDT.0123456789ab.b.${sent}`);
        nc.publish("md.binance.spot.BTCUSDT.book", payload, { headers: hdr, reply: `${box}.${sent}` });
        sent++;
      }
    };
    nc.subscribe(`${box}.*`, {
      callback: () => {
        if (++acked === n) resolve();
        else if (sent - acked <= window >> 1) pump();
      },
    });
    await nc.flush();
    const t0 = performance.now();
    pump();
    await all;
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await jsm.streams.delete(name);
    await nc.close();
  }
}
