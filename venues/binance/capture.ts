/**
 * The Binance capture session: `<capture-dir>/<SYMBOL>/<session>/` holding
 * - `snapshot.json` (the first REST depth body, verbatim) and `snapshot-<k>.json` (k = 1, 2, …)
 *   for each later snapshot fetched after a resync;
 * - `diffs.jsonl` + `diffs.recv_ns`: EVERY depth frame received, verbatim, including frames
 *   buffered before a snapshot (and frames that failed to parse, so nothing is lost);
 * - `trades.jsonl` + `trades.recv_ns` (with `--trades`);
 * - `other.jsonl` + `other.recv_ns`: everything else received (replies, serverShutdown, …);
 * - `metadata.json` ({@linkcode CaptureMetadata}), rewritten atomically while recording.
 *
 * `snapshots[i].diffLinesBefore` is the number of `diffs.jsonl` lines already written when that
 * snapshot arrived, so a replay can cross each gap with the right snapshot.
 *
 * Hot path: {@linkcode BinanceCapture.parse} encodes a frame ONCE, straight into the diffs chunk,
 * and parses those bytes in place; the caller updates its book and only then commits the line
 * with `commitDiff` / `commitTrade` / `commitOther` (a trade or other frame is byte-copied to its
 * file, never re-encoded).
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
import { FrameKind, type ParsedFrame, parseFrameInPlace } from "./parse.ts";

/** One snapshot file of a session. */
export interface CaptureSnapshotInfo {
  /** File name inside the session directory. */
  file: string;
  /** Its `lastUpdateId`. */
  lastUpdateId: number;
  /** Receive time, ns since the epoch. */
  recvNs: number;
  /** Lines of `diffs.jsonl` written before it arrived. */
  diffLinesBefore: number;
}

/** Contents of `metadata.json`: the common keys (`capture_metadata.ts`) plus Binance's own. */
export interface CaptureMetadata extends CaptureMetadataCommon {
  /** Market: "spot" or "usdm" (USD-M futures). */
  market: string;
  /** REST base URL. */
  restUrl: string;
  /** Snapshot files, in arrival order. */
  snapshots: CaptureSnapshotInfo[];
  /** `U` of the first depth frame captured (0 when none). */
  firstUpdateId: number;
  /** `u` of the last depth frame captured (0 when none). */
  lastUpdateId: number;
  /** Other frames captured (lines of other.jsonl). */
  other: number;
  /** Update id of the handler's book when last written. */
  lastAppliedUpdateId: number;
  /** Resyncs so far. */
  resyncs: number;
  /** Prices are integers × 10^priceDecimals: the finest scale the handler used (absent: unknown). */
  priceDecimals?: number;
  /** Quantities are integers × 10^qtyDecimals (finest used). */
  qtyDecimals?: number;
  /** The decimals of `exchangeInfo`'s tickSize / stepSize, when it was fetched. */
  exchangeInfo?: { priceDecimals: number; qtyDecimals: number };
}

/** Options of {@linkcode BinanceCapture.open}. */
export interface BinanceCaptureOptions {
  /** The `--capture-dir` root. */
  dir: string;
  /** Upper-case symbol. */
  symbol: string;
  /** Session label (default: epoch ms from the clock). */
  session?: string;
  /** WebSocket URL (for metadata). */
  wsUrl: string;
  /** REST base URL (for metadata). */
  restUrl: string;
  /** Market (for metadata; default "spot"): replay picks the sync rules from it. */
  market?: string;
  /** Clock (receive times and rate limits). */
  clock: Clock;
  /** Write failures go here (the handler logs them as error events). */
  onError: (message: string) => void;
  /** Metadata rewrite interval, ms (default 1000). */
  metadataIntervalMs?: number;
  /** Rotate the line files into parts (`--rotate`). */
  rotate?: RotatePolicy;
  /** Gzip each part as it closes (`--gzip`). */
  gzip?: boolean;
  /** Bytes per in-memory chunk (tests; default 1 MiB). */
  chunkBytes?: number;
}

/** A recording session. Appends are cheap; files are written asynchronously. */
export class BinanceCapture {
  /** Session directory. */
  readonly path: string;
  /** The metadata as it will be written next. */
  readonly meta: CaptureMetadata;
  readonly #w: CaptureWriter;
  readonly #diffs: CaptureLines;
  readonly #trades: CaptureLines;
  readonly #other: CaptureLines;
  #snapshots = 0; // snapshot files started (named by this count, listed only once written)

  private constructor(w: CaptureWriter, meta: CaptureMetadata) {
    this.#w = w;
    this.path = w.dir;
    this.meta = meta;
    this.#diffs = w.lines("diffs");
    this.#trades = w.lines("trades");
    this.#other = w.lines("other");
    w.setMetadata(() => {
      const m = this.meta;
      m.sanitizedLines = this.#diffs.sanitizedLines + this.#trades.sanitizedLines +
        this.#other.sanitizedLines;
      m.binaryFrames = this.#diffs.binaryLines + this.#trades.binaryLines + this.#other.binaryLines;
      return m;
    });
  }

  /** Bytes of captured lines written to disk so far. */
  get bytesWritten(): number {
    return this.#w.bytesWritten;
  }

  /**
   * Create the session directory and its files, and write an initial `metadata.json`. Throws
   * `RangeError` for a session name that is not a plain folder name and
   * `Deno.errors.AlreadyExists` when the session folder exists and is not empty.
   */
  static async open(o: BinanceCaptureOptions): Promise<BinanceCapture> {
    const session = o.session ?? String(Math.floor(o.clock.wallNs() / 1e6));
    const bad = sessionNameProblem(session);
    if (bad !== undefined) throw new RangeError(bad);
    const folder = instrumentFolder(o.symbol);
    const wopts: CaptureWriterOptions = {
      clock: o.clock,
      onError: o.onError,
      metadataIntervalMs: o.metadataIntervalMs ?? 1000,
    };
    if (o.rotate !== undefined) wopts.rotate = o.rotate;
    if (o.gzip !== undefined) wopts.gzip = o.gzip;
    if (o.chunkBytes !== undefined) wopts.chunkBytes = o.chunkBytes;
    const w = await CaptureWriter.create(`${o.dir}/${folder}/${session}`, wopts);
    const common = commonMetadata(
      "hft-ts/binance-capture/2",
      "binance",
      o.symbol,
      folder,
      session,
      o.wsUrl,
      o.clock.wallNs(),
    );
    const c = new BinanceCapture(w, {
      ...common,
      market: o.market ?? "spot",
      restUrl: o.restUrl,
      snapshots: [],
      firstUpdateId: 0,
      lastUpdateId: 0,
      other: 0,
      lastAppliedUpdateId: 0,
      resyncs: 0,
    });
    await w.writeMetadata();
    return c;
  }

  /**
   * Encode `raw` once into the capture (staged, NOT yet committed: nothing is written or counted)
   * and parse those bytes in place into `pf` (same results as `parseFrame(raw, pf)`). Then commit
   * it with exactly one of {@linkcode BinanceCapture.commitDiff} (depth or malformed),
   * {@linkcode BinanceCapture.commitTrade} or {@linkcode BinanceCapture.commitOther}, before any
   * other call on this capture. No I/O; allocates only the `encodeInto` view and result.
   *
   * A frame that is not a string (a binary WebSocket frame) is staged as its `{"binaryFrame":…}`
   * line and reported as `Malformed` (reason "binary frame …"); its `commitDiff` then writes it
   * to `other.jsonl`, so it never reaches replay's depth stream.
   */
  parse(raw: FrameData, pf: ParsedFrame): FrameKind {
    const d = this.#diffs;
    d.stage(raw);
    if (d.stagedBinary) {
      pf.reason = `binary frame ignored (${d.stagedEnd - d.stagedStart} bytes as a JSON line in other.jsonl)`;
      return FrameKind.Malformed;
    }
    return parseFrameInPlace(d.stagedBuf, d.stagedStart, d.stagedEnd, pf);
  }

  /**
   * {@linkcode BinanceCapture.parse} of a text frame's UTF-8 bytes `b[start, end)`: copied once into
   * the capture as they are and parsed there in place. No allocation.
   */
  parseBytes(b: Uint8Array, start: number, end: number, pf: ParsedFrame): FrameKind {
    const d = this.#diffs;
    d.stageBytes(b, start, end);
    return parseFrameInPlace(d.stagedBuf, d.stagedStart, d.stagedEnd, pf);
  }

  /** Commit the frame staged by {@linkcode BinanceCapture.parse} as a depth line (`U`/`u` 0 when unknown). */
  commitDiff(recvNs: number, U: number, u: number): void {
    if (this.#diffs.stagedBinary) return this.commitOther(recvNs);
    this.#diffs.commit(recvNs);
    this.#noteDiff(U, u);
  }

  /** Commit the frame staged by {@linkcode BinanceCapture.parse} as a trade line (a byte copy). */
  commitTrade(recvNs: number): void {
    this.#diffs.commitTo(this.#trades, recvNs);
    this.meta.trades++;
    this.#w.markMetadataDirty();
  }

  /** Commit the frame staged by {@linkcode BinanceCapture.parse} as an other line (a byte copy). */
  commitOther(recvNs: number): void {
    this.#diffs.commitTo(this.#other, recvNs);
    this.meta.other++;
    this.#w.markMetadataDirty();
  }

  #noteDiff(U: number, u: number): void {
    const m = this.meta;
    m.messages++;
    if (u > 0) {
      if (m.firstUpdateId === 0) m.firstUpdateId = U;
      m.lastUpdateId = u;
    }
    this.#w.markMetadataDirty();
  }

  /** Parse the frame staged by {@linkcode BinanceCapture.parse} again (after the scale grew). */
  reparse(pf: ParsedFrame): FrameKind {
    const d = this.#diffs;
    if (d.stagedBinary) return FrameKind.Malformed;
    return parseFrameInPlace(d.stagedBuf, d.stagedStart, d.stagedEnd, pf);
  }

  /** The instrument's scale grew: record it (replay reads it back). */
  decimals(priceDecimals: number, qtyDecimals: number): void {
    this.meta.priceDecimals = priceDecimals;
    this.meta.qtyDecimals = qtyDecimals;
    this.#w.markMetadataDirty();
  }

  /** The instrument's metadata decimals (`exchangeInfo` tickSize / stepSize). */
  instrumentInfo(d: { priceDecimals: number; qtyDecimals: number }): void {
    this.meta.exchangeInfo = { priceDecimals: d.priceDecimals, qtyDecimals: d.qtyDecimals };
    this.#w.markMetadataDirty();
  }

  /** The book's state after processing (cheap; written with the next metadata). */
  progress(lastAppliedUpdateId: number, resyncs: number): void {
    this.meta.lastAppliedUpdateId = lastAppliedUpdateId;
    this.meta.resyncs = resyncs;
  }

  /** A REST snapshot body (verbatim). Returns the file name; the write is asynchronous. */
  snapshot(body: string, lastUpdateId: number, recvNs: number): string {
    const k = this.#snapshots++;
    const file = k === 0 ? "snapshot.json" : `snapshot-${k}.json`;
    const info = { file, lastUpdateId, recvNs, diffLinesBefore: this.#diffs.lines };
    this.meta.snapshots.push(info);
    // A snapshot that could not be written (the capture stopped) is not listed: replay refuses a
    // session whose metadata names a missing snapshot.
    void this.#w.writeFile(file, body).then((ok) => {
      if (ok) return;
      const i = this.meta.snapshots.indexOf(info);
      if (i >= 0) this.meta.snapshots.splice(i, 1);
      this.#w.markMetadataDirty();
    });
    this.#w.markMetadataDirty();
    return file;
  }

  /** Write everything appended so far. */
  flush(): Promise<void> {
    return this.#w.flush();
  }

  /** The writer (its `stopped` state, and tests). */
  get writer(): CaptureWriter {
    return this.#w;
  }

  /** Flush, close and write the final metadata with `complete: true` (false after a write error). */
  async close(): Promise<void> {
    this.meta.complete = true;
    await this.#w.close();
  }
}
