/**
 * Generic capture writer shared by the venues: raw lines verbatim plus receive times, verbatim
 * snapshot files and an atomically rewritten `metadata.json`.
 *
 * File format (the same as `../shared/fixtures/binance-spot-ethusdt-20240808`, so one reader
 * handles fixtures and captures alike):
 * - `<name>.jsonl`: one raw frame per line, byte for byte (never re-serialised). A frame that
 *   itself contains CR or LF bytes (legal JSON whitespace) has them replaced by spaces so it
 *   stays one line; this is counted in `sanitizedLines`.
 * - `<name>.recv_ns`: one integer per line, the receive time in ns since the Unix epoch, same
 *   line count as `<name>.jsonl` once closed. The two files are always sealed together, at the
 *   same line (when either chunk is half full, when either needs room, on the flush timer and on
 *   flush/close), so the chunks queued for writing hold the same lines in both files. A killed
 *   capture can only differ by the chunks whose writes were still queued or in progress at that
 *   moment (each file is written by its own asynchronous loop), plus one partial line from a
 *   partial write: readers take the shorter of the two and ignore a truncated tail. Once the
 *   writes of a seal have completed (`flush()` / `settled()`), both files hold the same lines.
 * - any verbatim file (`snapshot.json`, `snapshot-<k>.json`) via {@linkcode CaptureWriter.writeFile}.
 * - `metadata.json`, rewritten with temp file + rename at most every `metadataIntervalMs` and on
 *   close, so a running capture can be inspected and a killed one is valid.
 *
 * Hot-path contract: {@linkcode CaptureLines.append} copies the line into a preallocated chunk
 * with `TextEncoder.encodeInto` (one small view object per call) and returns. A caller that also
 * needs the UTF-8 bytes (a parser) uses {@linkcode CaptureLines.stage} + `commit` instead, and
 * reads the staged bytes in place, so each frame is encoded once. Writes happen
 * asynchronously when a chunk is half full or on the flush timer. A failed write becomes an
 * `onError` call (the handler turns it into an error event), never an exception.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { ByteSink } from "./_byte_sink.ts";

/** Options for {@linkcode CaptureWriter.create}. */
export interface CaptureWriterOptions {
  /** Clock used to rate-limit metadata rewrites (default: the system clock). */
  clock?: Clock;
  /** Bytes per in-memory chunk (default 1 MiB). A chunk is written once half full. */
  chunkBytes?: number;
  /** Flush partly filled chunks this often, in ms (default 200; 0 = only on size/close). */
  flushIntervalMs?: number;
  /** Rewrite `metadata.json` at most this often, in ms (default 1000). */
  metadataIntervalMs?: number;
  /** Called when a write fails (default: `console.error`). */
  onError?: (message: string) => void;
}

const encoder = new TextEncoder();
/** Longest `recv_ns` line: up to 22 digits and "\n". */
const NS_MAX = 24;
const EMPTY = new Uint8Array(0);

/** A `<name>.jsonl` + `<name>.recv_ns` pair. */
export class CaptureLines {
  /** File stem, e.g. "diffs". */
  readonly name: string;
  /** Lines appended so far. */
  lines = 0;
  /** Lines whose CR/LF bytes were replaced by spaces. */
  sanitizedLines = 0;
  readonly #data: ByteSink;
  readonly #ns: ByteSink;
  readonly #dataHalf: number;
  readonly #nsHalf: number;
  #stagedLine = "";
  /** Chunk holding the line staged by {@linkcode CaptureLines.stage} (empty when none). */
  stagedBuf: Uint8Array = EMPTY;
  /** Offset of the staged line's first byte in `stagedBuf`. */
  stagedStart = 0;
  /** Offset just past the staged line's last byte; `stagedBuf[stagedEnd]` is free. */
  stagedEnd = 0;

  /** Use {@linkcode CaptureWriter.lines}. */
  constructor(dir: string, name: string, chunkBytes: number, onError: (m: string) => void) {
    this.name = name;
    this.#data = new ByteSink(`${dir}/${name}.jsonl`, chunkBytes, onError);
    const nsBytes = Math.max(chunkBytes >> 3, 4 * NS_MAX);
    this.#ns = new ByteSink(`${dir}/${name}.recv_ns`, nsBytes, onError);
    this.#dataHalf = chunkBytes >> 1;
    this.#nsHalf = nsBytes >> 1;
  }

  /**
   * Append one raw frame and its receive time (ns since the epoch). No I/O happens here.
   * Allocates only the `encodeInto` view and result. Same as {@linkcode CaptureLines.stage}
   * then {@linkcode CaptureLines.commit}.
   */
  append(line: string, recvNs: number): void {
    this.stage(line);
    this.commit(recvNs);
  }

  /**
   * Encode `line` into the active chunk WITHOUT committing it, so the caller can read (parse) the
   * bytes in place: they are `stagedBuf[stagedStart, stagedEnd)`, and `stagedBuf[stagedEnd]`
   * always exists and is free (it becomes the line's "\n" on commit), so a scanner may use it as
   * a sentinel. Then {@linkcode CaptureLines.commit} here, {@linkcode CaptureLines.commitTo}
   * another file, or simply stage again (the staged bytes are then overwritten). Nothing else may
   * be appended to this file in between. Allocates only the `encodeInto` view and result.
   */
  stage(line: string): void {
    const d = this.#data;
    const ns = this.#ns;
    const room = line.length * 3 + 1; // UTF-8 is at most 3 bytes per UTF-16 unit, plus "\n"
    // Seal both sinks together (never one alone), so both files always end on the same line.
    if (d.pos + room > d.buf.length || ns.pos + NS_MAX > ns.buf.length) this.seal();
    d.ensure(room); // only grows the (empty) chunk for an oversized line
    const start = d.pos;
    this.stagedBuf = d.buf;
    this.stagedStart = start;
    this.stagedEnd = start + encoder.encodeInto(line, d.buf.subarray(start)).written;
    this.#stagedLine = line; // its CR/LF check waits for the commit (off the caller's critical path)
  }

  /** Commit the line staged by {@linkcode CaptureLines.stage} with its receive time (ns). */
  commit(recvNs: number): void {
    const d = this.#data;
    const buf = this.stagedBuf;
    const end = this.stagedEnd;
    if (buf !== d.buf || this.stagedStart !== d.pos) throw new RangeError("no line staged");
    if (hasCrLf(this.#stagedLine)) this.#sanitize(buf, this.stagedStart, end);
    buf[end] = 10;
    d.pos = end + 1;
    this.#lineDone(recvNs);
  }

  /**
   * Commit the line staged here by {@linkcode CaptureLines.stage} to `other` instead (a byte
   * copy, no second encode); the staged bytes here are abandoned. `other` must differ from this.
   */
  commitTo(other: CaptureLines, recvNs: number): void {
    const src = this.stagedBuf;
    const start = this.stagedStart;
    const end = this.stagedEnd;
    if (src !== this.#data.buf || start !== this.#data.pos) throw new RangeError("no line staged");
    if (other === this) throw new RangeError("commitTo: same file");
    const n = end - start;
    const od = other.#data;
    if (od.pos + n + 1 > od.buf.length || other.#ns.pos + NS_MAX > other.#ns.buf.length) other.seal();
    od.ensure(n + 1);
    const dst = od.buf;
    const at = od.pos;
    if (n <= 256) { for (let i = 0; i < n; i++) dst[at + i] = src[start + i]!; }
    else dst.set(src.subarray(start, end), at);
    if (hasCrLf(this.#stagedLine)) other.#sanitize(dst, at, at + n);
    dst[at + n] = 10;
    od.pos = at + n + 1;
    this.stagedEnd = start; // abandoned: nothing staged here any more
    this.stagedBuf = EMPTY;
    this.#stagedLine = "";
    other.#lineDone(recvNs);
  }

  #lineDone(recvNs: number): void {
    writeNs(this.#ns, recvNs);
    this.lines++;
    this.stagedBuf = EMPTY;
    this.#stagedLine = "";
    if (this.#data.pos >= this.#dataHalf || this.#ns.pos >= this.#nsHalf) this.seal();
  }

  /** Bytes not yet written to disk (both files). */
  get backlog(): number {
    return this.#data.backlog + this.#ns.backlog;
  }

  /** Bytes written to disk so far (both files). */
  get bytesWritten(): number {
    return this.#data.bytesWritten + this.#ns.bytesWritten;
  }

  /** Queue the partly filled chunks of both files for writing (always together). */
  seal(): void {
    this.#data.seal();
    this.#ns.seal();
  }

  /** Write everything appended so far. */
  async flush(): Promise<void> {
    await this.#data.flush();
    await this.#ns.flush();
  }

  /** Wait until the chunks sealed so far (both files) are on disk; seals nothing. */
  async settled(): Promise<void> {
    await this.#data.settled();
    await this.#ns.settled();
  }

  /** Flush and close both files. */
  async close(): Promise<void> {
    await this.#data.close();
    await this.#ns.close();
  }

  #sanitize(buf: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) if (buf[i] === 10 || buf[i] === 13) buf[i] = 32;
    this.sanitizedLines++;
  }
}

// String.indexOf on a one-byte string is a native memchr-like scan.
function hasCrLf(line: string): boolean {
  return line.indexOf("\n") !== -1 || line.indexOf("\r") !== -1;
}

// Write `v` (a non-negative integer, possibly above 2^53 and then a multiple of 2^k) in decimal
// plus "\n", without allocating: split at 1e9 so both halves are exact.
function writeNs(s: ByteSink, v: number): void {
  s.ensure(NS_MAX);
  const buf = s.buf;
  let p = s.pos;
  if (!(v >= 0)) v = 0;
  const hi = Math.floor(v / 1e9);
  let lo = v - hi * 1e9;
  if (lo < 0) lo = 0;
  if (hi > 0) {
    p = writeUint(buf, p, hi);
    let div = 1e8;
    for (let i = 0; i < 9; i++) {
      const dgt = Math.floor(lo / div) % 10;
      buf[p++] = 48 + dgt;
      div /= 10;
    }
  } else p = writeUint(buf, p, Math.floor(lo));
  buf[p++] = 10;
  s.pos = p;
}

function writeUint(buf: Uint8Array, p: number, v: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  let q = p + digits;
  const end = q;
  do {
    buf[--q] = 48 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  return end;
}

/** Owns one capture directory: line files, verbatim files and `metadata.json`. */
export class CaptureWriter {
  /** The directory written to. */
  readonly dir: string;
  readonly #clock: Clock;
  readonly #chunkBytes: number;
  readonly #metaIntervalNs: number;
  readonly #onError: (m: string) => void;
  readonly #files: CaptureLines[] = [];
  readonly #pendingFiles = new Set<Promise<void>>();
  #meta: (() => unknown) | null = null;
  #metaDirty = false;
  #metaLastNs = -Infinity;
  #metaWriting: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Write or rename failures so far (metadata and verbatim files). */
  failures = 0;

  private constructor(dir: string, opts: CaptureWriterOptions) {
    this.dir = dir;
    this.#clock = opts.clock ?? systemClock;
    this.#chunkBytes = opts.chunkBytes ?? 1 << 20;
    this.#metaIntervalNs = (opts.metadataIntervalMs ?? 1000) * 1e6;
    this.#onError = opts.onError ?? ((m) => console.error(`capture: ${m}`));
    const every = opts.flushIntervalMs ?? 200;
    if (every > 0) {
      const t = setInterval(() => this.#tick(), every);
      Deno.unrefTimer(t);
      this.#timer = t;
    }
  }

  /** Create `dir` (and parents) and a writer for it. */
  static async create(dir: string, opts: CaptureWriterOptions = {}): Promise<CaptureWriter> {
    await Deno.mkdir(dir, { recursive: true });
    return new CaptureWriter(dir, opts);
  }

  /** Bytes written to disk so far by every lines file of this session. */
  get bytesWritten(): number {
    let n = 0;
    for (const f of this.#files) n += f.bytesWritten;
    return n;
  }

  /** Open `<name>.jsonl` + `<name>.recv_ns` (created or truncated). Synchronous; call at setup. */
  lines(name: string): CaptureLines {
    const l = new CaptureLines(this.dir, name, this.#chunkBytes, this.#onError);
    this.#files.push(l);
    return l;
  }

  /**
   * Write `body` verbatim to `<dir>/<fileName>` (temp file + rename). Never throws: a failure is
   * reported through `onError` and the returned promise resolves to false.
   */
  writeFile(fileName: string, body: string): Promise<boolean> {
    const p = this.#atomicWrite(fileName, body);
    const tracked = p.then(() => {});
    this.#pendingFiles.add(tracked);
    tracked.finally(() => this.#pendingFiles.delete(tracked));
    return p;
  }

  /** Set the function that produces the metadata object (called when metadata is written). */
  setMetadata(provider: () => unknown): void {
    this.#meta = provider;
    this.#metaDirty = true;
  }

  /** Note that metadata changed; it is rewritten by the timer when the interval allows. Cheap. */
  markMetadataDirty(): void {
    this.#metaDirty = true;
  }

  /** Write `metadata.json` now (waits for an ongoing write first). */
  async writeMetadata(): Promise<void> {
    while (this.#metaWriting !== null) await this.#metaWriting;
    if (this.#meta === null) return;
    this.#metaDirty = false;
    this.#metaLastNs = this.#clock.monoNs();
    const body = JSON.stringify(this.#meta(), null, 2) + "\n";
    this.#metaWriting = this.#atomicWrite("metadata.json", body).then(() => {
      this.#metaWriting = null;
    });
    await this.#metaWriting;
  }

  /** Write every appended line and pending verbatim file. */
  async flush(): Promise<void> {
    for (const f of this.#files) await f.flush();
    await Promise.all([...this.#pendingFiles]);
  }

  /** Flush everything, close the files and write the final `metadata.json`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const f of this.#files) await f.close();
    await Promise.all([...this.#pendingFiles]);
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
      this.failures++;
      this.#onError(`write ${path}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }
}
