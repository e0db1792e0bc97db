/**
 * A streaming line reader over a file (plain, or gzip when the name ends in `.gz`, through
 * `DecompressionStream`). Memory stays flat in the file size: one growable byte buffer holds the
 * unread tail of the input. Lines are handed out in place as `buf[start, end)` (no copy, no
 * string), without the `\n` (and a `\r` before it).
 *
 * Contract:
 * - `next()` (sync) moves to the next complete line already buffered; when it returns false,
 *   `await fill()` reads more input and returns false at the end of the input.
 * - At the end, bytes after the last `\n` are NOT a line: a killed writer leaves a partial last
 *   line, so they are reported in `truncatedBytes` for the caller to warn about, never parsed.
 * - A read or decompression error (e.g. a truncated .gz) ends the input early; `error` then
 *   holds the message. Nothing throws for bad input.
 * - Lines longer than the buffer grow it (doubling).
 * - Given several paths (the parts of a rotated capture, each plain or `.gz`), it reads them in
 *   order as one stream; `lineNo` counts across parts. A part that does not end with `\n` (a
 *   write that failed at the disk's end) has its partial last line dropped and counted in
 *   `truncatedBytes`, so it never merges with the next part's first line.
 * @module
 */

/** Reads lines from a file. */
export class LineReader {
  /** The buffer holding the current line (valid until the next `fill()`). */
  buf: Uint8Array;
  /** Start of the current line in {@linkcode buf}. */
  start = 0;
  /** End (exclusive) of the current line in {@linkcode buf}. */
  end = 0;
  /** Number of complete lines handed out so far (the current line's 1-based number). */
  lineNo = 0;
  /** Bytes after the last newline at the end of the input (a truncated last line), else 0. */
  truncatedBytes = 0;
  /** Read/decompression error that ended the input early, else undefined. */
  error: string | undefined;
  /** The file path (for messages): the part being read. */
  path: string;
  #len = 0; // valid bytes in buf
  #pos = 0; // first unconsumed byte
  #eof = false;
  #file: Deno.FsFile;
  #gz: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #pending: Uint8Array | undefined;
  readonly #paths: readonly string[];
  #part = 0;

  private constructor(paths: readonly string[], file: Deno.FsFile, capacity: number) {
    this.#paths = paths;
    this.path = paths[0]!;
    this.#file = file;
    this.buf = new Uint8Array(capacity);
    this.#gz = this.#gzReader();
  }

  #gzReader(): ReadableStreamDefaultReader<Uint8Array> | undefined {
    if (!this.path.endsWith(".gz")) return undefined;
    return this.#file.readable.pipeThrough(new DecompressionStream("gzip")).getReader();
  }

  /**
   * Open `path`, or the parts `path[0]`, `path[1]`, … read as one stream (throws
   * `Deno.errors.NotFound` etc. when the first cannot be opened; a later part that cannot be
   * opened ends the input with `error` set).
   */
  static async open(path: string | readonly string[], capacity = 1 << 16): Promise<LineReader> {
    const paths = typeof path === "string" ? [path] : path;
    if (paths.length === 0) throw new TypeError("LineReader.open: no path");
    const file = await Deno.open(paths[0]!, { read: true });
    return new LineReader(paths, file, capacity);
  }

  // The current part ended: drop its partial last line (if any) and open the next part.
  // Returns false when there is no next part (or it cannot be opened: `error` says why).
  async #nextPart(): Promise<boolean> {
    if (this.#part + 1 >= this.#paths.length) return false;
    const nl = this.#len > 0 ? this.buf.lastIndexOf(10, this.#len - 1) : -1;
    const keep = nl >= this.#pos ? nl + 1 : this.#pos;
    this.truncatedBytes += this.#len - keep;
    this.#len = keep;
    await this.close();
    this.#part++;
    this.path = this.#paths[this.#part]!;
    this.#pending = undefined;
    try {
      this.#file = await Deno.open(this.path, { read: true });
    } catch (e) {
      this.error = `${this.path}: ${e instanceof Error ? e.message : String(e)}`;
      return false;
    }
    this.#gz = this.#gzReader();
    return true;
  }

  /** Move to the next complete buffered line. False when more input is needed (or at the end). */
  next(): boolean {
    const buf = this.buf;
    const len = this.#len;
    const from = this.#pos;
    const nl = buf.indexOf(10, from);
    if (nl < 0 || nl >= len) return false;
    let end = nl;
    if (end > from && buf[end - 1] === 13) end--;
    this.start = from;
    this.end = end;
    this.#pos = nl + 1;
    this.lineNo++;
    return true;
  }

  /** Index in {@linkcode buf} of the first unconsumed byte: where the next line starts. */
  get cursor(): number {
    return this.#pos;
  }

  /**
   * Number of valid bytes in {@linkcode buf} (bytes at and after it are stale). Always below
   * `buf.length`: the byte at `filled` is free for a parser's temporary sentinel.
   */
  get filled(): number {
    return this.#len;
  }

  /**
   * Hand out `buf[cursor, nl)` as the next line, where a caller's parser found its `\n` at `nl`
   * (the same as {@linkcode next} would, without searching). Throws a RangeError when `buf[nl]`
   * is not a buffered `\n` at or after the cursor.
   */
  advanceTo(nl: number): void {
    if (!(nl >= this.#pos && nl < this.#len) || this.buf[nl] !== 10) throw new RangeError("not a line end");
    this.start = this.#pos;
    this.end = nl > this.#pos && this.buf[nl - 1] === 13 ? nl - 1 : nl;
    this.#pos = nl + 1;
    this.lineNo++;
  }

  /** Next line, reading more input as needed; false at the end of the input. */
  async nextLine(): Promise<boolean> {
    while (!this.next()) if (!(await this.fill())) return false;
    return true;
  }

  /** The current line as a string (allocates; for messages and tests). */
  text(): string {
    return new TextDecoder().decode(this.buf.subarray(this.start, this.end));
  }

  /** Read more input into the buffer. Returns false at the end of the input. */
  async fill(): Promise<boolean> {
    if (this.#eof) return false;
    // Compact: keep the unconsumed tail at the front; grow if it fills the buffer.
    const keep = this.#len - this.#pos;
    if (this.#pos > 0) {
      this.buf.copyWithin(0, this.#pos, this.#len);
      this.#pos = 0;
      this.#len = keep;
    }
    // One byte always stays free after the valid bytes, for a parser's sentinel (see `filled`).
    if (this.#len >= this.buf.length - 1) {
      const b = new Uint8Array(Math.max(2, this.buf.length * 2));
      b.set(this.buf);
      this.buf = b;
    }
    let n: number | null;
    try {
      // Plain files: a synchronous read (no thread-pool round trip per chunk; replay is a batch job).
      n = this.#gz
        ? await this.#readGz()
        : this.#file.readSync(this.buf.subarray(this.#len, this.buf.length - 1));
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      n = null;
    }
    if (n === null && this.error === undefined && (await this.#nextPart())) return true;
    if (n === null) {
      this.#eof = true;
      this.truncatedBytes += this.#len - this.#pos;
      return false;
    }
    this.#len += n;
    return true;
  }

  async #readGz(): Promise<number | null> {
    let chunk = this.#pending;
    while (chunk === undefined || chunk.length === 0) {
      const r = await this.#gz!.read();
      if (r.done) return null;
      chunk = r.value;
    }
    const room = this.buf.length - 1 - this.#len;
    if (chunk.length <= room) {
      this.buf.set(chunk, this.#len);
      this.#pending = undefined;
      return chunk.length;
    }
    this.buf.set(chunk.subarray(0, room), this.#len);
    this.#pending = chunk.subarray(room);
    return room;
  }

  /** Release the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#gz) {
      const gz = this.#gz;
      this.#gz = undefined;
      try {
        await gz.cancel();
      } catch { /* already closed or errored */ }
      return;
    }
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}

/** A receive time parsed exactly: whole seconds and nanoseconds within the second. */
export class NsTime {
  /** Whole seconds since the epoch. */
  sec = 0;
  /** Nanoseconds within the second (0..999,999,999). */
  subNs = 0;
}

/**
 * Parse a decimal ns integer in `b[start, end)` exactly into `out` (the last 9 digits are the
 * sub-second part). Returns false when the text is not 1..19 digits. No allocation.
 */
export function parseNs(b: Uint8Array, start: number, end: number, out: NsTime): boolean {
  const n = end - start;
  if (n <= 0 || n > 19) return false;
  const split = end - 9;
  let sec = 0;
  let sub = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return false;
    if (i < split) sec = sec * 10 + d;
    else sub = sub * 10 + d;
  }
  out.sec = sec;
  out.subNs = sub;
  return true;
}
