/**
 * Private: the Worker of `_worker_floor.ts` — the npm client publishing from a Worker that sleeps
 * between messages, without the ring, the payload or the bookkeeping: stamps come in a shared
 * array (slot i % 1024, the count in word 0), each is published as a 320-byte payload.
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";

/** What the main thread sends. */
interface Init {
  url: string;
  sab: SharedArrayBuffer;
  count: number;
  /** Busy-poll this long (µs, synchronously) after a message before sleeping in `waitAsync`. */
  spinUs: number;
}

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Init>) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = async (e: MessageEvent<Init>) => {
  const { url, sab, count, spinUs } = e.data;
  const nc = await connect({ servers: url });
  const word = new Int32Array(sab, 0, 1);
  const stamps = new Float64Array(sab, 8, 1024);
  const payload = new Uint8Array(320);
  const dv = new DataView(payload.buffer);
  self.postMessage("ready");
  let seen = 0;
  while (seen < count) {
    let n = Atomics.load(word, 0);
    if (n === seen && spinUs > 0) {
      const until = performance.now() + spinUs / 1000;
      while (n === seen && performance.now() < until) n = Atomics.load(word, 0);
    }
    if (n === seen) {
      const r = Atomics.waitAsync(word, 0, seen, 50);
      if (r.async) await r.value;
      continue;
    }
    while (seen < n) {
      seen++;
      dv.setFloat64(0, stamps[seen % 1024]!, true);
      nc.publish("raw.worker", payload);
    }
    await Promise.resolve(); // the client's flush microtask writes the socket
  }
  await nc.flush();
  await nc.close();
  self.postMessage("done");
};
