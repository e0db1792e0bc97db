/**
 * Private: the npm client publishing from a Worker (`_worker_floor_worker.ts`) to a callback
 * subscriber on the main thread, at a rate — the publisher's path (engine thread → Worker wake →
 * publish) without the record ring, the payload or the bookkeeping, so the difference to the
 * publisher is ours and the difference to the main-thread client floor is the Worker's wake.
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { type Lat, measured, messagesAt } from "./_nats_latency.ts";

/** Latency at `rate` of the npm client in a Worker; `spinUs` as the Worker's busy poll. */
export async function workerFloor(url: string, rate: number, spinUs: number): Promise<Lat> {
  const count = messagesAt(rate);
  const sab = new SharedArrayBuffer(8 + 8 * 1024);
  const word = new Int32Array(sab, 0, 1);
  const stamps = new Float64Array(sab, 8, 1024);
  const w = new Worker(new URL("./_worker_floor_worker.ts", import.meta.url), { type: "module" });
  const msgs: string[] = [];
  let wake: () => void = () => {};
  w.onmessage = (e) => {
    msgs.push(e.data);
    wake();
  };
  const next = async (what: string) => {
    const deadline = performance.now() + 10_000;
    while (!msgs.includes(what)) {
      if (performance.now() > deadline) throw new Error(`worker floor: no ${what} in 10 s`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  const nc = await connect({ servers: url });
  const lat: number[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => finish = r);
  nc.subscribe("raw.worker", {
    max: count,
    callback: (_e, m) => {
      lat.push(
        (performance.now() - new DataView(m.data.buffer, m.data.byteOffset).getFloat64(0, true)) * 1000,
      );
      if (lat.length === count) finish();
    },
  });
  await nc.flush();
  w.postMessage({ url, sab, count, spinUs });
  await next("ready");
  let sent = 0;
  const r = await measured(
    rate,
    () => {
      sent++;
      stamps[sent % 1024] = performance.now();
      Atomics.store(word, 0, sent);
      Atomics.notify(word, 0);
    },
    lat,
    done,
    count,
  );
  await next("done").catch(() => {});
  w.terminate();
  await nc.close();
  return r;
}
