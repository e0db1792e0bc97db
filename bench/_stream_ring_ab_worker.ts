/**
 * Consumer Worker for `stream_ring_ab.ts`: imports `market/ring.ts` of the tree it is given, reads
 * that tree's record ring until the writer closes it — in place (`RecordRingReader.read`) where the
 * tree has it and `--copy` was not asked, else copied (`poll`) — checks that every message's `seq`
 * follows the last, and posts `{records, messages, ok, api}` at the end. Pins itself to a CPU when
 * asked (`_pin.ts`, `--allow-ffi`).
 * @module
 */
/// <reference lib="deno.worker" />
import { pinThisThread } from "./_pin.ts";

/** What the bench sends to start the Worker. */
export interface AbWorkerInit {
  /** Root of the tree whose `market/ring.ts` reads the ring (ends with `/`). */
  root: string;
  /** The ring (made by that tree's `createRecordRing`). */
  sab: SharedArrayBuffer;
  /** Read through `poll` (a copy per message) even where `read` exists. */
  copy: boolean;
  /** CPU to pin this thread to, or -1. */
  cpu: number;
}

/** The Worker's answer once the ring is closed and drained. */
export interface AbWorkerDone {
  records: number;
  messages: number;
  ok: boolean;
  api: "read" | "poll";
}

interface Msg {
  readonly count: number;
  readonly seq: number;
}
interface Reader {
  read?: (fn: (m: Msg) => void) => number;
  poll(fn: (m: Msg) => void): number;
  wait(timeoutMs: number): string;
  readonly done: boolean;
}

self.onmessage = async (e: MessageEvent<AbWorkerInit>) => {
  const { root, sab, copy, cpu } = e.data;
  if (cpu >= 0) pinThisThread(cpu);
  const mod = await import(root + "market/ring.ts");
  const r = new mod.RecordRingReader(sab) as Reader;
  const api = !copy && typeof r.read === "function" ? "read" : "poll";
  let records = 0;
  let last = 0;
  let ok = true;
  const on = (m: Msg): void => {
    records += m.count;
    if (m.seq !== last + 1) ok = false;
    last = m.seq;
  };
  self.postMessage({ ready: true });
  for (;;) {
    if (api === "read") r.read!(on);
    else r.poll(on);
    if (r.done) break;
    r.wait(100);
  }
  const done: AbWorkerDone = { records, messages: last, ok, api };
  self.postMessage(done);
};
