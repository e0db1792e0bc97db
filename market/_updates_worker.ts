/**
 * Private: the Worker behind {@linkcode startUpdatesWriter}. Reads whole messages from the
 * record ring, formats each as one JSON line and writes them in 64 KiB chunks to a file or to
 * stdout, until the ring is closed and drained. Posts `{opened}` (or `{error}`) once the output
 * is open, then `{done, lines, error}` at the end.
 * @module
 */
import { formatMessageJson } from "./json.ts";
import type { Instrument } from "./instrument.ts";
import { RecordRingReader } from "./ring.ts";

/** The init message. */
export interface UpdatesWorkerInit {
  /** The record ring. */
  sab: SharedArrayBuffer;
  /** Output path, or "-" for stdout. */
  path: string;
  /** The instruments by id. */
  instruments: Instrument[];
}

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<UpdatesWorkerInit>) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
};

self.onmessage = (e: MessageEvent<UpdatesWorkerInit>) => {
  const { sab, path, instruments } = e.data;
  let out: { writeSync(b: Uint8Array): number; close?(): void };
  try {
    out = path === "-" ? Deno.stdout : Deno.openSync(path, { write: true, create: true, truncate: true });
  } catch (err) {
    self.postMessage({
      error: `cannot open --updates-out ${path}: ${err instanceof Error ? err.message : err}`,
    });
    return;
  }
  self.postMessage({ opened: true });
  const enc = new TextEncoder();
  const buf = new Uint8Array(1 << 16);
  let fill = 0;
  const writeAll = (b: Uint8Array): void => {
    for (let o = 0; o < b.length;) o += out.writeSync(b.subarray(o));
  };
  const flush = (): void => {
    writeAll(buf.subarray(0, fill));
    fill = 0;
  };
  const reader = new RecordRingReader(sab);
  let lines = 0;
  let error = "";
  const onMessage = (b: { view: DataView; count: number; bytes: Uint8Array }): void => {
    const inst = instruments[b.view.getUint16(2, true)];
    const line = enc.encode(formatMessageJson(b.view, b.count, inst) + "\n");
    if (fill + line.length > buf.length) flush();
    if (line.length > buf.length) writeAll(line);
    else {
      buf.set(line, fill);
      fill += line.length;
    }
    lines++;
  };
  try {
    for (;;) {
      reader.poll(onMessage);
      if (reader.done) break;
      if (reader.wait(200) === "timeout" && fill > 0) flush();
    }
    flush();
  } catch (err) {
    error = `--updates-out ${path}: ${err instanceof Error ? err.message : err}`;
  }
  if (path !== "-") out.close?.();
  self.postMessage({ done: true, lines, error });
};
