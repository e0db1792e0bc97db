/**
 * Capture of a Hyperliquid session, readable by `deno task replay`.
 *
 * Layout: `<capture-dir>/<coin>/<session>/` holding
 * - `messages.jsonl`: every JSON frame received, byte for byte, one per line, in arrival order
 *   across reconnects: `l2Book` snapshots, `trades`, `subscriptionResponse`, `pong` and `error`
 *   frames (the same shape as `../shared/fixtures/hyperliquid-btc-20250126/messages.jsonl`; a
 *   reader keeps the `l2Book` lines and may use `trades`). The plain-text greeting is not JSON
 *   and is not written (it is counted in metadata as `greetings`). Frames containing CR/LF have
 *   them replaced by spaces (`sanitizedLines`; JSON whitespace only).
 * - `messages.recv_ns`: one line per message line: receive time in ns since the Unix epoch.
 * - `metadata.json` (rewritten atomically, at most once a second and on close):
 *   `{ format: "hft-ts/hyperliquid-capture/1", venue: "hyperliquid", coin, session, wsUrl,
 *      subscription, priceScale, sizeScale, bookDepth, startedAt (ISO), startedNs,
 *      files: {messages, recvNs}, messageCount, bookCount, tradeMessages, firstBookTime,
 *      lastBookTime (ms, from the books), connections: [{line, wallNs}] (the 0-based message line
 *      at which each connection's frames start; replay applies that line's book as a fresh
 *      snapshot), errors, malformed, greetings, sanitizedLines, complete (true once closed) }`.
 *
 * Every l2Book line is a full top-20 snapshot, so replay needs no separate snapshot file: the
 * first book (and the first after each entry in `connections`) is the snapshot, the rest are
 * diffed with `BookDiffer` exactly as live.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { type CaptureLines, CaptureWriter, type CaptureWriterOptions } from "../capture_writer.ts";
import { HL_BOOK_DEPTH, HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";

/** Options for {@linkcode HlCapture.open}. */
export interface HlCaptureOptions {
  /** Root capture directory (`--capture-dir`). */
  captureDir: string;
  /** Coin (directory name). */
  coin: string;
  /** Session label (`--capture-session`; default: epoch ms). */
  session?: string;
  /** WebSocket URL recorded in the metadata. */
  wsUrl: string;
  /** Subscription object recorded in the metadata. */
  subscription: unknown;
  /** Clock (wall time of the start; rate limit of metadata writes). */
  clock: Clock;
  /** Called when a write fails. */
  onError?: (message: string) => void;
  /** Flush interval, ms (default 200). */
  flushIntervalMs?: number;
}

/** The session metadata object (see the module doc). */
export interface HlCaptureMetadata {
  /** Layout version. */
  format: string;
  /** Always "hyperliquid". */
  venue: string;
  /** Coin. */
  coin: string;
  /** Session label. */
  session: string;
  /** WebSocket URL. */
  wsUrl: string;
  /** The subscription sent. */
  subscription: unknown;
  /** Fixed-point scale of prices used live. */
  priceScale: number;
  /** Fixed-point scale of sizes used live. */
  sizeScale: number;
  /** Levels per side of a full window. */
  bookDepth: number;
  /** Start time, ISO 8601. */
  startedAt: string;
  /** Start time, ns since the epoch. */
  startedNs: number;
  /** File names. */
  files: { messages: string; recvNs: string };
  /** Lines in messages.jsonl. */
  messageCount: number;
  /** l2Book lines. */
  bookCount: number;
  /** trades lines. */
  tradeMessages: number;
  /** `time` of the first book, ms (null before one). */
  firstBookTime: number | null;
  /** `time` of the last book, ms. */
  lastBookTime: number | null;
  /** Where each connection's frames start. */
  connections: { line: number; wallNs: number }[];
  /** `error` frames received. */
  errors: number;
  /** Malformed frames captured. */
  malformed: number;
  /** Greeting (plain-text) frames skipped. */
  greetings: number;
  /** Lines whose CR/LF were replaced. */
  sanitizedLines: number;
  /** True once the capture was closed cleanly. */
  complete: boolean;
}

/** A capture session being recorded. */
export class HlCapture {
  /** The session directory. */
  readonly dir: string;
  /** The metadata, updated in place. */
  readonly meta: HlCaptureMetadata;
  readonly #writer: CaptureWriter;
  readonly #lines: CaptureLines;

  private constructor(dir: string, writer: CaptureWriter, meta: HlCaptureMetadata) {
    this.dir = dir;
    this.#writer = writer;
    this.meta = meta;
    this.#lines = writer.lines("messages");
    writer.setMetadata(() => {
      this.meta.messageCount = this.#lines.lines;
      this.meta.sanitizedLines = this.#lines.sanitizedLines;
      return this.meta;
    });
  }

  /** Create the session directory and start recording. */
  static async open(o: HlCaptureOptions): Promise<HlCapture> {
    const session = o.session ?? String(Math.floor(o.clock.wallNs() / 1e6));
    if (/[/\\]/.test(o.coin) || /[/\\]/.test(session) || session === "" || session.startsWith(".")) {
      throw new RangeError(`coin and session must be plain names: ${o.coin} / ${session}`);
    }
    const dir = `${o.captureDir}/${o.coin}/${session}`;
    const wopts: CaptureWriterOptions = { clock: o.clock };
    if (o.onError) wopts.onError = o.onError;
    if (o.flushIntervalMs !== undefined) wopts.flushIntervalMs = o.flushIntervalMs;
    const writer = await CaptureWriter.create(dir, wopts);
    const startedNs = o.clock.wallNs();
    const meta: HlCaptureMetadata = {
      format: "hft-ts/hyperliquid-capture/1",
      venue: "hyperliquid",
      coin: o.coin,
      session,
      wsUrl: o.wsUrl,
      subscription: o.subscription,
      priceScale: HL_PRICE_SCALE,
      sizeScale: HL_SIZE_SCALE,
      bookDepth: HL_BOOK_DEPTH,
      startedAt: new Date(startedNs / 1e6).toISOString(),
      startedNs,
      files: { messages: "messages.jsonl", recvNs: "messages.recv_ns" },
      messageCount: 0,
      bookCount: 0,
      tradeMessages: 0,
      firstBookTime: null,
      lastBookTime: null,
      connections: [],
      errors: 0,
      malformed: 0,
      greetings: 0,
      sanitizedLines: 0,
      complete: false,
    };
    const cap = new HlCapture(dir, writer, meta);
    await writer.writeMetadata();
    return cap;
  }

  /** Bytes of captured lines written to disk so far. */
  get bytesWritten(): number {
    return this.#writer.bytesWritten;
  }

  /** Lines recorded so far. */
  get lines(): number {
    return this.#lines.lines;
  }

  /** Record one raw frame verbatim (buffered; no I/O here). */
  append(frame: string, recvWallNs: number): void {
    this.#lines.append(frame, recvWallNs);
    this.#writer.markMetadataDirty();
  }

  /** A new connection starts at the next line. */
  noteConnection(wallNs: number): void {
    this.meta.connections.push({ line: this.#lines.lines, wallNs });
    this.#writer.markMetadataDirty();
  }

  /** An l2Book line with `time` (ms) was recorded. */
  noteBook(timeMs: number): void {
    this.meta.bookCount++;
    if (this.meta.firstBookTime === null) this.meta.firstBookTime = timeMs;
    this.meta.lastBookTime = timeMs;
  }

  /** Write everything buffered so far. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flush, close the files and write the final metadata (`complete: true`). */
  async close(): Promise<void> {
    this.meta.complete = true;
    await this.#writer.close();
  }
}
