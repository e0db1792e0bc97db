/**
 * Generic capture writer shared by the venues: raw lines verbatim plus receive times, verbatim
 * snapshot files and an atomically rewritten `metadata.json`.
 *
 * File format (the same as `../shared/fixtures/binance-spot-ethusdt-20240808`, so one reader
 * handles fixtures and captures alike):
 * - `<name>.jsonl`: one raw frame per line, byte for byte (never re-serialised). A frame that
 *   itself contains CR or LF bytes (legal JSON whitespace) has them replaced by spaces so it
 *   stays one line; this is counted in `sanitizedLines`. A non-text (binary) frame becomes one
 *   `{"binaryFrame":"<base64>","bytes":n}` line (`capture_frame.ts`).
 * - `<name>.recv_ns`: one integer per line, the receive time in ns since the Unix epoch, same
 *   line count as `<name>.jsonl` once closed. The two files are always sealed together, at the
 *   same line (when either chunk is half full, when either needs room, on the flush timer and on
 *   flush/close), so the chunks queued for writing hold the same lines in both files. A killed
 *   capture can only differ by the chunks whose writes were still queued or in progress at that
 *   moment (each file is written by its own asynchronous loop), plus one partial line from a
 *   partial write: readers take the shorter of the two and ignore a truncated tail. Once the
 *   writes of a seal have completed (`flush()` / `settled()`), both files hold the same lines.
 * - with a rotation policy, parts `<name>.0001.jsonl` + `<name>.0001.recv_ns`, … (optionally
 *   gzipped as they close), listed in order in `metadata.json` under `parts` (`capture_rotation.ts`).
 * - any verbatim file (`snapshot.json`, `snapshot-<k>.json`) via {@linkcode CaptureWriter.writeFile}.
 * - `metadata.json`, rewritten with temp file + rename at most every `metadataIntervalMs` and on
 *   close, so a running capture can be inspected and a killed one is valid. The writer adds
 *   `parts` and `stopped` to the venue's object.
 *
 * Write errors: the FIRST failed write of any file (ENOSPC, EIO, …) stops the capture: one
 * `onError` call, every file cut back to its last complete line, `metadata.json` rewritten with
 * `stopped: {reason, atNs}` and `complete: false` (in place when no temp file fits on the disk).
 * Appends keep working in memory, so the handler and its book are unaffected.
 *
 * Hot-path contract: see `capture_lines.ts`. A failed write becomes an `onError` call (the
 * handler turns it into an error event), never an exception.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { CaptureLines, type LinesHost } from "./capture_lines.ts";
import type { RotatePolicy } from "./capture_rotation.ts";
import { sessionDirProblem } from "./capture_names.ts";

export { CaptureLines, type CapturePart, type FrameData } from "./capture_lines.ts";

/** Options for {@linkcode CaptureWriter.create}. */
export interface CaptureWriterOptions {
  /** Clock used to rate-limit metadata rewrites and stamp a stop (default: the system clock). */
  clock?: Clock;
  /** Bytes per in-memory chunk (default 1 MiB). A chunk is written once half full. */
  chunkBytes?: number;
  /** Flush partly filled chunks this often, in ms (default 200; 0 = only on size/close). */
  flushIntervalMs?: number;
  /** Rewrite `metadata.json` at most this often, in ms (default 1000). */
  metadataIntervalMs?: number;
  /** Called when a write fails (default: `console.error`). */
  onError?: (message: string) => void;
  /** Rotate line files into parts (default: one file per stream). */
  rotate?: RotatePolicy;
  /** Gzip each part as it closes (default false). */
  gzip?: boolean;
}

/** Why and when a capture stopped writing before it was closed. */
export interface CaptureStop {
  /** The first write error. */
  reason: string;
  /** When, ns since the epoch. */
  atNs: number;
}

/** Owns one capture directory: line files, verbatim files and `metadata.json`. */
export class CaptureWriter implements LinesHost {
  /** The directory written to. */
  readonly dir: string;
  /** Bytes per in-memory chunk. */
  readonly chunkBytes: number;
  /** Rotation policy, if any. */
  readonly rotate: RotatePolicy | undefined;
  /** Gzip parts as they close. */
  readonly gzip: boolean;
  /** Set once a write failed: the capture stopped writing. */
  stopped: CaptureStop | null = null;
  /** Write or rename failures so far (any file). */
  failures = 0;
  readonly #clock: Clock;
  readonly #metaIntervalNs: number;
  readonly #onError: (m: string) => void;
  readonly #files: CaptureLines[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  #meta: (() => object) | null = null;
  #metaDirty = false;
  #metaLastNs = -Infinity;
  #metaWriting: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  private constructor(dir: string, opts: CaptureWriterOptions) {
    this.dir = dir;
    this.chunkBytes = opts.chunkBytes ?? 1 << 20;
    this.rotate = opts.rotate;
    this.gzip = opts.gzip ?? false;
    this.#clock = opts.clock ?? systemClock;
    this.#metaIntervalNs = (opts.metadataIntervalMs ?? 1000) * 1e6;
    this.#onError = opts.onError ?? ((m) => console.error(`capture: ${m}`));
    const every = opts.flushIntervalMs ?? 200;
    if (every > 0) {
      const t = setInterval(() => this.#tick(), every);
      Deno.unrefTimer(t);
      this.#timer = t;
    }
  }

  /**
   * Create `dir` (and parents) and a writer for it. Throws `Deno.errors.AlreadyExists` when `dir`
   * exists and is not empty (a reused session name never truncates an earlier capture).
   */
  static async create(dir: string, opts: CaptureWriterOptions = {}): Promise<CaptureWriter> {
    await Deno.mkdir(dir, { recursive: true });
    const problem = sessionDirProblem(dir);
    if (problem !== undefined) throw new Deno.errors.AlreadyExists(problem);
    return new CaptureWriter(dir, opts);
  }

  /** Bytes written to disk so far by every lines file of this session. */
  get bytesWritten(): number {
    let n = 0;
    for (const f of this.#files) n += f.bytesWritten;
    return n;
  }

  /** Open `<name>.jsonl` + `<name>.recv_ns` (or its first part). Synchronous; call at setup. */
  lines(name: string): CaptureLines {
    const l = new CaptureLines(this, name);
    this.#files.push(l);
    return l;
  }

  /** See {@linkcode LinesHost.fail}: the first failure stops the capture. */
  fail(message: string): void {
    this.failures++;
    if (this.stopped !== null) return;
    this.stopped = { reason: message, atNs: this.#clock.wallNs() };
    this.#onError(`${message}; capture stopped (metadata.json says why)`);
    for (const f of this.#files) f.stop();
    this.track(this.writeMetadata());
  }

  /** See {@linkcode LinesHost.track}. */
  track(p: Promise<unknown>): void {
    const t = p.catch((e) => this.fail(e instanceof Error ? e.message : String(e)));
    this.#pending.add(t);
    t.finally(() => this.#pending.delete(t));
  }

  /**
   * Write `body` verbatim to `<dir>/<fileName>` (temp file + rename). Never throws: a failure
   * stops the capture (see the module doc) and the returned promise resolves to false.
   */
  writeFile(fileName: string, body: string): Promise<boolean> {
    if (this.stopped !== null) return Promise.resolve(false);
    const p = this.#atomicWrite(fileName, body);
    this.track(p);
    return p;
  }

  /** Set the function that produces the metadata object (called when metadata is written). */
  setMetadata(provider: () => object): void {
    this.#meta = provider;
    this.#metaDirty = true;
  }

  /** Note that metadata changed; it is rewritten by the timer when the interval allows. Cheap. */
  markMetadataDirty(): void {
    this.#metaDirty = true;
  }

  /** The metadata object as it would be written now (the venue's, plus `parts` and `stopped`). */
  metadata(): Record<string, unknown> | null {
    if (this.#meta === null) return null;
    const m: Record<string, unknown> = { ...this.#meta() };
    const parts: Record<string, unknown> = {};
    for (const f of this.#files) parts[f.name] = f.parts();
    m.parts = parts;
    m.stopped = this.stopped;
    if (this.stopped !== null) m.complete = false;
    return m;
  }

  /** Write `metadata.json` now (waits for an ongoing write first). */
  async writeMetadata(): Promise<void> {
    while (this.#metaWriting !== null) await this.#metaWriting;
    const m = this.metadata();
    if (m === null) return;
    this.#metaDirty = false;
    this.#metaLastNs = this.#clock.monoNs();
    const body = JSON.stringify(m, null, 2) + "\n";
    this.#metaWriting = this.#writeMeta(body).then(() => {
      this.#metaWriting = null;
    });
    await this.#metaWriting;
  }

  async #writeMeta(body: string): Promise<void> {
    if (this.stopped === null) {
      if (await this.#atomicWrite("metadata.json", body)) return;
    }
    // Stopped (the disk may be full): rewrite in place, which needs no new block when the file
    // already spans the body's blocks (metadata only grows by the `stopped` entry).
    try {
      await writeInPlace(`${this.dir}/metadata.json`, body);
    } catch (e) {
      this.failures++;
      this.#onError(`write ${this.dir}/metadata.json: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Write every appended line, closing parts and pending verbatim files. */
  async flush(): Promise<void> {
    for (const f of this.#files) await f.flush();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Flush everything, close the files and write the final `metadata.json`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const f of this.#files) await f.close();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    await this.writeMetadata();
  }

  #tick(): void {
    for (const f of this.#files) f.seal();
    if (this.#metaDirty && this.#metaWriting === null) {
      if (this.#clock.monoNs() - this.#metaLastNs >= this.#metaIntervalNs) void this.writeMetadata();
    }
  }

  async #atomicWrite(fileName: string, body: string): Promise<boolean> {
    const path = `${this.dir}/${fileName}`;
    const tmp = `${path}.tmp`;
    try {
      await Deno.writeTextFile(tmp, body);
      await Deno.rename(tmp, path);
      return true;
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      this.fail(`write ${path}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }
}

async function writeInPlace(path: string, body: string): Promise<void> {
  const bytes = new TextEncoder().encode(body);
  const f = await Deno.open(path, { write: true, create: true });
  try {
    for (let off = 0; off < bytes.length;) off += await f.write(bytes.subarray(off));
    await f.truncate(bytes.length);
  } finally {
    f.close();
  }
}
