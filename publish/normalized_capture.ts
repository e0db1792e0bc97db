/**
 * `readNormalizedCapture`: the records of a normalized capture (`consume --capture-dir`; layout in
 * `normalized_capture_format.ts`) back as {@linkcode RecordBatch}es, one message at a time, for a
 * driver fed by records (replay) or a {@linkcode BookReplica}.
 *
 * Contract: `next()` moves to the next message (false at the end); the batch is reused (instrument
 * index 0, prices and quantities at 10^-8: the JSON form's exact decimals; with `ownPrecision`
 * at each message's own decimals, which its records carry: the finest of its price strings and
 * of its quantity strings, as `PayloadDecoder` decodes JSON, so a PEPE-sized quantity past
 * 2^53 / 10^8 is read exactly; a reader holding a book then brings messages to one scale, as
 * `replay/_normalized_scale.ts` does). A line that is not a
 * normalized message of this instrument is skipped and listed in `skipped` (line number and why),
 * never thrown; a truncated last line (a capture killed mid-write) is counted in
 * `truncatedBytes`. Lines beyond the shorter of `records.jsonl` / `records.recv_ns` are not read
 * (`extraLines` says whether either had more). Streams: two line buffers, memory flat in the
 * capture's size (`onSkip` sees a skipped line's bytes while they are still in the buffer).
 * `open` throws a TypeError naming the path when the folder is not a normalized capture.
 * Allocates per line (JSON parsing): not for an engine thread.
 * @module
 */
import { RecordBatch } from "../market/record.ts";
import { LineReader } from "../replay/lines.ts";
import { JSON_SCALE, PayloadDecoder } from "./decode.ts";
import {
  NORMALIZED_CAPTURE_FORMAT,
  type NormalizedCaptureMetadata,
  RECORDS_STEM,
} from "./normalized_capture_format.ts";

/** How {@linkcode readNormalizedCapture} decodes. */
export interface NormalizedReadOptions {
  /** Decode each message at its own decimals (default: every message at 10^-8, `JSON_SCALE`). */
  ownPrecision?: boolean;
}

/** A line that was not read as a message. */
export interface SkippedLine {
  /** 1-based line number in `records.jsonl`. */
  line: number;
  /** Why. */
  why: string;
}

/** An open normalized capture, read message by message. */
export class NormalizedCaptureReader {
  /** The session folder. */
  readonly dir: string;
  /** Its metadata.json. */
  readonly metadata: NormalizedCaptureMetadata;
  /** The current message (valid until the next `next()`). */
  readonly batch: RecordBatch;
  /** The consumer's receive time of the current message, ns since the epoch (decimal digits). */
  recvNs = "";
  /** The current message's line number in `records.jsonl`. */
  line = 0;
  /** Lines skipped (at most 1,000 kept; `skippedCount` counts all). */
  readonly skipped: SkippedLine[] = [];
  /** Lines skipped. */
  skippedCount = 0;
  /** Called for each skipped line with its bytes `buf[start, end)` (valid during the call only). */
  onSkip?: (line: number, why: string, buf: Uint8Array, start: number, end: number) => void;
  readonly #data: LineReader;
  readonly #ns: LineReader;
  readonly #decoder: PayloadDecoder;
  readonly #dec = new TextDecoder();
  #dataAhead = false;

  private constructor(
    dir: string,
    meta: NormalizedCaptureMetadata,
    data: LineReader,
    ns: LineReader,
    opts: NormalizedReadOptions,
  ) {
    this.dir = dir;
    this.metadata = meta;
    this.#data = data;
    this.#ns = ns;
    this.#decoder = new PayloadDecoder(0, meta.instrument, opts.ownPrecision ? -1 : JSON_SCALE);
    this.batch = this.#decoder.batch;
  }

  /** Open the session folder `dir`, decoding as `opts` says. */
  static async open(dir: string, opts: NormalizedReadOptions = {}): Promise<NormalizedCaptureReader> {
    let meta: NormalizedCaptureMetadata;
    const metaPath = `${dir}/metadata.json`;
    try {
      meta = JSON.parse(await Deno.readTextFile(metaPath));
    } catch (e) {
      throw new TypeError(`${metaPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (meta?.format !== NORMALIZED_CAPTURE_FORMAT || typeof meta.instrument !== "string") {
      throw new TypeError(
        `${metaPath}: not a normalized capture (format ${JSON.stringify(meta?.format)}, want ${
          JSON.stringify(NORMALIZED_CAPTURE_FORMAT)
        })`,
      );
    }
    const open = async (ext: string): Promise<LineReader> => {
      const path = `${dir}/${RECORDS_STEM}.${ext}`;
      try {
        return await LineReader.open(path);
      } catch (e) {
        throw new TypeError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const data = await open("jsonl");
    let ns: LineReader;
    try {
      ns = await open("recv_ns");
    } catch (e) {
      await data.close();
      throw e;
    }
    return new NormalizedCaptureReader(dir, meta, data, ns, opts);
  }

  /** Bytes after the last complete line of either file (a capture cut mid-write). */
  get truncatedBytes(): number {
    return this.#data.truncatedBytes + this.#ns.truncatedBytes;
  }

  /** The read error that ended either file early (undefined: none). */
  get error(): string | undefined {
    return this.#data.error ?? this.#ns.error;
  }

  /** Bytes of the current message's line, its newline included. */
  get lineBytes(): number {
    return this.#data.end - this.#data.start + 1;
  }

  /** Path of `records.jsonl`. */
  get dataPath(): string {
    return this.#data.path;
  }

  /**
   * After `next()` returned false: true when either file still has a complete line (the other
   * ended first). Reads one line ahead; call once.
   */
  async extraLines(): Promise<boolean> {
    return this.#dataAhead || (await this.#ns.nextLine());
  }

  /** Move to the next message; false at the end of the capture. */
  async next(): Promise<boolean> {
    for (;;) {
      if (!(await this.#data.nextLine())) return false;
      if (!(await this.#ns.nextLine())) {
        this.#dataAhead = true; // records.jsonl has a line records.recv_ns lacks
        return false;
      }
      const d = this.#data;
      this.line = d.lineNo;
      const why = d.buf[d.start] === 0x7b
        ? this.#decoder.decode(d.buf.subarray(d.start, d.end))
        : "not a JSON object";
      const ns = this.#dec.decode(this.#ns.buf.subarray(this.#ns.start, this.#ns.end));
      if (why === "" && /^\d{1,22}$/.test(ns)) {
        this.recvNs = ns;
        return true;
      }
      this.skippedCount++;
      const reason = why === "" ? `bad receive time ${JSON.stringify(ns)}` : why;
      if (this.skipped.length < 1000) this.skipped.push({ line: d.lineNo, why: reason });
      this.onSkip?.(d.lineNo, reason, d.buf, d.start, d.end);
    }
  }

  /** Release the files. */
  async close(): Promise<void> {
    await this.#data.close();
    await this.#ns.close();
  }
}

/** Open the normalized capture session folder `dir` (see the module doc). */
export function readNormalizedCapture(
  dir: string,
  opts: NormalizedReadOptions = {},
): Promise<NormalizedCaptureReader> {
  return NormalizedCaptureReader.open(dir, opts);
}
