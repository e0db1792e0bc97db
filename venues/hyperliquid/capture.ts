/**
 * Capture of a Hyperliquid session, readable by `deno task replay`.
 *
 * Layout: `<capture-dir>/<coin folder>/<session>/` (the coin mapped to a safe folder name by
 * `capture_names.ts`: `PURR/USDC` → `PURR-USDC`, `@107` → `_107`) holding
 * - `messages.jsonl`: every JSON frame received, byte for byte, one per line, in arrival order
 *   across reconnects: `l2Book` snapshots, `trades`, `subscriptionResponse`, `pong` and `error`
 *   frames (the same shape as `../shared/fixtures/hyperliquid-btc-20250126/messages.jsonl`; a
 *   reader keeps the `l2Book` lines and may use `trades`). The plain-text greeting is not JSON
 *   and is not written (it is counted in metadata as `greetings`). Frames containing CR/LF have
 *   them replaced by spaces (`sanitizedLines`; JSON whitespace only).
 * - `messages.recv_ns`: one line per message line: receive time in ns since the Unix epoch.
 * - `metadata.json` (rewritten atomically, at most once a second and on close): the common keys
 *   of `capture_metadata.ts` (`format: "hft-ts/hyperliquid-capture/2"`, `instrument` = the coin,
 *   `messages` = lines of messages.jsonl, `trades` = trades messages, …) plus `subscription,
 *   priceScale, sizeScale, bookDepth, files: {messages, recvNs}, bookCount, firstBookTime,
 *   lastBookTime` (ms, from the books), `connections: [{line, wallNs}]` (the 0-based message line
 *   at which each connection's frames start; replay applies that line's book as a fresh
 *   snapshot), `errors, malformed, greetings`.
 *
 * With several coins (`HyperliquidMultiHandler`) each coin has its own session folder and more
 * streams, opened with `channels`: `messages.jsonl` keeps the slow 20-level `l2Book` frames, the
 * `trades` frames and the coin's subscription replies (so replay reads it as above); fast
 * `l2Book` frames (5 levels, the same shape on the wire) go to `fast.jsonl` and `bbo` frames to
 * `bbo.jsonl` (replay does not read them); frames of a connection that belong to no coin (pong,
 * `error`, malformed or unparseable frames) go to `other.jsonl` of every coin that connection
 * serves. `metadata.json` then adds `fastBooks`, `bbos`, `other` and their files.
 *
 * Scales: `priceScale`/`sizeScale` are the decimals in force (the coin's base from the venue's
 * metadata, refined by the wire; updated on a rescale), `venueDecimals` the base from `meta` /
 * `spotMeta` (`{priceDecimals, qtyDecimals}`; null when none was fetched).
 *
 * Every l2Book line is a full top-20 snapshot, so replay needs no separate snapshot file: the
 * first book (and the first after each entry in `connections`) is the snapshot, the rest are
 * diffed with `BookDiffer` exactly as live.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import {
  type CaptureLines,
  CaptureWriter,
  type CaptureWriterOptions,
  type FrameData,
} from "../capture_writer.ts";
import { type CaptureMetadataCommon, commonMetadata } from "../capture_metadata.ts";
import { instrumentFolder, sessionNameProblem } from "../capture_names.ts";
import type { RotatePolicy } from "../capture_rotation.ts";
import { BINARY_FRAME_KEY } from "../capture_frame.ts";
import { HL_BOOK_DEPTH, HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";
import type { Decimals } from "../binance/precision.ts";

const BINARY_PREFIX = `{"${BINARY_FRAME_KEY}":`;
const EXTRA: readonly HlExtraStream[] = ["fast", "bbo", "other"];

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
  /** Rotate messages.jsonl into parts (`--rotate`). */
  rotate?: RotatePolicy;
  /** Gzip each part as it closes (`--gzip`). */
  gzip?: boolean;
  /** Bytes per in-memory chunk (tests; default 1 MiB). */
  chunkBytes?: number;
  /** Extra streams (several coins per process): `fast.jsonl`, `bbo.jsonl`, `other.jsonl`. */
  streams?: HlExtraStream[];
}

/** A stream beside `messages.jsonl`: fast `l2Book` frames, `bbo` frames, frames of no coin. */
export type HlExtraStream = "fast" | "bbo" | "other";

/** The session metadata object: the common keys plus Hyperliquid's own (see the module doc). */
export interface HlCaptureMetadata extends CaptureMetadataCommon {
  /** The subscription sent. */
  subscription: unknown;
  /** Fixed-point scale of prices used live. */
  priceScale: number;
  /** Fixed-point scale of sizes used live. */
  sizeScale: number;
  /** Levels per side of a full window. */
  bookDepth: number;
  /** File names (of the first part when rotating; see `parts`). */
  files: { messages: string; recvNs: string };
  /** l2Book lines. */
  bookCount: number;
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
  /** The base scale from the venue's metadata (null when none was fetched). */
  venueDecimals: { priceDecimals: number; qtyDecimals: number } | null;
  /** Lines of `fast.jsonl` (with `streams`). */
  fastBooks?: number;
  /** Lines of `bbo.jsonl`. */
  bbos?: number;
  /** Lines of `other.jsonl`. */
  other?: number;
}

/** A capture session being recorded. */
export class HlCapture {
  /** The session directory. */
  readonly dir: string;
  /** The metadata, updated in place. */
  readonly meta: HlCaptureMetadata;
  readonly #writer: CaptureWriter;
  readonly #lines: CaptureLines;
  readonly #extra: (CaptureLines | undefined)[] = [undefined, undefined, undefined];
  #binaryText = 0; // binary frames that arrived as their JSON line

  private constructor(
    dir: string,
    writer: CaptureWriter,
    meta: HlCaptureMetadata,
    streams: HlExtraStream[],
    part: string, // "" or the first rotated part's ".0001"
  ) {
    this.dir = dir;
    this.#writer = writer;
    this.meta = meta;
    const files = meta.files as Record<string, string>;
    for (const name of streams) {
      this.#extra[EXTRA.indexOf(name)] = writer.lines(name);
      files[name] = `${name}${part}.jsonl`;
    }
    this.#lines = writer.lines("messages");
    const [fast, bbo, other] = this.#extra;
    writer.setMetadata(() => {
      if (fast) this.meta.fastBooks = fast.lines;
      if (bbo) this.meta.bbos = bbo.lines;
      if (other) this.meta.other = other.lines;
      this.meta.messages = this.#lines.lines;
      this.meta.sanitizedLines = this.#lines.sanitizedLines;
      this.meta.binaryFrames = this.#lines.binaryLines + this.#binaryText;
      return this.meta;
    });
  }

  /**
   * Create the session directory and start recording. Throws `RangeError` for a session name that
   * is not a plain folder name and `Deno.errors.AlreadyExists` when the session folder exists and
   * is not empty.
   */
  static async open(o: HlCaptureOptions): Promise<HlCapture> {
    const session = o.session ?? String(Math.floor(o.clock.wallNs() / 1e6));
    const bad = sessionNameProblem(session);
    if (bad !== undefined) throw new RangeError(bad);
    const folder = instrumentFolder(o.coin);
    const dir = `${o.captureDir}/${folder}/${session}`;
    const wopts: CaptureWriterOptions = { clock: o.clock };
    if (o.onError) wopts.onError = o.onError;
    if (o.flushIntervalMs !== undefined) wopts.flushIntervalMs = o.flushIntervalMs;
    if (o.rotate !== undefined) wopts.rotate = o.rotate;
    if (o.gzip !== undefined) wopts.gzip = o.gzip;
    if (o.chunkBytes !== undefined) wopts.chunkBytes = o.chunkBytes;
    const writer = await CaptureWriter.create(dir, wopts);
    const stem = o.rotate === undefined ? "messages" : "messages.0001";
    const meta: HlCaptureMetadata = {
      ...commonMetadata(
        "hft-ts/hyperliquid-capture/2",
        "hyperliquid",
        o.coin,
        folder,
        session,
        o.wsUrl,
        o.clock.wallNs(),
      ),
      subscription: o.subscription,
      priceScale: HL_PRICE_SCALE,
      sizeScale: HL_SIZE_SCALE,
      bookDepth: HL_BOOK_DEPTH,
      files: { messages: `${stem}.jsonl`, recvNs: `${stem}.recv_ns` },
      bookCount: 0,
      firstBookTime: null,
      lastBookTime: null,
      connections: [],
      errors: 0,
      malformed: 0,
      greetings: 0,
      venueDecimals: null,
    };
    const cap = new HlCapture(dir, writer, meta, o.streams ?? [], o.rotate === undefined ? "" : ".0001");
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
  append(frame: FrameData, recvWallNs: number): void {
    this.#lines.append(frame, recvWallNs);
    // The socket hands a binary frame over already as its {"binaryFrame":…} line (venue frames
    // start with {"channel"): count it. One character compare per frame.
    if (typeof frame === "string" && frame.charCodeAt(2) === 98 && frame.startsWith(BINARY_PREFIX)) {
      this.#binaryText++;
    }
    this.#writer.markMetadataDirty();
  }

  /**
   * Record one raw frame of an extra stream (`fast`, `bbo`, `other`; opened with `streams`,
   * else dropped). Buffered; no I/O here.
   */
  appendTo(stream: HlExtraStream, frame: FrameData, recvWallNs: number): void {
    const l = this.#extra[EXTRA.indexOf(stream)];
    if (l === undefined) return;
    l.append(frame, recvWallNs);
    this.#writer.markMetadataDirty();
  }

  /** The scale in force is `d` (and the venue's metadata said `venue`, when given). */
  noteScale(d: Decimals, venue?: Decimals): void {
    this.meta.priceScale = d.priceDecimals;
    this.meta.sizeScale = d.qtyDecimals;
    if (venue !== undefined) {
      this.meta.venueDecimals = { priceDecimals: venue.priceDecimals, qtyDecimals: venue.qtyDecimals };
    }
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

  /** The writer (its `stopped` state, and tests). */
  get writer(): CaptureWriter {
    return this.#writer;
  }

  /** Flush, close the files and write the final metadata (`complete: true`; false after a write error). */
  async close(): Promise<void> {
    this.meta.complete = true;
    await this.#writer.close();
  }
}
