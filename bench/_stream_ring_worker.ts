/**
 * Consumer Worker for `stream_ring_compare.ts`: reads normalized messages from a record ring
 * (`RecordRingReader`: in place with `read`, or copied into a batch with `poll`; no allocation)
 * or one record per `postMessage`, checks every message's `seq` follows the last, and posts
 * `{records, messages, ms, ok}` when the producer is done.
 * @module
 */
/// <reference lib="deno.worker" />
import { RecordRingReader } from "../market/ring.ts";

self.onmessage = (e: MessageEvent) => {
  const { mode, sab, n } = e.data as { mode: "read" | "poll" | "pm"; sab?: SharedArrayBuffer; n: number };
  if (mode !== "pm") {
    const r = new RecordRingReader(sab!);
    let records = 0;
    let last = 0;
    let ok = true;
    const t0 = performance.now();
    const on = (b: { readonly count: number; readonly seq: number }): void => {
      records += b.count;
      if (b.seq !== last + 1) ok = false;
      last = b.seq;
    };
    self.postMessage({ ready: true });
    for (;;) {
      if (mode === "read") r.read(on);
      else r.poll(on);
      if (r.done) break;
      r.wait(100);
    }
    self.postMessage({ records, messages: r.messages, ms: performance.now() - t0, ok });
    return;
  }
  let got = 0;
  let ok = true;
  const f = new Float64Array(1);
  self.onmessage = (m: MessageEvent<Uint8Array>) => {
    new Uint8Array(f.buffer).set(m.data.subarray(8, 16)); // the record's seq
    if (f[0] !== got + 1) ok = false;
    if (++got === n) self.postMessage({ records: got, messages: got, ok });
  };
  self.postMessage({ ready: true });
};
