/**
 * A buffered, append-only byte file used by the capture writer.
 *
 * Contract:
 * - Single-threaded: the thread that appends also runs the asynchronous flushes (they are
 *   awaited writes on the event loop, never on the critical section of `append`).
 * - Bytes go into an active chunk (a preallocated `Uint8Array`). A chunk is sealed when it is
 *   more than half full, or by {@linkcode ByteSink.seal} (the capture timer), and queued for an
 *   asynchronous write. Sealed chunks are recycled through a small pool, so steady state does not
 *   allocate. Callers append whole lines only, so every chunk ends on a line boundary and a file
 *   cut by SIGKILL ends with at most one partial line (from a partial `write`).
 * - Nothing is dropped while writes succeed: when writes are slower than appends, the queue grows
 *   (new chunks are allocated). The FIRST failed write (e.g. ENOSPC) stops the sink: it is
 *   reported once through `onError`, its queue is discarded, later seals discard their bytes
 *   (appends keep working, in memory only), and {@linkcode ByteSink.close} cuts the file back to
 *   its last complete line, so every line on disk is whole. {@linkcode ByteSink.stop} stops a
 *   healthy sink the same way but lets its queue drain first.
 * @module
 */

/** Called with a message when a write fails. */
export type SinkErrorFn = (message: string) => void;

/** An append-only file fed from in-memory chunks. */
export class ByteSink {
  /** Path of the file. */
  readonly path: string;
  /** Active chunk; callers write at `pos` after {@linkcode ByteSink.ensure}. */
  buf: Uint8Array;
  /** Write position in `buf`. */
  pos = 0;
  /** Bytes handed to the file so far. */
  bytesWritten = 0;
  /** Bytes sealed (queued or written) so far; plus `pos`, the file's size once flushed. */
  sealedBytes = 0;
  /** Failed write attempts so far (0 or 1: the first failure stops the sink). */
  failures = 0;
  /** True once the sink stopped writing (a write failed, or {@linkcode ByteSink.stop}). */
  stopped = false;
  readonly #file: Deno.FsFile;
  readonly #chunkBytes: number;
  readonly #pending: { buf: Uint8Array; len: number; off: number }[] = [];
  readonly #pool: Uint8Array[] = [];
  readonly #onError: SinkErrorFn;
  #flushing: Promise<void> | null = null;
  #closed = false;
  #lineEnd = 0; // bytes on disk up to and including the last complete line's "\n"

  /** Open (create or truncate) `path`. Synchronous: call at setup, not per message. */
  constructor(path: string, chunkBytes: number, onError: SinkErrorFn) {
    this.path = path;
    this.#chunkBytes = chunkBytes;
    this.#onError = onError;
    this.buf = new Uint8Array(chunkBytes);
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true });
  }

  /** Make room for `n` more bytes in the active chunk (may seal it and take a fresh one). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.seal();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Call after appending a whole line: seals and schedules a write once the chunk is half full. */
  lineDone(): void {
    if (this.pos >= this.#chunkBytes >> 1) this.seal();
  }

  /** Queue the active chunk for writing (if it holds anything) and start a flush. */
  seal(): void {
    if (this.pos === 0) return;
    if (this.stopped) { // stopped: the bytes are discarded, the chunk reused
      this.pos = 0;
      return;
    }
    this.sealedBytes += this.pos;
    this.#pending.push({ buf: this.buf, len: this.pos, off: 0 });
    const next = this.#pool.pop();
    this.buf = next ?? new Uint8Array(this.#chunkBytes);
    this.pos = 0;
    this.#kick();
  }

  /** Bytes appended but not yet written. */
  get backlog(): number {
    let n = this.pos;
    for (const p of this.#pending) n += p.len - p.off;
    return n;
  }

  /** Seal and wait until every queued chunk has been written (or the sink stopped). */
  async flush(): Promise<void> {
    this.seal();
    while (this.#flushing !== null) await this.#flushing;
  }

  /** Wait until the chunks sealed so far are written (or the sink stopped); seals nothing. */
  async settled(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing;
  }

  /**
   * Take no more bytes: the active chunk and later seals are discarded; chunks already queued are
   * still written (best effort), so the file keeps every line sealed before the stop.
   */
  stop(): void {
    this.stopped = true;
    this.pos = 0;
  }

  /**
   * Flush, then close the file. Idempotent. A stopped sink is first cut back to its last complete
   * line (a partial write leaves at most one partial line).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    try {
      if (this.failures > 0 && this.bytesWritten !== this.#lineEnd) await this.#file.truncate(this.#lineEnd);
    } catch (e) {
      this.#onError(`truncate ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      this.#file.close();
    } catch (e) {
      this.#onError(`close ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #kick(): void {
    if (this.#flushing !== null || this.#closed || this.failures > 0) return;
    this.#flushing = this.#drain().finally(() => {
      this.#flushing = null;
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0 && this.failures === 0) {
      const head = this.#pending[0]!;
      try {
        while (head.off < head.len) {
          const from = head.off;
          const n = await this.#file.write(head.buf.subarray(from, head.len));
          head.off += n;
          this.bytesWritten += n;
          const nl = head.buf.lastIndexOf(10, head.off - 1);
          if (nl >= from) this.#lineEnd = this.bytesWritten - (head.off - nl - 1);
        }
      } catch (e) {
        this.failures++;
        this.stop();
        this.#pending.length = 0; // this file cannot take more: its queue is dropped
        this.#onError(`write ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      this.#pending.shift();
      if (head.buf.length === this.#chunkBytes && this.#pool.length < 4) this.#pool.push(head.buf);
    }
  }
}

/** Copy `src[start, end)` to `dst` at `at` (a loop for short runs: no view allocated). */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  const n = end - start;
  if (n <= 256) { for (let i = 0; i < n; i++) dst[at + i] = src[start + i]!; }
  else dst.set(src.subarray(start, end), at);
}
