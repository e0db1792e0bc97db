import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { createRingBuffer, RingConsumer, RingProducer } from "./mod.ts";
import { xorshift32 } from "./_prng.ts";

function pair(capacity: number, recordSize = 16) {
  const sab = createRingBuffer({ capacity, recordSize });
  return { sab, p: new RingProducer(sab), c: new RingConsumer(sab) };
}

function push(p: RingProducer, v: number): boolean {
  const off = p.claim();
  if (off < 0) return false;
  p.view.setFloat64(off, v, true);
  p.publish();
  return true;
}

function popAll(c: RingConsumer): number[] {
  const out: number[] = [];
  for (let n = c.available(); n > 0; n = c.available()) {
    for (let i = 0; i < n; i++) out.push(c.view.getFloat64(c.offsetAt(i), true));
    c.release(n);
  }
  return out;
}

Deno.test("createRingBuffer rejects a capacity that is not a power of two and a bad record size", () => {
  throws(() => createRingBuffer({ capacity: 3, recordSize: 16 }), RangeError);
  throws(() => createRingBuffer({ capacity: 4, recordSize: 12 }), RangeError);
  throws(() => new RingProducer(new SharedArrayBuffer(100)), TypeError);
});

Deno.test("ring is empty at start: nothing available, wait times out, len 0", () => {
  const { p, c } = pair(4);
  equal(c.available(), 0);
  equal(p.len(), 0);
  equal(c.wait(0, 4), "timeout");
});

Deno.test("ring wraps around many times and keeps FIFO order", () => {
  const { p, c } = pair(4);
  const seen: number[] = [];
  let next = 0;
  for (let round = 0; round < 25; round++) {
    const k = 1 + (round % 4);
    for (let i = 0; i < k; i++) ok(push(p, next++));
    seen.push(...popAll(c));
  }
  deepEqual(seen, Array.from({ length: next }, (_, i) => i));
  equal(p.dropped(), 0);
});

Deno.test("full ring refuses the push, counts the drop exactly and accepts again after a release", () => {
  const { p, c } = pair(8);
  for (let i = 0; i < 8; i++) ok(push(p, i));
  equal(p.len(), 8);
  equal(p.hasRoom(), false);
  equal(push(p, 100), false);
  equal(push(p, 101), false);
  equal(p.dropped(), 2);
  equal(c.dropped(), 2);
  const n = c.available();
  equal(n, 8);
  equal(c.view.getFloat64(c.offsetAt(0), true), 0);
  c.release(1);
  ok(push(p, 8));
  deepEqual(popAll(c), [1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("tryPush copies bytes and rejects an oversized record", () => {
  const { p, c } = pair(2, 8);
  ok(p.tryPush(new Uint8Array([1, 2, 3])));
  throws(() => p.tryPush(new Uint8Array(9)), RangeError);
  const off = c.offsetAt(0);
  deepEqual([...c.bytes.subarray(off, off + 3)], [1, 2, 3]);
});

Deno.test("close makes a waiting consumer drain what is left, then report closed", () => {
  const { p, c } = pair(4);
  ok(push(p, 1));
  p.close();
  ok(c.isClosed());
  equal(c.wait(1000), "ready");
  deepEqual(popAll(c), [1]);
  equal(c.wait(1000), "closed");
});

async function runWorker(
  total: number,
  opts: { capacity: number; retry: boolean; spins: number; burst: number },
): Promise<
  {
    received: number;
    outOfOrder: number;
    badValue: number;
    timeouts: number;
    sleeps: number;
    dropped: number;
    localDrops: number;
  }
> {
  const sab = createRingBuffer({ capacity: opts.capacity, recordSize: 64 });
  const worker = new Worker(new URL("./_ring_test_worker.ts", import.meta.url), { type: "module" });
  const seed = 0x9e3779b9;
  type WorkerResult = {
    received: number;
    outOfOrder: number;
    badValue: number;
    timeouts: number;
    sleeps: number;
    dropped: number;
  };
  const done = new Promise<WorkerResult>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(e);
  });
  // A 10 s wait timeout: a lost wake-up would show up as a timeout while records are pending.
  worker.postMessage({ sab, seed, spins: opts.spins, waitMs: 10_000 });
  const p = new RingProducer(sab);
  let state = seed;
  let localDrops = 0;
  for (let seq = 0; seq < total; seq++) {
    state = xorshift32(state);
    if (opts.retry) {
      while (!p.hasRoom()) { /* spin until the consumer frees a slot */ }
    }
    const off = p.claim();
    if (off < 0) {
      localDrops++;
      continue;
    }
    p.view.setFloat64(off, seq, true);
    p.view.setUint32(off + 8, state, true);
    p.publish();
    // Yield the CPU between bursts so the consumer really goes to sleep and must be woken.
    if (opts.burst > 0 && seq % opts.burst === 0) await Promise.resolve();
  }
  p.close();
  const r = await done;
  worker.terminate();
  return { ...r, localDrops };
}

Deno.test("a Worker consumer receives 10 million records in order with nothing lost", async () => {
  const total = 10_000_000;
  const r = await runWorker(total, { capacity: 1 << 16, retry: true, spins: 64, burst: 0 });
  equal(r.outOfOrder, 0);
  equal(r.badValue, 0);
  equal(r.received, total);
  equal(r.dropped, 0);
  equal(r.timeouts, 0);
});

Deno.test("drops on a full ring are counted exactly: received + dropped = pushed", async () => {
  const total = 2_000_000;
  const r = await runWorker(total, { capacity: 64, retry: false, spins: 0, burst: 0 });
  equal(r.outOfOrder, 0);
  equal(r.badValue, 0);
  equal(r.dropped, r.localDrops);
  equal(r.received + r.dropped, total);
});

Deno.test("no lost wake-ups: a consumer that sleeps on every empty ring is always woken", async () => {
  // spins = 0: the consumer goes to sleep whenever it catches up; the producer pauses often.
  const total = 300_000;
  const r = await runWorker(total, { capacity: 1024, retry: true, spins: 0, burst: 7 });
  equal(r.received, total);
  equal(r.timeouts, 0);
  ok(r.sleeps > 0, "the consumer should have slept and been woken at least once");
});

Deno.test("committed records stay invisible until flush, and flush publishes them in order", () => {
  const sab = createRingBuffer({ capacity: 64, recordSize: 16 });
  const p = new RingProducer(sab, { flushEvery: 4 });
  const c = new RingConsumer(sab);
  for (let i = 0; i < 3; i++) {
    const off = p.claim();
    p.view.setFloat64(off, i, true);
    p.commit();
  }
  equal(p.pending(), 3);
  equal(c.available(), 0);
  p.flush();
  deepEqual(popAll(c), [0, 1, 2]);
  // The flushEvery-th commit publishes by itself.
  for (let i = 3; i < 7; i++) {
    const off = p.claim();
    p.view.setFloat64(off, i, true);
    p.commit();
  }
  equal(p.pending(), 0);
  deepEqual(popAll(c), [3, 4, 5, 6]);
});

Deno.test("a full ring flushes committed records so the consumer can make room", () => {
  const sab = createRingBuffer({ capacity: 4, recordSize: 16 });
  const p = new RingProducer(sab, { flushEvery: 4 });
  const c = new RingConsumer(sab);
  for (let i = 0; i < 4; i++) {
    p.view.setFloat64(p.claim(), i, true);
    p.commit();
    if (i === 1) p.flush();
  }
  equal(p.pending(), 2);
  equal(c.len(), 2);
  equal(p.claim(), -1);
  equal(p.dropped(), 1);
  equal(p.pending(), 0);
  deepEqual(popAll(c), [0, 1, 2, 3]);
});

Deno.test("room/offsetAhead/commitMany write several records at once, across the wrap, in order", () => {
  const sab = createRingBuffer({ capacity: 8, recordSize: 16 });
  const p = new RingProducer(sab, { flushEvery: 4 });
  const c = new RingConsumer(sab);
  equal(p.room(), 8);
  // Fill 6, read 6, then 5 more: they wrap past the end of the data area.
  for (let i = 0; i < 6; i++) p.view.setFloat64(p.offsetAhead(i), i, true);
  p.commitMany(6); // >= flushEvery: published
  equal(p.pending(), 0);
  equal(p.room(), 2);
  deepEqual(popAll(c), [0, 1, 2, 3, 4, 5]);
  equal(p.room(1), 2, "a cached tail is enough when it shows room");
  equal(p.room(3), 8, "asking for more than the cache shows reloads the tail");
  for (let i = 0; i < 3; i++) p.view.setFloat64(p.offsetAhead(i), 10 + i, true);
  p.commitMany(3);
  equal(p.pending(), 3);
  equal(c.available(), 0, "below flushEvery the records wait for a flush");
  for (let i = 0; i < 2; i++) p.view.setFloat64(p.offsetAhead(i), 13 + i, true);
  p.commitMany(2);
  deepEqual(popAll(c), [10, 11, 12, 13, 14]);
  equal(p.dropped(), 0);
});
