/**
 * `consume --capture-dir`: records what a {@linkcode ConsumedBook} applies as a normalized
 * capture (layout: `normalized_capture_format.ts`), through the live captures' writer
 * (`venues/capture_writer.ts`: buffered lines + `.recv_ns`, atomic `metadata.json`, a write error
 * stops the capture and says why). Formats one JSON line per message: consumer side only.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { formatMessageJson } from "../market/json.ts";
import { RecordKind } from "../market/record.ts";
import { commonMetadata } from "../venues/capture_metadata.ts";
import { instrumentFolder } from "../venues/capture_names.ts";
import { type CaptureLines, CaptureWriter } from "../venues/capture_writer.ts";
import type { ConsumedBook } from "./consumed_book.ts";
import {
  NORMALIZED_CAPTURE_FORMAT,
  type NormalizedCaptureMetadata,
  RECORDS_STEM,
} from "./normalized_capture_format.ts";

/** Where the records come from (for metadata.json). */
export interface CaptureSource {
  /** NATS server URLs. */
  servers: string[];
  /** JetStream stream. */
  stream: string;
}

/** One instrument's normalized capture, fed by its book's subscriber callback. */
export class ConsumerCapture {
  /** The session folder. */
  readonly dir: string;
  /** The writer (counters, `stopped`). */
  readonly writer: CaptureWriter;
  readonly #lines: CaptureLines;
  readonly #meta: NormalizedCaptureMetadata;
  readonly #book: ConsumedBook;
  readonly #clock: Clock;
  #unsubscribe: () => void = () => {};

  private constructor(
    dir: string,
    writer: CaptureWriter,
    book: ConsumedBook,
    src: CaptureSource,
    clock: Clock,
  ) {
    this.dir = dir;
    this.writer = writer;
    this.#book = book;
    this.#clock = clock;
    this.#lines = writer.lines(RECORDS_STEM);
    const i = book.instrument;
    const session = dir.slice(dir.lastIndexOf("/") + 1);
    this.#meta = {
      ...commonMetadata(
        NORMALIZED_CAPTURE_FORMAT,
        i.venue,
        i.symbol,
        instrumentFolder(i.symbol),
        session,
        src.servers.join(","),
        clock.wallNs(),
      ),
      market: i.market,
      source: { nats: src.servers, stream: src.stream, subjects: book.subjects.prefix, startSeq: 0 },
      bookMessages: 0,
      lastBookSeq: 0,
      missing: [],
      runIds: [],
    };
    writer.setMetadata(() => this.#metadata());
  }

  /**
   * Create `<captureDir>/<instrument folder>/<session>/` for `book` and start recording every
   * message it applies. Rejects (`Deno.errors.AlreadyExists`, …) when the folder cannot be used.
   */
  static async start(
    captureDir: string,
    session: string,
    book: ConsumedBook,
    src: CaptureSource,
    opts: { clock?: Clock; onError?: (m: string) => void } = {},
  ): Promise<ConsumerCapture> {
    const dir = `${captureDir}/${instrumentFolder(book.instrument.symbol)}/${session}`;
    const writer = await CaptureWriter.create(dir, opts.onError ? { onError: opts.onError } : {});
    const c = new ConsumerCapture(dir, writer, book, src, opts.clock ?? systemClock);
    c.#unsubscribe = book.subscribe((batch) => {
      const m = c.#meta;
      const kind = batch.messageKind;
      if (kind === RecordKind.Trade) m.trades++;
      else {
        m.bookMessages++;
        m.lastBookSeq = batch.seq;
      }
      m.messages++;
      if (m.runIds[m.runIds.length - 1] !== book.runId) m.runIds.push(book.runId);
      c.#lines.append(formatMessageJson(batch.view, batch.count, book.instrument), c.#clock.wallNs());
      c.writer.markMetadataDirty();
    });
    await writer.writeMetadata();
    return c;
  }

  /** Lines recorded so far. */
  get lines(): number {
    return this.#lines.lines;
  }

  /** Stop recording, write everything and the final metadata.json (`complete` true unless stopped). */
  async close(): Promise<void> {
    this.#unsubscribe();
    this.#meta.complete = true;
    await this.writer.close();
  }

  #metadata(): NormalizedCaptureMetadata {
    const m = this.#meta;
    m.source.startSeq = this.#book.startSeq;
    m.missing = this.#book.missing.slice();
    m.sanitizedLines = this.#lines.sanitizedLines;
    return m;
  }
}
