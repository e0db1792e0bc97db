/**
 * One captured stream: `<name>.jsonl` (raw frames, one per line) + `<name>.recv_ns` (receive
 * time of each line), optionally rotated into parts (see `capture_rotation.ts`). Created by
 * {@linkcode CaptureWriter.lines}; the file format is documented in `capture_writer.ts`.
 *
 * Hot path: {@linkcode CaptureLines.append} / {@linkcode CaptureLines.stage} copy the line into
 * a preallocated chunk with `TextEncoder.encodeInto` (one small view object per call), or
 * {@linkcode CaptureLines.stageBytes} copies a frame's bytes as they are (no allocation); a rotation
 * check is one comparison per line. A frame that is not a string (a binary frame) is recorded as
 * one JSON line (`capture_frame.ts`) and counted in `binaryLines`; it never throws.
 * @module
 */
import { ByteSink, copyBytes } from "./_byte_sink.ts";
import { type CapturePart, closePart, describeParts, type PartState } from "./_capture_parts.ts";
import { bytesHaveCrLf, hasCrLf, NS_MAX, writeNs } from "./_capture_ns.ts";
import { binaryFrameLine } from "./capture_frame.ts";
import { boundaryAfter, partStem, type RotatePolicy } from "./capture_rotation.ts";

export type { CapturePart } from "./_capture_parts.ts";

/** A frame as a WebSocket delivers it: text, or (unexpectedly) binary. */
export type FrameData = string | ArrayBuffer | ArrayBufferView | Blob;

/** What a {@linkcode CaptureLines} needs from its writer. */
export interface LinesHost {
  /** The session directory. */
  readonly dir: string;
  /** Bytes per in-memory chunk. */
  readonly chunkBytes: number;
  /** Rotation policy (undefined: one part, `<name>.jsonl`). */
  readonly rotate: RotatePolicy | undefined;
  /** Gzip each part as it closes. */
  readonly gzip: boolean;
  /** A write failed: the capture stops (called once per failure; the host dedupes). */
  fail(message: string): void;
  /** Background work (a part closing / compressing) that `flush`/`close` must wait for. */
  track(p: Promise<unknown>): void;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A `<name>.jsonl` + `<name>.recv_ns` pair (or its parts). */
export class CaptureLines {
  /** File stem, e.g. "diffs". */
  readonly name: string;
  /** Lines appended so far (all parts). */
  lines = 0;
  /** Lines whose CR/LF bytes were replaced by spaces. */
  sanitizedLines = 0;
  /** Non-text frames recorded as `{"binaryFrame":…}` lines. */
  binaryLines = 0;
  /** Chunk holding the line staged by {@linkcode CaptureLines.stage} (empty when none). */
  stagedBuf: Uint8Array = EMPTY;
  /** Offset of the staged line's first byte in `stagedBuf`. */
  stagedStart = 0;
  /** Offset just past the staged line's last byte; `stagedBuf[stagedEnd]` is free. */
  stagedEnd = 0;
  readonly #host: LinesHost;
  #data: ByteSink;
  #ns: ByteSink;
  readonly #dataHalf: number;
  readonly #nsHalf: number;
  readonly #nsBytes: number;
  #limit: number; // rotate once a part's .jsonl holds this many bytes
  #partEndNs: number; // rotate after a line received at or after this time
  readonly #parts: PartState[] = [];
  #stagedLine: string | null = ""; // null: bytes staged (their CR/LF check reads the bytes)
  #stagedBinary = false;
  #stopped = false;
  #linesAtStop = 0;

  /** Use {@linkcode CaptureWriter.lines}. Opens (creates or truncates) the first part. */
  constructor(host: LinesHost, name: string) {
    this.name = name;
    this.#host = host;
    const chunk = host.chunkBytes;
    this.#nsBytes = Math.max(chunk >> 3, 4 * NS_MAX);
    this.#dataHalf = chunk >> 1;
    this.#nsHalf = this.#nsBytes >> 1;
    const r = host.rotate;
    this.#limit = r?.kind === "size" ? r.bytes : Infinity;
    this.#partEndNs = r === undefined || r.kind === "size" ? Infinity : -Infinity;
    const stem = partStem(name, r === undefined ? 0 : 1);
    [this.#data, this.#ns] = this.#open(stem);
    this.#parts.push({ stem, firstLine: 0, lines: 0, closed: false, gz: false });
  }

  #open(stem: string): [ByteSink, ByteSink] {
    const fail = (m: string) => this.#host.fail(m);
    const data = new ByteSink(`${this.#host.dir}/${stem}.jsonl`, this.#host.chunkBytes, fail);
    try {
      return [data, new ByteSink(`${this.#host.dir}/${stem}.recv_ns`, this.#nsBytes, fail)];
    } catch (e) {
      void data.close();
      throw e;
    }
  }

  /**
   * Append one raw frame and its receive time (ns since the epoch). No I/O happens here.
   * Allocates only the `encodeInto` view and result. Same as {@linkcode CaptureLines.stage}
   * then {@linkcode CaptureLines.commit}.
   */
  append(line: FrameData, recvNs: number): void {
    this.stage(line);
    this.commit(recvNs);
  }

  /**
   * Encode `line` into the active chunk WITHOUT committing it, so the caller can read (parse) the
   * bytes in place: they are `stagedBuf[stagedStart, stagedEnd)`, and `stagedBuf[stagedEnd]`
   * always exists and is free (it becomes the line's "\n" on commit), so a scanner may use it as
   * a sentinel. Then {@linkcode CaptureLines.commit} here, {@linkcode CaptureLines.commitTo}
   * another file, or simply stage again (the staged bytes are then overwritten). Nothing else may
   * be appended to this file in between. A non-string frame is staged as its
   * `{"binaryFrame":…}` line. Allocates only the `encodeInto` view and result.
   */
  stage(line: FrameData): void {
    const binary = typeof line !== "string";
    const text = binary ? binaryFrameLine(line) : line;
    this.#stagedBinary = binary;
    const d = this.#room(text.length * 3 + 1); // UTF-8 is at most 3 bytes per UTF-16 unit, plus "\n"
    const start = d.pos;
    this.stagedBuf = d.buf;
    this.stagedStart = start;
    this.stagedEnd = start + encoder.encodeInto(text, d.buf.subarray(start)).written;
    this.#stagedLine = text; // its CR/LF check waits for the commit (off the caller's critical path)
  }

  /** {@linkcode CaptureLines.stage} of a text frame's UTF-8 bytes `src[start, end)`, as they are. No allocation. */
  stageBytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const d = this.#room(n + 1);
    const dst = d.buf;
    const at = d.pos;
    copyBytes(src, start, end, dst, at);
    this.#stagedBinary = false;
    this.stagedBuf = dst;
    this.stagedStart = at;
    this.stagedEnd = at + n;
    this.#stagedLine = null;
  }

  // The data sink with `room` free bytes. Both sinks are sealed together (never one alone), so both
  // files always end on the same line; the (empty) chunk grows only for an oversized line.
  #room(room: number): ByteSink {
    const d = this.#data;
    if (d.pos + room > d.buf.length || this.#ns.pos + NS_MAX > this.#ns.buf.length) this.seal();
    d.ensure(room);
    return d;
  }

  #crlf(): boolean { // the staged line holds CR or LF (replaced by spaces at the commit)
    const line = this.#stagedLine;
    return line === null ? bytesHaveCrLf(this.stagedBuf, this.stagedStart, this.stagedEnd) : hasCrLf(line);
  }

  /** True when the staged line is a non-text frame recorded as a `{"binaryFrame":…}` line. */
  get stagedBinary(): boolean {
    return this.#stagedBinary;
  }

  /** Commit the line staged by {@linkcode CaptureLines.stage} with its receive time (ns). */
  commit(recvNs: number): void {
    const d = this.#data;
    const buf = this.stagedBuf;
    const end = this.stagedEnd;
    if (buf !== d.buf || this.stagedStart !== d.pos) throw new RangeError("no line staged");
    if (this.#crlf()) this.#sanitize(buf, this.stagedStart, end);
    if (this.#stagedBinary) this.binaryLines++;
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
    copyBytes(src, start, end, dst, at);
    if (this.#crlf()) other.#sanitize(dst, at, at + n);
    if (this.#stagedBinary) other.binaryLines++;
    dst[at + n] = 10;
    od.pos = at + n + 1;
    this.stagedEnd = start; // abandoned: nothing staged here any more
    this.stagedBuf = EMPTY;
    this.#stagedLine = "";
    this.#stagedBinary = false;
    other.#lineDone(recvNs);
  }

  #lineDone(recvNs: number): void {
    writeNs(this.#ns, recvNs);
    this.lines++;
    this.stagedBuf = EMPTY;
    this.#stagedLine = "";
    this.#stagedBinary = false;
    const d = this.#data;
    if (recvNs >= this.#partEndNs || d.sealedBytes + d.pos >= this.#limit) this.#rotate(recvNs);
    else if (d.pos >= this.#dataHalf || this.#ns.pos >= this.#nsHalf) this.seal();
  }

  // Close the current part (in the background) and open the next. Off the per-line path: once per
  // part (two synchronous opens and two fresh chunks).
  #rotate(recvNs: number): void {
    const cur = this.#parts[this.#parts.length - 1]!;
    if (this.#partEndNs === -Infinity) { // the first line of a timed capture sets the boundary
      this.#partEndNs = boundaryAfter(this.#host.rotate!, recvNs);
      return;
    }
    this.seal();
    const stem = partStem(this.name, this.#parts.length + 1);
    let next: [ByteSink, ByteSink];
    try {
      next = this.#open(stem);
    } catch (e) {
      this.#host.fail(`open ${this.#host.dir}/${stem}.jsonl: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const [oldData, oldNs] = [this.#data, this.#ns];
    [this.#data, this.#ns] = next;
    cur.lines = this.lines - cur.firstLine;
    cur.closed = true;
    this.#parts.push({ stem, firstLine: this.lines, lines: 0, closed: false, gz: false });
    this.#partEndNs = boundaryAfter(this.#host.rotate!, recvNs);
    this.#host.track(closePart(this.#host, oldData, oldNs, cur, () => this.#stopped));
  }

  /**
   * The parts so far, in order, as listed in `metadata.json` (allocates; metadata time only).
   * After a stop, the open part counts the lines appended before the stop (an upper bound of
   * what reached the disk: the chunk whose write failed is lost).
   */
  parts(): CapturePart[] {
    return describeParts(this.#parts, this.#stopped ? this.#linesAtStop : this.lines);
  }

  /** Bytes not yet written to disk (both files of the open part). */
  get backlog(): number {
    return this.#data.backlog + this.#ns.backlog;
  }

  /** Bytes written to disk so far (both files of the open part). */
  get bytesWritten(): number {
    return this.#data.bytesWritten + this.#ns.bytesWritten;
  }

  /** Queue the partly filled chunks of both files for writing (always together). */
  seal(): void {
    this.#data.seal();
    this.#ns.seal();
  }

  /** Write everything appended so far (the open part; closing parts are the writer's to await). */
  async flush(): Promise<void> {
    await this.#data.flush();
    await this.#ns.flush();
  }

  /** Wait until the chunks sealed so far (both files) are on disk; seals nothing. */
  async settled(): Promise<void> {
    await this.#data.settled();
    await this.#ns.settled();
  }

  /**
   * Stop writing (the capture stopped): nothing appended from now on reaches the disk, chunks
   * already sealed are still written. Appends keep working (in memory), so a caller that parses
   * staged bytes in place is unaffected.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#linesAtStop = this.lines;
    this.#limit = Infinity; // no more rotation
    this.#partEndNs = Infinity;
    this.#data.stop();
    this.#ns.stop();
  }

  /** Flush and close both files of the open part (and gzip it with `gzip`). */
  async close(): Promise<void> {
    const cur = this.#parts[this.#parts.length - 1]!;
    if (cur.closed) return;
    cur.lines = (this.#stopped ? this.#linesAtStop : this.lines) - cur.firstLine;
    cur.closed = true;
    await closePart(this.#host, this.#data, this.#ns, cur, () => this.#stopped);
  }

  #sanitize(buf: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) if (buf[i] === 10 || buf[i] === 13) buf[i] = 32;
    this.sanitizedLines++;
  }
}
