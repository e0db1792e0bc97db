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
 * - Nothing is ever dropped: when writes are slower than appends, the queue grows (new chunks
 *   are allocated). A failed write is reported through `onError` and the chunk stays queued for
 *   the next attempt.
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
  /** Failed write attempts so far. */
  failures = 0;
  readonly #file: Deno.FsFile;
  readonly #chunkBytes: number;
  readonly #pending: { buf: Uint8Array; len: number; off: number }[] = [];
  readonly #pool: Uint8Array[] = [];
  readonly #onError: SinkErrorFn;
  #flushing: Promise<void> | null = null;
  #closed = false;

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

  /** Seal and wait until every queued chunk has been written (or has failed once). */
  async flush(): Promise<void> {
    this.seal();
    // A failed chunk stays queued; one more attempt is made per flush() call.
    if (this.#flushing === null && this.#pending.length > 0) this.#kick();
    while (this.#flushing !== null) await this.#flushing;
  }

  /** Wait until the chunks sealed so far are written (or have failed once); seals nothing. */
  async settled(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing;
  }

  /** Flush, then close the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    try {
      this.#file.close();
    } catch (e) {
      this.#onError(`close ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #kick(): void {
    if (this.#flushing !== null || this.#closed) return;
    this.#flushing = this.#drain().finally(() => {
      this.#flushing = null;
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const head = this.#pending[0]!;
      try {
        while (head.off < head.len) {
          const n = await this.#file.write(head.buf.subarray(head.off, head.len));
          head.off += n;
          this.bytesWritten += n;
        }
      } catch (e) {
        // Keep the rest of the chunk queued; a later seal/flush retries from where it stopped.
        this.failures++;
        this.#onError(`write ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      this.#pending.shift();
      if (head.buf.length === this.#chunkBytes && this.#pool.length < 4) this.#pool.push(head.buf);
    }
  }
}
