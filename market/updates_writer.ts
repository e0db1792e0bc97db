/**
 * `--updates-out`: the normalized stream as JSON lines (one per venue message, the form of
 * docs/market_record.md) in a file or on stdout, written by a Worker fed through a record ring,
 * so formatting and I/O stay off the engine thread. A full ring never blocks the book: the
 * file then holds a `{"kind":"gap","lost":N}` line followed by a snapshot copy of each book.
 * @module
 */
import type { Instrument } from "./instrument.ts";
import { createRecordRing, RecordRingWriter } from "./ring.ts";
import type { MarketStream } from "./stream.ts";

/** A running writer. */
export interface UpdatesWriter {
  /** The ring writer (counters: messages, lostMessages, gaps). */
  readonly ring: RecordRingWriter;
  /** Close the ring, let the Worker drain and write everything; resolves with the lines written. */
  close(): Promise<number>;
}

/**
 * Start writing every message of `streams` to `path` ("-" = stdout). Rejects with a clear
 * message when the file cannot be opened. Allocates (once).
 */
export async function startUpdatesWriter(
  path: string,
  streams: MarketStream[],
  capacity = 1 << 16,
): Promise<UpdatesWriter> {
  const sab = createRecordRing(capacity);
  const ring = new RecordRingWriter(sab);
  const instruments: Instrument[] = [];
  for (const s of streams) instruments[s.instrument.id] = { ...s.instrument };
  const worker = new Worker(new URL("./_updates_worker.ts", import.meta.url), { type: "module" });
  type Reply = { opened?: boolean; done?: boolean; lines?: number; error?: string };
  let opened!: (m: Reply) => void;
  let settle!: (m: Reply) => void;
  const open = new Promise<Reply>((r) => opened = r);
  const finished = new Promise<Reply>((r) => settle = r);
  worker.onmessage = (e: MessageEvent<Reply>) => {
    if (e.data.opened) opened(e.data);
    else {
      opened(e.data); // an open failure answers the open too
      settle(e.data);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    const m = { error: `--updates-out worker: ${e.message}` };
    opened(m);
    settle(m);
  };
  worker.postMessage({ sab, path, instruments });
  const first = await open;
  if (first.error) {
    worker.terminate();
    throw new Error(first.error);
  }
  for (const s of streams) ring.attach(s);
  return {
    ring,
    async close(): Promise<number> {
      ring.close();
      const m = await finished;
      worker.terminate();
      if (m.error) throw new Error(m.error);
      return m.lines ?? 0;
    },
  };
}
