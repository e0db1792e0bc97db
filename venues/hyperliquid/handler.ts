/**
 * The Hyperliquid `l2Book` handler (hft-rs's `ws_hyperliquid`), an {@linkcode EngineHandler}.
 *
 * I/O callbacks only queue raw input ({@linkcode Inbox}) and call `ctx.wake()`; `pollOnce`
 * parses, diffs, updates the {@linkcode L2Book}, captures and logs. Per connection: send the
 * subscription on open, confirm the `subscriptionResponse`, apply the first book as the snapshot
 * and diff every later one ({@linkcode BookDiffer}); after a disconnect the next book is a fresh
 * snapshot. The plain-text greeting is skipped, `error` frames become warnings, malformed frames
 * warnings (still captured). Heartbeat ({@linkcode Heartbeat}): a ping after 50 s without
 * sending, reconnect when the pong is late. Reconnects use {@linkcode Backoff}, reset once a
 * connection delivered its snapshot. A crossed book is applied (it is what the venue sent) and
 * reported as a warning; the next book replaces it. After a disconnect the last window is kept
 * but marked {@linkcode HyperliquidHandler.stale} until the next snapshot. Sends happen only on
 * an OPEN socket; a send that cannot happen is a warning and a reconnect, never a throw. At stop,
 * frames still queued are captured (nothing received is lost from a capture).
 *
 * Events: connected, subscribed, snapshot applied (bids, asks, time), diff stats per book
 * (a = books, b = diffs applied, c = skipped, d = levels changed, e = book time), counters of
 * each change kind every 20 books and at stop, latency `wire_to_book` (receive → book updated),
 * warnings, disconnected, reconnecting.
 *
 * Private pieces: the socket wiring in `_socket.ts`, the counters in `_handler_stats.ts`,
 * `--book-out` in `_book_out.ts`, request texts / capture opening in `_handler_setup.ts`.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { Backoff } from "../backoff.ts";
import { Silence, SilenceWatch } from "../_silence.ts";
import { L2Book } from "../book.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { writeHlBookOut } from "./_book_out.ts";
import { captureLeftovers } from "./_handler_leftovers.ts";
import { emitKindCounters, type HyperliquidStats, newHyperliquidStats } from "./_handler_stats.ts";
import { sendIfOpen, SocketSlot } from "./_socket.ts";
import { openCapture, type SubscriptionTexts, subscriptionTexts, wakePeriodMs } from "./_handler_setup.ts";
import type { HlCapture } from "./capture.ts";
import { checkDepth, HL_DEFAULT_WS_URL, type HyperliquidConfig } from "./config.ts";
import { type BookDiffer, LEVEL_CHANGE_NAMES } from "./diff.ts";
import { BookSource, CoinBook } from "./coin_book.ts";
import { HL_PARSE_ERROR_TEXT, HlFrame, HlMsg, HlParseError } from "./frame.ts";
import { parseAtFittingScale } from "./_precision.ts";
import type { Decimals } from "../binance/precision.ts";
import { Heartbeat, HeartbeatAction } from "./heartbeat.ts";
import { HlParser } from "./parse.ts";
import { HL_GREETING, HL_PING } from "./types.ts";
import { type MarketStream, recvSecOf, recvSubNsOf } from "../../market/stream.ts";
import { ResyncReason } from "../../engine/events.ts";

export type { HyperliquidStats } from "./_handler_stats.ts";

const STATE_IDLE = 0, STATE_CONNECTING = 1, STATE_OPEN = 2, STATE_WAITING = 3, STATE_STOPPED = 4;
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
   * Why the handler gave up, when it met an error retrying cannot fix (a missing permission, an
   * invalid URL); undefined while running. Once set, `isDone()` is true (the run exits 1).
   */
  fatal: string | undefined;
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
  readonly #inbox = new Inbox();
  readonly #sock = new SocketSlot(this.#inbox);
  readonly #hb: Heartbeat;
  readonly #backoff: Backoff;
  #ctx: HandlerContext | undefined;
  #state = STATE_IDLE;
  #messages = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #wireLabel = 0;
  #ioStatsNs = -Infinity;
  #kindLabels: number[] = [];
  #stale = false;
  #everSynced = false;
  readonly #silence: SilenceWatch;
  readonly #fit: Decimals = { priceDecimals: 0, qtyDecimals: 0 };

  /** Validates the config (RangeError on a bad coin, nSigFigs, mantissa or depth). */
  constructor(config: HyperliquidConfig = {}) {
    this.#cfg = config;
    this.wsUrl = config.wsUrl ?? HL_DEFAULT_WS_URL;
    this.coin = config.coin ?? "BTC";
    this.#texts = subscriptionTexts(this.coin, config.nSigFigs, config.mantissa);
    this.name = config.name ?? `hyperliquid:${this.coin}`;
    this.#coinBytes = enc.encode(this.coin);
    this.#hb = new Heartbeat(config.heartbeat);
    this.#backoff = new Backoff(config.backoff);
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
    this.#silence = new SilenceWatch(config.staleAfterMs ?? 10_000);
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
    return this.#hb;
  }

  /**
   * True from a disconnect (or a silent feed) until the next connection's snapshot: {@linkcode book} still holds
   * the last window received, which is no longer live. `writeBookOut` records it as
   * `"stale":true` and logs a warning. Not set by `stop()` (a clean stop keeps the book live).
   */
  get stale(): boolean {
    return this.#stale;
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
    this.#tick = setInterval(() => ctx.wake(), wakePeriodMs(this.#hb));
    this.#connect();
  }

  /** Drain queued input; returns the work time in ns, or undefined when idle. */
  pollOnce(logger: Logger): number | undefined {
    const ctx = this.#ctx;
    if (ctx === undefined || this.isDone()) return undefined;
    const clock = ctx.clock;
    const inbox = this.#inbox;
    let busy = false;
    const t0 = clock.monoNs();
    while (inbox.length > 0 && this.#state !== STATE_STOPPED) {
      busy = true;
      const i = inbox.head;
      const kind = inbox.kind(i);
      if (kind === InKind.Message) {
        this.#onMessage(logger, ctx.source, inbox.text(i), inbox.wallNs(i), inbox.monoNs(i));
      } else if (kind === InKind.Open) this.#onOpen(logger, ctx.source, inbox.wallNs(i));
      else if (kind === InKind.Close) this.#onClose(logger, ctx.source, inbox.num(i, 0), inbox.text(i));
      else if (kind === InKind.Fatal) this.#fail(logger, ctx.source, inbox.text(i));
      else logger.warning(ctx.source, inbox.text(i));
      inbox.shift();
      if (this.isDone()) break;
    }
    const ws = this.#sock.current;
    if (this.#state === STATE_OPEN && ws !== undefined) {
      const now = clock.monoNs();
      if (this.#silence.poll(now) !== Silence.None) {
        const s = this.#silence.afterNs / 1e9;
        logger.warning(
          ctx.source,
          `no l2Book for ${this.coin} for ${s} s with the socket open: book stale; reconnecting`,
        );
        this.#abandon(4000, "feed silent");
        return clock.monoNs() - t0;
      }
      this.#silence.schedule(now, ctx.wake);
      const action = this.#hb.poll(clock.monoNs());
      if (action === HeartbeatAction.SendPing) {
        busy = true;
        if (!sendIfOpen(ws, HL_PING)) {
          logger.warning(ctx.source, "cannot send ping (socket not open): reconnecting");
          this.#abandon(4000, "ping send failed");
        }
      } else if (action === HeartbeatAction.Timeout) {
        busy = true;
        this.stats.pongTimeouts++;
        logger.warning(ctx.source, "no pong within the heartbeat timeout: reconnecting");
        this.#abandon(4000, "pong timeout");
      }
    }
    if (busy && t0 - this.#ioStatsNs >= 1e9) {
      this.#ioStatsNs = t0;
      logger.ioStats(ctx.source, inbox.textUnits, this.capture?.bytesWritten ?? 0, 0);
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
    if (this.#state === STATE_STOPPED) return;
    this.#state = STATE_STOPPED;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#tick !== undefined) clearInterval(this.#tick);
    this.#timer = this.#tick = undefined;
    this.#silence.cancel();
    this.#sock.drop(1000, "stop");
    const cap = this.capture;
    if (cap !== undefined) captureLeftovers(this.#inbox, this.#parser, this.#frame, this.#coinBytes, cap);
    try {
      // Wait for every socket's close handshake, bounded: a dead peer must not hang the stop.
      if (this.#sock.pending > 0) await this.#sock.settle(this.#cfg.closeTimeoutMs ?? 3000);
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
    if (this.#stale && ctx !== undefined) {
      ctx.logger.warning(ctx.source, 'book-out: stale book (disconnected, no snapshot since): "stale":true');
    }
    return writeHlBookOut(path, this.book, this.differ, this.coin, this.#stale, this.stream.instrument);
  }

  // ---- connection ------------------------------------------------------------------------

  #connect(): void {
    const ctx = this.#ctx!;
    this.#timer = undefined;
    if (this.#state === STATE_STOPPED) return;
    this.#state = STATE_CONNECTING;
    this.#sock.open(this.wsUrl, ctx);
  }

  // Give up on the current socket now (its later events are ignored) and reconnect.
  #abandon(code: number, reason: string): void {
    this.#sock.drop(code, reason);
    const ctx = this.#ctx!;
    this.#onClose(ctx.logger, ctx.source, code, reason);
  }

  #onOpen(logger: Logger, src: number, wallNs: number): void {
    const ws = this.#sock.current;
    if (ws === undefined) return;
    if (ws.readyState !== WebSocket.OPEN) {
      // An open and a close queued together: nothing can be sent; reconnect.
      logger.warning(src, "socket closed before the subscribe was sent: reconnecting");
      this.#abandon(4000, "closed before subscribe");
      return;
    }
    this.#state = STATE_OPEN;
    this.stats.connections++;
    logger.connected(src, this.wsUrl);
    this.#coinBook.forget();
    this.capture?.noteConnection(wallNs);
    const now = this.#ctx!.clock.monoNs();
    this.#hb.reset(now);
    this.#silence.arm(now);
    if (
      !sendIfOpen(ws, this.#texts.subscribe) ||
      (this.#cfg.trades && !sendIfOpen(ws, this.#texts.subscribeTrades))
    ) {
      logger.warning(src, "cannot send the subscribe (socket not open): reconnecting");
      this.#abandon(4000, "subscribe send failed");
      return;
    }
    this.#hb.onSent(now);
  }

  // Retrying cannot fix this: log one clear error and be done (the run exits non-zero).
  #fail(logger: Logger, src: number, msg: string): void {
    if (this.fatal !== undefined) return;
    this.fatal = msg;
    this.#silence.disarm();
    logger.error(src, `${msg}; stopping (retrying cannot fix this)`);
  }

  #onClose(logger: Logger, src: number, code: number, reason: string): void {
    if (this.#state === STATE_STOPPED || this.#state === STATE_WAITING) return;
    this.#sock.current = undefined;
    this.#silence.disarm();
    this.#stale = true;
    const w = this.#ctx!.clock.wallNs();
    this.stream.clear(ResyncReason.Disconnect, 0, recvSecOf(w), recvSubNsOf(w));
    logger.disconnected(src, code, reason);
    this.#state = STATE_WAITING;
    const delay = this.#backoff.next();
    this.stats.reconnects++;
    logger.reconnecting(src, this.#backoff.attempt, delay);
    this.#timer = setTimeout(() => this.#connect(), delay);
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
      case HlMsg.SubscriptionResponse:
        if (f.subType === 1 && p.rangeEquals(f.coinStart, f.coinEnd, this.#coinBytes)) {
          this.stats.subscribed++;
          logger.subscribed(src, this.#texts.subText);
        } else if (f.subType === 2) logger.subscribed(src, "trades");
        else logger.warning(src, `unexpected subscriptionResponse: ${data}`);
        break;
      case HlMsg.Pong:
        this.#hb.onPong(this.#ctx!.clock.monoNs());
        break;
      case HlMsg.Error:
        this.stats.venueErrors++;
        if (this.capture) this.capture.meta.errors++;
        logger.warning(src, `venue error: ${p.text(f.textStart, f.textEnd)}`);
        break;
      case HlMsg.Text:
        if (data === HL_GREETING) {
          if (this.capture) this.capture.meta.greetings++;
          logger.info(src, "greeting skipped");
        } else logger.warning(src, `unexpected text frame: ${data}`);
        break;
      case HlMsg.Malformed:
        this.stats.malformed++;
        this.stats.skipped++;
        if (this.capture) this.capture.meta.malformed++;
        logger.warning(src, HL_PARSE_ERROR_TEXT[f.error]!);
        break;
      default:
        logger.warning(src, "unknown message ignored");
    }
  }

  // A value the scale in force cannot hold: parse again at a scale that does (`_precision.ts`).
  // Every l2Book is a whole window, so the book restarts from this frame as a snapshot at the new
  // scale. A value beyond 2^53 at any scale: an error event and a `clear` (reason precision).
  #fitScale(logger: Logger, src: number, data: string, wallNs: number): HlMsg {
    const cb = this.#coinBook;
    const k = parseAtFittingScale(this.#parser, this.#frame, data, cb.decimals, cb.base, this.#fit);
    if (k !== HlMsg.Malformed) {
      cb.rescale(this.#fit);
      this.capture?.noteScale(this.#fit);
      logger.info(src, `rescaled to 10^-${this.#fit.priceDecimals} / 10^-${this.#fit.qtyDecimals}`);
      return k;
    }
    logger.error(src, "a value cannot be held exactly at any scale (beyond 2^53): book dropped, resync");
    cb.forget(); // the next window that fits is a snapshot
    this.book.clear();
    this.stream.clear(ResyncReason.Precision, 0, recvSecOf(wallNs), recvSubNsOf(wallNs));
    return HlMsg.Malformed;
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
    this.#silence.onData(recvMono);
    const n = this.#coinBook.apply(BookSource.Slow, f, wallNs);
    const snapshot = this.#coinBook.snapshot;
    logger.latency(this.#wireLabel, this.#ctx!.clock.monoNs() - recvMono, src);
    if (snapshot) {
      this.#stale = false;
      this.#everSynced = true;
      logger.snapshotApplied(src, book.bids.size, book.asks.size, book.updateId);
      logger.synchronized(src, book.updateId, 0); // a full window: in sync at once
      this.#backoff.reset();
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
