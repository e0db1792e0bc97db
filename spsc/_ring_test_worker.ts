/**
 * Test Worker: consumes a ring of 64-byte records `{seq: f64, value: u32}` and checks them
 * against the seeded sequence (no loss among published records, no reordering).
 * @module
 */
/// <reference lib="deno.worker" />
import { RingConsumer } from "./consumer.ts";
import { xorshift32 } from "./_prng.ts";

self.onmessage = (
  e: MessageEvent<{ sab: SharedArrayBuffer; seed: number; spins: number; waitMs: number }>,
) => {
  const { sab, seed, spins, waitMs } = e.data;
  const ring = new RingConsumer(sab);
  let state = seed >>> 0;
  let expectSeq = 0;
  let received = 0;
  let outOfOrder = 0;
  let badValue = 0;
  let timeouts = 0;
  let sleeps = 0;
  for (;;) {
    const n = ring.available();
    if (n === 0) {
      const r = ring.wait(waitMs, spins);
      if (r === "closed") break;
      if (r === "timeout") timeouts++;
      else sleeps++; // "ready" or "spurious" after a wait
      continue;
    }
    for (let i = 0; i < n; i++) {
      const off = ring.offsetAt(i);
      const seq = ring.view.getFloat64(off, true);
      const value = ring.view.getUint32(off + 8, true);
      if (seq < expectSeq) outOfOrder++;
      // Skip the PRNG over records the producer dropped.
      while (expectSeq < seq) {
        state = xorshift32(state);
        expectSeq++;
      }
      state = xorshift32(state);
      expectSeq++;
      if (value !== state) badValue++;
      received++;
    }
    ring.release(n);
  }
  self.postMessage({ received, outOfOrder, badValue, timeouts, sleeps, dropped: ring.dropped() });
  self.close();
};
