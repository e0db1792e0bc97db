/**
 * The Hyperliquid `l2Book` handler (hft-rs's `ws_hyperliquid`), an {@linkcode EngineHandler}.
 *
 * I/O callbacks only queue raw input and call `ctx.wake()`; `pollOnce` parses, diffs, updates the
 * {@linkcode L2Book}, captures and logs. Per connection the first book is the snapshot and every
 * later one is diffed ({@linkcode BookDiffer}). A crossed book is applied (it is what the venue
 * sent) and reported; the next book replaces it. After a disconnect or a silent feed the last
 * window is kept but marked {@linkcode HyperliquidHandler.stale} until the next snapshot. At stop,
 * frames still queued are captured (nothing received is lost from a capture). Precision: the coin
 * starts at its base scale (`useDecimals`, from the venue's metadata; 8 / 8 without), and a frame
 * finer than it moves the coin to the wire's decimals (`_precision.ts`).
 *
 * Events: connected, subscribed, snapshot applied (bids, asks, time), diff stats per book
 * (a = books, b = diffs applied, c = skipped, d = levels changed, e = book time), counters of
 * each change kind every 20 books and at stop, latency `wire_to_book` (receive → book updated),
 * warnings, disconnected, reconnecting.
 *
 * Private pieces: the connection's life (subscribe, heartbeat, silence watch, reconnects with
 * backoff, frames that are not market data) in `_one_connection.ts`, the counters in
 * `_handler_stats.ts`, `--book-out` in `_book_out.ts`, request texts / capture opening in
 * `_handler_setup.ts`.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import type { L2Book } from "../book.ts";
import type { Decimals } from "../binance/precision.ts";
import { InKind } from "./_inbox.ts";
import { writeHlBookOut } from "./_book_out.ts";
import { captureLeftovers } from "./_handler_leftovers.ts";
import { emitKindCounters, type HyperliquidStats, newHyperliquidStats } from "./_handler_stats.ts";
import { openCapture, type SubscriptionTexts, subscriptionTexts, wakePeriodMs } from "./_handler_setup.ts";
import { OneConnection } from "./_one_connection.ts";
import { LaneState } from "./_lane.ts";
import { fitCoinScale } from "./_precision.ts";
import type { HlCapture } from "./capture.ts";
import { checkDepth, HL_DEFAULT_WS_URL, type HyperliquidConfig } from "./config.ts";
import { type BookDiffer, LEVEL_CHANGE_NAMES } from "./diff.ts";
import { BookSource, CoinBook } from "./coin_book.ts";
import { HlFrame, HlMsg, HlParseError } from "./frame.ts";
import type { Heartbeat } from "./heartbeat.ts";
import { HlParser } from "./parse.ts";
import type { MarketStream } from "../../market/stream.ts";

export type { HyperliquidStats } from "./_handler_stats.ts";

const enc = new TextEncoder();

/** Live Hyperliquid l2Book handler. */
export class HyperliquidHandler implements EngineHandler {
  /** Display name, e.g. "hyperliquid:BTC". */
  readonly name: string;
  /** WebSocket URL. */
  readonly wsUrl: string;
  /** Coin. */
  readonly coin: string;
  /** The book: the latest window, exactly (see diff.ts); the coin's {@linkcode CoinBook}'s. */
  readonly book: L2Book;
  /** Counters. */
  readonly stats: HyperliquidStats = newHyperliquidStats();
  /** The differ (totals by change kind, previous window). */
  readonly differ: BookDiffer;
  /** The capture, once started (when `captureDir` is set). */
  capture: HlCapture | undefined;
  /**
   * The coin's normalized stream: subscribe to be called after every applied message
   * (`handler.stream.subscribe(fn)`), or attach sinks (rings, files).
   */
  readonly stream: MarketStream;
  readonly #cfg: HyperliquidConfig;
  readonly #texts: SubscriptionTexts;
  readonly #coinBytes: Uint8Array;
  readonly #parser = new HlParser();
  readonly #frame = new HlFrame();
  readonly #coinBook: CoinBook;
  readonly #conn: OneConnection;
  #ctx: HandlerContext | undefined;
  #messages = 0;
  #tick: ReturnType<typeof setInterval> | undefined;
  #wireLabel = 0;
  #ioStatsNs = -Infinity;
  #kindLabels: number[] = [];
  #everSynced = false;
  readonly #fit: Decimals = { priceDecimals: 0, qtyDecimals: 0 };

  /** Validates the config (RangeError on a bad coin, nSigFigs, mantissa or depth). */
  constructor(config: HyperliquidConfig = {}) {
    this.#cfg = config;
    this.wsUrl = config.wsUrl ?? HL_DEFAULT_WS_URL;
    this.coin = config.coin ?? "BTC";
    this.#texts = subscriptionTexts(this.coin, config.nSigFigs, config.mantissa);
    this.name = config.name ?? `hyperliquid:${this.coin}`;
    this.#coinBytes = enc.encode(this.coin);
    const cb = this.#coinBook = new CoinBook(this.coin, {
      depth: checkDepth(config.depth),
      ...(config.instruments ? { instruments: config.instruments } : {}),
      ...(config.onSubscriberError ? { onSubscriberError: config.onSubscriberError } : {}),
      ...(config.decimals ? { decimals: config.decimals } : {}),
    });
    this.#parser.priceScale = cb.decimals.priceDecimals;
    this.#parser.sizeScale = cb.decimals.qtyDecimals;
    this.book = cb.book;
    this.differ = cb.differ;
    this.stream = cb.stream;
    this.#conn = new OneConnection(this.wsUrl, this.#texts, config, this.stats, cb);
  }

  /**
   * Why the handler gave up, when it met an error retrying cannot fix (a missing permission, an
   * invalid URL); undefined while running. Once set, `isDone()` is true (the run exits 1).
   */
  get fatal(): string | undefined {
    return this.#conn.fatal;
  }

  /** True once a connection was opened. */
  get everConnected(): boolean {
    return this.stats.connections > 0;
  }

  /** True once a book snapshot was applied. */
  get everSynced(): boolean {
    return this.#everSynced;
  }

  /** The heartbeat state (pings, pongs, timeouts). */
  get heartbeat(): Heartbeat {
    return this.#conn.hb;
  }

  /**
   * True from a disconnect (or a silent feed) until the next connection's snapshot: {@linkcode book} still holds
   * the last window received, which is no longer live. `writeBookOut` records it as
   * `"stale":true` and logs a warning. Not set by `stop()` (a clean stop keeps the book live).
   */
  get stale(): boolean {
    return this.#conn.stale;
  }

  /**
   * Start the coin at its base scale `d` from the venue's metadata (`loadHlDecimals`); before
   * `start` only. The wire's decimals refine it when finer.
   */
  useDecimals(d: Decimals): void {
    this.#coinBook.setBase(d);
    this.#parser.priceScale = d.priceDecimals;
    this.#parser.sizeScale = d.qtyDecimals;
  }

  /** The subscription request sent on every connection. */
  get subscriptionRequest(): string {
    return this.#texts.subscribe;
  }

  /** Open the capture (if configured) and the first connection. */
  async start(ctx: HandlerContext): Promise<void> {
    this.#ctx = ctx;
    const lg = ctx.logger;
    this.#wireLabel = lg.intern("wire_to_book");
    this.#kindLabels = LEVEL_CHANGE_NAMES.map((n) => lg.intern(`levels_${n}`));
    const dir = this.#cfg.captureDir;
    if (dir !== undefined) {
      const session = this.#cfg.captureSession;
      const files = { rotate: this.#cfg.captureRotate, gzip: this.#cfg.captureGzip };
      this.capture = await openCapture(dir, session, this.coin, this.wsUrl, this.#texts.subText, ctx, files);
      this.capture.noteScale(this.#coinBook.decimals, this.#coinBook.venue);
      lg.info(ctx.source, `capturing to ${this.capture.dir}`);
    }
    this.#tick = setInterval(() => ctx.wake(), wakePeriodMs(this.#conn.hb));
    this.#conn.start(ctx, this.capture);
  }

  /** Drain queued input; returns the work time in ns, or undefined when idle. */
  pollOnce(logger: Logger): number | undefined {
    const ctx = this.#ctx;
    if (ctx === undefined || this.isDone()) return undefined;
    const clock = ctx.clock, conn = this.#conn, inbox = conn.inbox, src = ctx.source;
    let busy = false;
    const t0 = clock.monoNs();
    while (inbox.length > 0 && conn.state !== LaneState.Stopped) {
      busy = true;
      const i = inbox.head;
      const kind = inbox.kind(i);
      if (kind === InKind.Message) {
        this.#onMessage(logger, src, inbox.text(i), inbox.wallNs(i), inbox.monoNs(i));
      } else if (kind === InKind.Open) conn.onOpen(logger, src, inbox.wallNs(i));
      else if (kind === InKind.Close) conn.onClose(logger, src, inbox.num(i, 0), inbox.text(i));
      else if (kind === InKind.Fatal) conn.fail(logger, src, inbox.text(i));
      else logger.warning(src, inbox.text(i));
      inbox.shift();
      if (this.isDone()) break;
    }
    if (conn.guard(logger, src, this.coin)) busy = true;
    if (busy && t0 - this.#ioStatsNs >= 1e9) {
      this.#ioStatsNs = t0;
      logger.ioStats(src, inbox.textUnits, this.capture?.bytesWritten ?? 0, 0);
    }
    this.stream.flush();
    return busy ? clock.monoNs() - t0 : undefined;
  }

  /** True once `maxMessages` market-data messages were processed. */
  isDone(): boolean {
    if (this.fatal !== undefined) return true;
    const max = this.#cfg.maxMessages;
    return max !== undefined && this.#messages >= max;
  }

  /**
   * Close the connection, cancel timers, capture the frames still queued (received but not
   * processed, e.g. after `maxMessages`), close the capture. The wait for the close handshake is
   * bounded by `closeTimeoutMs` (default 3000); the capture is closed even when the bound is hit.
   * Idempotent.
   */
  async stop(): Promise<void> {
    const conn = this.#conn;
    if (conn.state === LaneState.Stopped) return;
    if (this.#tick !== undefined) clearInterval(this.#tick);
    this.#tick = undefined;
    conn.stop();
    const cap = this.capture;
    if (cap !== undefined) captureLeftovers(conn.inbox, this.#parser, this.#frame, this.#coinBytes, cap);
    try {
      // Wait for every socket's close handshake, bounded: a dead peer must not hang the stop.
      if (conn.sock.pending > 0) await conn.sock.settle(this.#cfg.closeTimeoutMs ?? 3000);
      const ctx = this.#ctx;
      if (ctx !== undefined) {
        emitKindCounters(ctx.logger, ctx.source, this.differ.totals.byKind, this.#kindLabels);
      }
    } finally {
      if (cap !== undefined) await cap.close();
    }
  }

  /**
   * Write the book as `--book-out` JSON in the venue's own decimal strings, best first. A
   * {@linkcode stale} book is written with `"stale":true` and a warning is logged.
   */
  writeBookOut(path: string): Promise<void> {
    const ctx = this.#ctx;
    const stale = this.#conn.stale;
    if (stale && ctx !== undefined) {
      ctx.logger.warning(ctx.source, 'book-out: stale book (disconnected, no snapshot since): "stale":true');
    }
    return writeHlBookOut(path, this.book, this.differ, this.coin, stale, this.stream.instrument);
  }

  // ---- messages --------------------------------------------------------------------------

  #onMessage(logger: Logger, src: number, data: string, wallNs: number, monoNs: number): void {
    const p = this.#parser;
    const f = this.#frame;
    let kind = p.parse(data, f);
    if (kind === HlMsg.Malformed && f.error === HlParseError.BadNumber) {
      kind = this.#fitScale(logger, src, data, wallNs);
    }
    if (kind !== HlMsg.Text) this.capture?.append(data, wallNs);
    switch (kind) {
      case HlMsg.L2Book:
        this.#onBook(logger, src, monoNs, wallNs);
        break;
      case HlMsg.Trades:
        this.#coinBook.emitTrades(f, wallNs);
        this.stats.tradeMessages++;
        this.#messages++;
        if (this.capture) this.capture.meta.trades++;
        break;
      default:
        this.#conn.onControl(logger, src, kind, data, p, f, this.#coinBytes);
    }
  }

  // A value the scale in force cannot hold: a scale that does (every l2Book is a whole window:
  // the book restarts from this frame as a snapshot), or a clear (an empty book until then).
  #fitScale(logger: Logger, src: number, data: string, wallNs: number): HlMsg {
    const k = fitCoinScale(this.#coinBook, this.#parser, this.#frame, data, this.#fit, logger, src, wallNs);
    if (k !== HlMsg.Malformed) this.capture?.noteScale(this.#fit);
    else this.book.clear(); // never a rounded book
    return k;
  }

  #onBook(logger: Logger, src: number, recvMono: number, wallNs: number): void {
    const f = this.#frame;
    const book = this.book;
    this.stats.books++;
    this.#messages++;
    if (!this.#parser.rangeEquals(f.coinStart, f.coinEnd, this.#coinBytes)) {
      this.stats.skipped++;
      logger.warning(src, "l2Book for another coin skipped");
      return;
    }
    this.capture?.noteBook(f.time);
    this.#conn.silence.onData(recvMono);
    const n = this.#coinBook.apply(BookSource.Slow, f, wallNs);
    const snapshot = this.#coinBook.snapshot;
    logger.latency(this.#wireLabel, this.#ctx!.clock.monoNs() - recvMono, src);
    if (snapshot) {
      this.#conn.stale = false;
      this.#everSynced = true;
      logger.snapshotApplied(src, book.bids.size, book.asks.size, book.updateId);
      logger.synchronized(src, book.updateId, 0); // a full window: in sync at once
      this.#conn.backoff.reset();
    } else {
      const t = this.differ.totals;
      logger.diffStats(src, this.stats.books, t.diffs, this.stats.skipped, n, book.updateId);
      if (t.diffs % 20 === 0) emitKindCounters(logger, src, t.byKind, this.#kindLabels);
    }
    if (book.isCrossed()) {
      this.stats.crossed++;
      logger.warning(src, "crossed book from the venue (best bid >= best ask): applied as sent");
    }
  }
}
