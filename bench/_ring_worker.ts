/**
 * Consumer Worker for `ring_compare.ts`. One Worker per transport; each `run` command
 * consumes exactly `n` records (or, in `drain` mode, until the producer closes the ring),
 * checks that every record carries the next sequence number (field `a` of the 64-byte event
 * header, see `engine/events.ts`) and posts a {@linkcode ConsumerDone} back.
 *
 * Protocol: main posts a {@linkcode ConsumerRun}; the Worker pins itself if asked, posts
 * `{type: "ready"}`, consumes, then posts `{type: "done", ...}`. In `pm` mode the records
 * arrive as messages after `ready`.
 * @module
 */
/// <reference lib="deno.worker" />
import { RingBuffer } from "npm:ringbuf.js@0.4.0";
import { RingConsumer } from "../spsc/mod.ts";
import { currentCpu, pinThisThread } from "./_pin.ts";

/** Which transport the Worker consumes. */
export type ConsumerMode = "ours" | "ringbuf" | "pm" | "drain";

/** Command from main to the Worker. */
export interface ConsumerRun {
  /** Always "run". */
  cmd: "run";
  /** Transport to consume. */
  mode: ConsumerMode;
  /** Shared buffer (ring modes). */
  sab?: SharedArrayBuffer;
  /** Records to consume (ignored in `drain` mode, which stops when the ring closes). */
  n: number;
  /** CPU to pin this Worker to, or -1. */
  pin: number;
  /** `ours`: release consumed slots after at most this many records (default: whole batch). */
  releaseEvery?: number;
}

/** Result posted back by the Worker. */
export interface ConsumerDone {
  /** Always "done". */
  type: "done";
  /** Records consumed. */
  count: number;
  /** Sum of the sequence numbers seen. */
  sum: number;
  /** Records whose sequence number was not the expected next one. */
  errors: number;
  /** Times the consumer went to sleep / found the queue empty and had to wait. */
  waits: number;
  /** Waits that really timed out (`RingConsumer.wait` returned "timeout", 1 s with nothing to read). */
  timeouts: number;
  /** Waits that returned "spurious": woken with nothing to read (a wake meant for an earlier sleep). */
  spurious: number;
  /** CPU the Worker ran on at the end (-1 unknown). */
  cpu: number;
}

/** Byte offset of the sequence number inside a 64-byte event record (field `a`). */
const SEQ_OFFSET = 16;

let pmExpected = 0;
let pmN = 0;
let pmSum = 0;
let pmErrors = 0;

self.onmessage = (ev: MessageEvent) => {
  const msg = ev.data as ConsumerRun | { a: number };
  if ("cmd" in msg && msg.cmd === "run") {
    const run = msg as ConsumerRun;
    if (run.pin >= 0) pinThisThread(run.pin);
    if (run.mode === "pm") {
      pmExpected = 0;
      pmN = run.n;
      pmSum = 0;
      pmErrors = 0;
      self.postMessage({ type: "ready", cpu: currentCpu() });
      return;
    }
    self.postMessage({ type: "ready", cpu: currentCpu() });
    let done: ConsumerDone;
    if (run.mode === "ours") done = consumeOurs(run.sab!, run.n, run.releaseEvery ?? 0);
    else if (run.mode === "drain") done = drainOurs(run.sab!);
    else done = consumeRingbuf(run.sab!, run.n);
    self.postMessage(done);
    return;
  }
  // pm mode: one event object per message.
  const seq = (msg as { a: number }).a;
  if (seq !== pmExpected) pmErrors++;
  pmExpected = seq + 1;
  pmSum += seq;
  if (pmExpected === pmN) {
    const done: ConsumerDone = {
      type: "done",
      count: pmN,
      sum: pmSum,
      errors: pmErrors,
      waits: 0,
      timeouts: 0,
      spurious: 0,
      cpu: currentCpu(),
    };
    self.postMessage(done);
  }
};

function consumeOurs(sab: SharedArrayBuffer, n: number, releaseEvery: number): ConsumerDone {
  const cons = new RingConsumer(sab);
  const view = cons.view;
  let count = 0;
  let sum = 0;
  let errors = 0;
  let waits = 0;
  let timeouts = 0;
  let spurious = 0;
  while (count < n) {
    let avail = cons.available();
    if (avail === 0) {
      waits++;
      const r = cons.wait(1000);
      if (r === "timeout") timeouts++;
      else if (r === "spurious") spurious++;
      else if (r === "closed") break; // "closed" means closed AND empty
      continue;
    }
    if (releaseEvery > 0 && avail > releaseEvery) avail = releaseEvery;
    for (let i = 0; i < avail; i++) {
      const seq = view.getFloat64(cons.offsetAt(i) + SEQ_OFFSET, true);
      if (seq !== count) errors++;
      sum += seq;
      count++;
    }
    cons.release(avail);
  }
  return { type: "done", count, sum, errors, waits, timeouts, spurious, cpu: currentCpu() };
}

function drainOurs(sab: SharedArrayBuffer): ConsumerDone {
  const cons = new RingConsumer(sab);
  const view = cons.view;
  let count = 0;
  let sum = 0;
  let waits = 0;
  let timeouts = 0;
  let spurious = 0;
  for (;;) {
    const avail = cons.available();
    if (avail === 0) {
      waits++;
      const r = cons.wait(1000);
      if (r === "timeout") timeouts++;
      else if (r === "spurious") spurious++;
      else if (r === "closed") break; // "closed" means closed AND empty
      continue;
    }
    for (let i = 0; i < avail; i++) sum += view.getFloat64(cons.offsetAt(i) + SEQ_OFFSET, true);
    count += avail;
    cons.release(avail);
  }
  return { type: "done", count, sum, errors: 0, waits, timeouts, spurious, cpu: currentCpu() };
}

function consumeRingbuf(sab: SharedArrayBuffer, n: number): ConsumerDone {
  const rb = new RingBuffer(sab, Uint8Array);
  const local = new Uint8Array(64 * 4096);
  const view = new DataView(local.buffer);
  let count = 0;
  let sum = 0;
  let errors = 0;
  let waits = 0;
  while (count < n) {
    // The producer only pushes whole 64-byte records, so every pop returns whole records.
    const got = rb.pop(local, local.length);
    if (got === 0) {
      waits++;
      continue; // ringbuf.js has no wait protocol: spin
    }
    for (let off = 0; off < got; off += 64) {
      const seq = view.getFloat64(off + SEQ_OFFSET, true);
      if (seq !== count) errors++;
      sum += seq;
      count++;
    }
  }
  return { type: "done", count, sum, errors, waits, timeouts: 0, spurious: 0, cpu: currentCpu() };
}
