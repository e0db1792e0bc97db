/**
 * `SymbolBook`: everything one Binance symbol (spot or USD-M) owns inside a many-symbol handler —
 * its {@linkcode L2Book}, its {@linkcode BookSync} (the market's rules: buffering, snapshot
 * bridging, resync), its {@linkcode MarketStream}, its scale (`_handler_precision.ts`: the
 * instrument's own tick and lot from `exchangeInfo` and the wire, whichever finer; an exact
 * rescale in place; a value beyond 2^53 resyncs THIS symbol), its capture session, and its
 * counters and stale state. Each symbol buffers, snapshots and resyncs alone: nothing here
 * touches another symbol. The caller (I/O, REST pacing) feeds parsed diffs, trades and
 * snapshots; this applies them and emits the normalized messages (`update`, `snapshot`,
 * `clear`, `trade`). No allocation per message.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import type { ResyncReason } from "../../engine/events.ts";
import { L2Book } from "../book.ts";
import { type BookFormat, bookToJson } from "../book_json.ts";
import { MarketStream, recvSecOf, recvSubNsOf, type SubscriberErrorHandler } from "../../market/stream.ts";
import { defaultInstruments, type InstrumentTable } from "../../market/instrument.ts";
import { BookSync, DiffResult, SnapshotResult } from "./sync.ts";
import { emitDepthDiff } from "./emit.ts";
import type { DepthDiff, DepthSnapshot, Trade } from "./types.ts";
import type { FrameKind, ParsedFrame } from "./parse.ts";
import type { BinanceMarket } from "./markets.ts";
import type { BinanceCapture } from "./capture.ts";
import type { Decimals } from "./precision.ts";
import { fitScale, InstrumentScale, raiseScale, type ScaleHost } from "./_handler_precision.ts";

/** Options of {@linkcode SymbolBook}. */
export interface SymbolBookOptions {
  /** REST snapshot depth (default 1000). */
  snapshotLimit?: number;
  /** Market (default "spot"): the sync rules and the instrument's market. */
  market?: BinanceMarket;
  /** The instrument table (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws. */
  onSubscriberError?: SubscriberErrorHandler;
}

/** One symbol's book, sync state, scale, capture and stream. Single-threaded. */
export class SymbolBook implements ScaleHost {
  /** Upper-case symbol. */
  readonly symbol: string;
  /** Market. */
  readonly market: BinanceMarket;
  /** The local book. */
  readonly book = new L2Book();
  /** The normalized stream of this symbol. */
  readonly stream: MarketStream;
  /** The instrument's scale (starts at 0 / 0 and grows to what `exchangeInfo` and the wire need). */
  readonly scale: InstrumentScale;
  /** The sync state machine (replaced by one with the logger at {@linkcode SymbolBook.attach}). */
  sync: BookSync;
  /** The capture session, when capturing. */
  capture: BinanceCapture | null = null;
  /** Logger of this symbol's events (after attach). */
  logger: Logger | undefined;
  /** Logger source of this symbol. */
  source = 0;
  /** Depth and trade messages processed. */
  messages = 0;
  /** Monotonic time of the last depth frame, ns (-Infinity before any). */
  lastDataNs = -Infinity;
  /** True when the book is not live: its feed went silent or its connection dropped, not synchronized since. */
  stale = false;
  /** True after the first synchronization. */
  everSynced = false;
  #wasSynced = false;

  /** The keeper of `symbol`; its parser output is `pf` (shared: set its scale before each parse). */
  constructor(symbol: string, pf: ParsedFrame, o: SymbolBookOptions = {}) {
    this.symbol = symbol.toUpperCase();
    this.market = o.market ?? "spot";
    this.sync = new BookSync(this.book, { snapshotLimit: o.snapshotLimit ?? 1000, rules: this.market });
    const inst = (o.instruments ?? defaultInstruments).add("binance", this.market, this.symbol, 0, 0);
    this.stream = new MarketStream(inst, this.book, o.onSubscriberError);
    this.scale = new InstrumentScale(inst, pf);
  }

  /** Use `logger` with `source` for this symbol's milestones (BookSync logs them). */
  attach(logger: Logger, source: number): void {
    this.logger = logger;
    this.source = source;
    this.sync = new BookSync(this.book, {
      snapshotLimit: this.sync.snapshotLimit,
      rules: this.market,
      logger,
      source,
    });
  }

  /** Parse at this symbol's scale: set `pf`'s decimals to the instrument's. */
  useScale(pf: ParsedFrame): void {
    const inst = this.stream.instrument;
    pf.priceDecimals = inst.priceDecimals;
    pf.qtyDecimals = inst.qtyDecimals;
  }

  /** True when the book is synchronized now. */
  get synced(): boolean {
    return this.sync.isSynced;
  }

  /** See {@linkcode ScaleHost.lostSync}. */
  lostSync(): void {
    this.#wasSynced = false;
  }

  /** Raise the scale to `d` (exchangeInfo, a snapshot's finest values) at `wall`. */
  raise(d: Decimals | null, wall: number): void {
    raiseScale(this, d, wall);
  }

  /** A frame of this symbol `Malformed` for its scale: rescale and `reparse`, or resync (beyond 2^53). */
  fit(pf: ParsedFrame, kind: FrameKind, reparse: () => FrameKind, wall: number): FrameKind {
    return fitScale(this, pf, kind, reparse, wall);
  }

  /**
   * Apply diff `d` received at `recvMono`/`recvWall` (ns); emits `update` or `clear`. Returns the
   * sync's result. Sets {@linkcode SymbolBook.everSynced}; the caller reads `sync.needsSnapshot`.
   */
  onDiff(d: DepthDiff, recvMono: number, recvWall: number): DiffResult {
    const r = this.applyDiff(d, recvMono);
    this.emitDiff(d, r, recvWall);
    return r;
  }

  /** The sync part of {@linkcode SymbolBook.onDiff} (the book is updated; nothing is emitted yet). */
  applyDiff(d: DepthDiff, recvMono: number): DiffResult {
    this.messages++;
    this.lastDataNs = recvMono;
    const r = this.sync.onDiff(d);
    if (r === DiffResult.Applied) this.stale = false; // live again after a silence
    this.#noteSync();
    return r;
  }

  /** The stream part of {@linkcode SymbolBook.onDiff}: `update` for an applied diff, `clear` for a resync. */
  emitDiff(d: DepthDiff, r: DiffResult, recvWall: number): void {
    if (!this.stream.active) return;
    if (r === DiffResult.Applied) emitDepthDiff(this.stream, d, recvSecOf(recvWall), recvSubNsOf(recvWall));
    else if (r === DiffResult.Resync) {
      this.stream.clear(
        this.sync.lastResyncReason,
        d.eventTimeMs,
        recvSecOf(recvWall),
        recvSubNsOf(recvWall),
      );
    }
  }

  /** Apply the snapshot (REST `body`) answering request `tag`, received at `recvWall`; emits `snapshot`. */
  onSnapshot(snap: DepthSnapshot, body: string, tag: number, recvWall: number): SnapshotResult {
    this.capture?.snapshot(body, snap.lastUpdateId, recvWall);
    const r = this.sync.onSnapshot(snap, tag);
    if (r === SnapshotResult.Applied) {
      this.stream.snapshot(this.book.updateId, 0, recvSecOf(recvWall), recvSubNsOf(recvWall));
    }
    this.#noteSync();
    return r;
  }

  /** A trade of this symbol received at `recvWall`. */
  onTrade(t: Trade, recvWall: number): void {
    this.messages++;
    if (!this.stream.active) return;
    this.stream.trade(
      t.priceTicks,
      t.qtyLots,
      !t.buyerIsMaker,
      t.id,
      t.eventTimeMs,
      recvSecOf(recvWall),
      recvSubNsOf(recvWall),
    );
  }

  /**
   * The symbol's connection dropped (or was renewed) at `wallNs`: discard its book and buffer and
   * emit `clear`; a synchronized book becomes stale. Nothing happens when there was nothing.
   */
  reset(reason: ResyncReason, detail: string, wallNs: number): void {
    if (this.#wasSynced) this.stale = true;
    this.#wasSynced = false;
    if (!this.sync.isSynced && this.sync.buffered === 0) return;
    this.sync.reset(reason, detail);
    this.stream.clear(reason, 0, recvSecOf(wallNs), recvSubNsOf(wallNs));
  }

  /** The `--book-out` object of this symbol; `stale` overrides {@linkcode SymbolBook.stale}. Allocates. */
  bookJson(stale = this.stale): ReturnType<typeof bookToJson> {
    return bookToJson(this.book, this.bookFormat(), stale);
  }

  /**
   * How `--book-out` prints this book: 8-decimal strings as Binance sends them (more when the
   * instrument's scale is finer), exact at the instrument's scale.
   */
  bookFormat(): BookFormat {
    const inst = this.stream.instrument;
    return {
      venue: "binance",
      symbol: this.symbol,
      priceScale: inst.priceDecimals,
      qtyScale: inst.qtyDecimals,
      priceDecimals: Math.max(8, inst.priceDecimals),
      qtyDecimals: Math.max(8, inst.qtyDecimals),
    };
  }

  #noteSync(): void {
    const s = this.sync.isSynced;
    if (s && !this.#wasSynced) {
      this.everSynced = true;
      this.stale = false;
    }
    this.#wasSynced = s;
  }
}
