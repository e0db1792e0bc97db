/**
 * Batched line sinks of the logger Worker: stderr (default) or a file. Lines are collected
 * and written with one `writeSync` per batch.
 * @module
 */

/** Where formatted lines go. */
export interface LineSink {
  /** Queue one line (no trailing newline). */
  push(line: string): void;
  /** Write everything queued. */
  flush(): void;
  /** Flush and release the sink. */
  close(): void;
}

const encoder = new TextEncoder();

/** A sink writing batches to a `Deno.FsFile`-like writer with `writeSync`. */
export class BatchSink implements LineSink {
  #parts: string[] = [];
  #bytes = 0;
  readonly #out: { writeSync(p: Uint8Array): number; close?(): void };
  readonly #ownsOut: boolean;
  readonly #batchBytes: number;

  /** Wrap `out`; `ownsOut` closes it on `close()`. Flushes by itself past `batchBytes`. */
  constructor(
    out: { writeSync(p: Uint8Array): number; close?(): void },
    ownsOut: boolean,
    batchBytes = 64 * 1024,
  ) {
    this.#out = out;
    this.#ownsOut = ownsOut;
    this.#batchBytes = batchBytes;
  }

  /** Queue a line. */
  push(line: string): void {
    this.#parts.push(line);
    this.#bytes += line.length + 1;
    if (this.#bytes >= this.#batchBytes) this.flush();
  }

  /** Write the batch. */
  flush(): void {
    if (this.#parts.length === 0) return;
    this.#parts.push("");
    const data = encoder.encode(this.#parts.join("\n"));
    this.#parts = [];
    this.#bytes = 0;
    let off = 0;
    while (off < data.length) off += this.#out.writeSync(data.subarray(off));
  }

  /** Flush and close the underlying writer if owned. */
  close(): void {
    this.flush();
    if (this.#ownsOut) this.#out.close?.();
  }
}

/** Open the sink for `file` (append, created if missing) or stderr when undefined. */
export function openSink(file: string | undefined): LineSink {
  if (file === undefined) return new BatchSink(Deno.stderr, false);
  const f = Deno.openSync(file, { write: true, create: true, append: true });
  return new BatchSink(f, true);
}
