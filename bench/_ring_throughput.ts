/**
 * Throughput rounds for `ring_compare.ts`: the main thread produces `n` 64-byte event records
 * (the `engine/events.ts` header: kind, ids, time and six f64 fields, sequence number in
 * field `a`) and a consumer Worker (`_ring_worker.ts`) checks and counts them, through
 * - our SPSC ring (`spsc/`), publish per record: claim + `encodeHeader` in place + `publish()`
 *   (`HEAD` stored after every record — the Logger's path outside a poll);
 * - our SPSC ring, batched: claim + `encodeHeader` + `commit()` with `flushEvery` 32, one
 *   `flush()` at the end (what the Logger does inside a poll scope);
 * - `npm:ringbuf.js`: `encodeHeader` into a 64-byte scratch record + `push` (its API copies);
 * - `postMessage` of one small event object per call.
 *
 * Full ring policy: nothing is dropped. When the ring is full the producer spins until the
 * consumer frees a slot (`hasRoom()` for ours — the batched variant flushes its pending
 * records first so the consumer can see them — `available_write()` for ringbuf.js), and counts
 * each such stall, so the consumer must see every record in order and the ring's drop counter
 * must stay 0.
 * @module
 */
import { RingBuffer } from "npm:ringbuf.js@0.4.0";
import { createRingBuffer, RingProducer } from "../spsc/mod.ts";
import { encodeHeader } from "../engine/codec.ts";
import { EventKind } from "../engine/events.ts";
import type { ConsumerDone, ConsumerMode, ConsumerRun } from "./_ring_worker.ts";

/** Bytes per record in the throughput rounds. */
export const RECORD_BYTES = 64;
/** Ring slots (ours) / record capacity (ringbuf.js): 64 Ki × 64 B = 4 MiB. */
export const RING_SLOTS = 1 << 16;

/** Outcome of one round. */
export interface Round {
  /** Records per second, producer start to the consumer's "done" message. */
  rate: number;
  /** Times the producer found the ring full and had to spin (0 for postMessage). */
  stalls: number;
  /** Whether the consumer saw exactly 0..n-1 in order. */
  ok: boolean;
  /** The consumer's report. */
  done: ConsumerDone;
}

/** A consumer Worker; `next()` resolves with its next message. */
export class ConsumerWorker {
  /** The Worker. */
  readonly worker: Worker;
  readonly #queue: unknown[] = [];
  #waiter: ((v: unknown) => void) | undefined;

  /** Spawn `_ring_worker.ts`. */
  constructor() {
    this.worker = new Worker(new URL("./_ring_worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (ev: MessageEvent) => {
      const w = this.#waiter;
      if (w) {
        this.#waiter = undefined;
        w(ev.data);
      } else this.#queue.push(ev.data);
    };
  }

  /** The next message from the Worker. */
  next<T>(): Promise<T> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() as T);
    return new Promise<T>((resolve) => {
      this.#waiter = resolve as (v: unknown) => void;
    });
  }

  /** Send a run command and wait for "ready". Returns the Worker's CPU (-1 unknown). */
  async start(mode: ConsumerMode, n: number, pin: number, sab?: SharedArrayBuffer): Promise<number> {
    const run: ConsumerRun = { cmd: "run", mode, n, pin, sab };
    this.worker.postMessage(run);
    const ready = await this.next<{ type: string; cpu: number }>();
    if (ready.type !== "ready") throw new TypeError(`worker: expected ready, got ${ready.type}`);
    return ready.cpu;
  }

  /** Terminate the Worker. */
  terminate(): void {
    this.worker.terminate();
  }
}

function verify(done: ConsumerDone, n: number): boolean {
  return done.count === n && done.errors === 0 && done.sum === (n * (n - 1)) / 2;
}

/** One round through our ring, `publish()` after every record. */
export async function roundPublish(w: ConsumerWorker, n: number, pin: number): Promise<Round> {
  const sab = createRingBuffer({ capacity: RING_SLOTS, recordSize: RECORD_BYTES });
  const prod = new RingProducer(sab);
  const view = prod.view;
  await w.start("ours", n, pin, sab);
  let stalls = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (!prod.hasRoom()) {
      stalls++;
      while (!prod.hasRoom()) { /* spin until the consumer frees a slot */ }
    }
    const off = prod.claim();
    encodeHeader(view, off, EventKind.Latency, 1, 2, i, i, 0, 0, 0, 0, 0);
    prod.publish();
  }
  const done = await w.next<ConsumerDone>();
  const ms = performance.now() - t0;
  prod.close();
  return { rate: (n / ms) * 1e3, stalls, ok: verify(done, n) && prod.dropped() === 0, done };
}

/** `flushEvery` of {@linkcode roundBatched}: the `RingProducer` default, what the Logger uses. */
export const FLUSH_EVERY = 32;

/**
 * One round through our ring, batched: `commit()` per record (`HEAD` stored every
 * {@linkcode FLUSH_EVERY} records), one `flush()` after the last.
 */
export async function roundBatched(w: ConsumerWorker, n: number, pin: number): Promise<Round> {
  const sab = createRingBuffer({ capacity: RING_SLOTS, recordSize: RECORD_BYTES });
  const prod = new RingProducer(sab, { flushEvery: FLUSH_EVERY });
  const view = prod.view;
  await w.start("ours", n, pin, sab);
  let stalls = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (!prod.hasRoom()) {
      stalls++;
      prod.flush(); // let the consumer see what is pending so it can free room
      while (!prod.hasRoom()) { /* spin until the consumer frees a slot */ }
    }
    const off = prod.claim();
    encodeHeader(view, off, EventKind.Latency, 1, 2, i, i, 0, 0, 0, 0, 0);
    prod.commit();
  }
  prod.flush();
  const done = await w.next<ConsumerDone>();
  const ms = performance.now() - t0;
  prod.close();
  return { rate: (n / ms) * 1e3, stalls, ok: verify(done, n) && prod.dropped() === 0, done };
}

/** One round through ringbuf.js (`RingBuffer` over `Uint8Array`, 64-byte pushes). */
export async function roundRingbuf(w: ConsumerWorker, n: number, pin: number): Promise<Round> {
  const sab = RingBuffer.getStorageForCapacity(RING_SLOTS * RECORD_BYTES, Uint8Array);
  const rb = new RingBuffer(sab, Uint8Array);
  const scratch = new Uint8Array(RECORD_BYTES);
  const view = new DataView(scratch.buffer);
  await w.start("ringbuf", n, pin, sab);
  let stalls = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    encodeHeader(view, 0, EventKind.Latency, 1, 2, i, i, 0, 0, 0, 0, 0);
    if (rb.available_write() < RECORD_BYTES) {
      stalls++;
      while (rb.available_write() < RECORD_BYTES) { /* spin */ }
    }
    rb.push(scratch, RECORD_BYTES);
  }
  const done = await w.next<ConsumerDone>();
  const ms = performance.now() - t0;
  return { rate: (n / ms) * 1e3, stalls, ok: verify(done, n), done };
}

/** One round of `postMessage`, one event object per call. */
export async function roundPostMessage(w: ConsumerWorker, n: number, pin: number): Promise<Round> {
  await w.start("pm", n, pin);
  const worker = w.worker;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    worker.postMessage({
      kind: EventKind.Latency,
      source: 1,
      label: 2,
      t: i,
      a: i,
      b: 0,
      c: 0,
      d: 0,
      e: 0,
      f: 0,
    });
  }
  const done = await w.next<ConsumerDone>();
  const ms = performance.now() - t0;
  return { rate: (n / ms) * 1e3, stalls: 0, ok: verify(done, n), done };
}
