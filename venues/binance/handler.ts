/**
 * `BinanceHandler`: the live Binance diff-depth handler of one symbol, spot or USD-M (WebSocket +
 * REST I/O, reconnects, capture) around the pure parser and the symbol's {@linkcode SymbolBook}
 * (book, `BookSync`, stream, scale, capture: the same keeper the many-symbol handler uses).
 *
 * I/O callbacks (WebSocket events, fetch completions) only queue raw input with its receive
 * time into a preallocated {@linkcode Inbox} and call `ctx.wake()`; `pollOnce` then parses,
 * syncs and applies in arrival order, captures (when capturing, each frame is UTF-8-encoded once,
 * into the capture chunk, parsed there in place, and committed after the book update), and logs
 * `latency("apply")` (parse + sync of one frame) and `latency("wire_to_book")` (receive → book
 * updated). Reconnects use capped jittered
 * exponential backoff; a connection is renewed before Binance's 24 h limit and at once on
 * `serverShutdown`. Server pings are answered by Deno itself. Feed faults: no depth frame for
 * `staleAfterMs` with the socket open marks the book stale and reconnects; frames of another
 * symbol are refused and binary frames ignored (both captured, rate-limited warnings); an error
 * retrying cannot fix sets `fatal` and ends the run. Private pieces: config and URL helpers in
 * `_handler_config.ts`, the WebSocket link (session, backoff, control entries) in
 * `_handler_link.ts`, what one frame does in `_handler_frames.ts`, snapshot requests and what
 * each REST answer does in `_handler_rest.ts`, reply decoding and capture routing in
 * `_handler_snapshot.ts`, fault state and warnings in `_handler_guard.ts`, the scale in
 * `_handler_precision.ts`, the capture opener in `_symbol_capture.ts`, what the handler shows of
 * itself (counters, book, stream, fault state) in `_handler_state.ts`.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { Silence } from "../_silence.ts";
import { FeedGuard } from "./_handler_guard.ts";
import { ParsedFrame } from "./parse.ts";
import { Answer, EXCHANGE_INFO_TAG, SnapshotRequests } from "./_handler_rest.ts";
import { recvSecOf, recvSubNsOf } from "../../market/stream.ts";
import { exchangeInfoUrl } from "./precision.ts";
import { SymbolBook } from "./symbol_book.ts";
import { openSymbolCapture } from "./_symbol_capture.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { SymbolLink } from "./_handler_link.ts";
import { FrameOutcome } from "./_handler_frames.ts";
import { SymbolHandlerState } from "./_handler_state.ts";
import { type BinanceHandlerConfig, defaultStreamUrl } from "./_handler_config.ts";
import { type BinanceMarket, defaultRestUrl, depthPath, marketScheduler } from "./markets.ts";
import { captureEntry, captureLeftovers } from "./_handler_snapshot.ts";

export type { BinanceHandlerConfig } from "./_handler_config.ts";

/** The Binance diff-depth handler of one symbol. */
export class BinanceHandler extends SymbolHandlerState implements EngineHandler {
  /** "binance:<SYMBOL>". */
  readonly name: string;
  /** Upper-case symbol. */
  readonly symbol: string;
  /** Market: "spot" or "usdm" (USD-M futures; `config.market`). */
  readonly market: BinanceMarket;
  /** Stream URL. */
  readonly wsUrl: string;
  /** REST base URL. */
  readonly restUrl: string;
  readonly #cfg: BinanceHandlerConfig;
  readonly #rest: SnapshotRequests;
  readonly #note = [""];
  readonly #link: SymbolLink;
  #lastStatsNs = 0;
  #wasSynced = false;
  #everSynced = false;

  /** Connections opened so far. */
  get connections(): number {
    return this.#link.opened;
  }

  /** True once a connection was opened. */
  get everConnected(): boolean {
    return this.connections > 0;
  }

  /** True once the book was synchronized (snapshot bridged by a diff) at least once. */
  get everSynced(): boolean {
    return this.#everSynced;
  }

  /** Build a handler; nothing happens until `start`. */
  constructor(cfg: BinanceHandlerConfig = {}) {
    const symbol = (cfg.symbol ?? "BTCUSDT").toUpperCase();
    const market = cfg.market ?? "spot";
    const wsUrl = cfg.wsUrl ??
      defaultStreamUrl(symbol.toLowerCase(), cfg.trades === true, market, cfg.depthStream);
    const limit = cfg.snapshotLimit ?? 1000;
    const pf = new ParsedFrame();
    pf.symbol = new TextEncoder().encode(symbol);
    // The scale grows to what exchangeInfo and the wire need (precision.ts).
    const sb = new SymbolBook(symbol, pf, {
      snapshotLimit: limit,
      market,
      ...(cfg.instruments ? { instruments: cfg.instruments } : {}),
      ...(cfg.onSubscriberError ? { onSubscriberError: cfg.onSubscriberError } : {}),
    });
    super(sb, pf, new FeedGuard(cfg.staleAfterMs ?? 10_000, symbol, wsUrl));
    this.#cfg = cfg;
    this.symbol = symbol;
    this.name = `binance:${symbol}`;
    this.market = market;
    this.wsUrl = wsUrl;
    this.restUrl = (cfg.restUrl ?? defaultRestUrl(market)).replace(/\/+$/, "");
    const url = `${this.restUrl}${depthPath(market)}?symbol=${symbol}&limit=${limit}`;
    this.#rest = new SnapshotRequests(url, { ...marketScheduler(market, limit), ...cfg.scheduler, limit });
    this.#link = new SymbolLink(wsUrl, cfg.backoff ?? { baseMs: 250, maxMs: 30_000 }, {
      opened: (mono) => this.guard.silence.arm(mono),
      closed: () => this.guard.silence.disarm(),
      lost: () => this.#lost(),
      drop: (reason, detail) => this.#drop(reason, detail),
      fail: (logger, msg) => this.#fail(logger, msg),
    });
  }

  /** See {@linkcode EngineHandler.start}: opens the capture (if any) and the first connection. */
  async start(ctx: HandlerContext): Promise<void> {
    this.ctx = ctx;
    const { logger, source } = ctx;
    // BookSync logs snapshotApplied / synchronized / resync itself.
    this.symbolBook.attach(logger, source);
    this.frames.labels(logger);
    this.#lastStatsNs = ctx.clock.monoNs();
    const dir = this.#cfg.captureDir;
    if (dir !== undefined) {
      const cap = await openSymbolCapture(
        { ...this.#cfg, captureDir: dir },
        this.symbolBook,
        this.wsUrl,
        this.restUrl,
        ctx.clock,
        logger,
      );
      logger.info(source, `capturing to ${cap.path}`);
    }
    this.#link.open(ctx, this.inbox, this.#cfg);
    // The instrument's tick and lot (weight 2, once); without an answer the wire decides.
    if (this.#cfg.exchangeInfo !== false) {
      this.#link.io.fetchSnapshot(exchangeInfoUrl(this.restUrl, this.symbol), EXCHANGE_INFO_TAG);
    }
  }

  /** See {@linkcode EngineHandler.isDone}. */
  isDone(): boolean {
    if (this.fatal !== undefined) return true;
    return this.#cfg.maxMessages !== undefined && this.messages >= this.#cfg.maxMessages;
  }

  /**
   * See {@linkcode EngineHandler.pollOnce}. Returns undefined when no entry was processed (the
   * inbox is empty, or the handler is done and only a backlog is left: that backlog goes to the
   * capture at `stop`). Frames of a replaced socket (older generation) are captured, not synced.
   */
  pollOnce(logger: Logger): number | undefined {
    const inbox = this.inbox;
    if (inbox.length === 0 || this.isDone()) {
      this.#maybeSnapshot();
      this.#checkSilence(logger, this.ctx.clock.monoNs());
      return undefined;
    }
    const clock = this.ctx.clock;
    const t0 = clock.monoNs();
    let start = t0; // the first frame's apply starts at t0: one clock read saved per poll
    let n = 0;
    while (inbox.length > 0 && n < 1024 && !this.isDone()) {
      const i = inbox.head;
      const kind = inbox.kind(i);
      if (kind === InKind.Message) {
        if (inbox.num(i, 0) === this.#link.io.gen) {
          this.#onFrame(logger, inbox, i, start);
          start = NaN;
        } else if (this.capture) captureEntry(inbox, i, this.pf, this.capture);
      } else this.#onControl(logger, kind, i);
      inbox.shift();
      n++;
    }
    this.#maybeSnapshot();
    const now = clock.monoNs();
    this.#checkSilence(logger, now);
    const stats = this.#cfg.statsIntervalMs ?? 1000;
    if (now - this.#lastStatsNs >= stats * 1e6) {
      this.#lastStatsNs = now;
      this.logStats(logger, this.#rest.sched.spentWeight);
    }
    this.stream.flush();
    return now - t0;
  }

  /**
   * See {@linkcode EngineHandler.stop}: closes the socket (waiting at most `closeTimeoutMs` for
   * the peer's confirmation), then always flushes and closes the capture.
   */
  async stop(): Promise<void> {
    this.#rest.cancel();
    this.guard.silence.cancel();
    try {
      const confirmed = await this.#link.stop();
      if (confirmed === false) {
        this.ctx.logger.warning(this.ctx.source, "stop: the peer did not confirm the close in time");
      }
    } finally {
      if (this.capture) {
        captureLeftovers(this.inbox, this.pf, this.capture);
        this.capture.progress(this.book.updateId, this.sync.resyncs);
        await this.capture.close();
      }
    }
  }

  // `start`: the time already read when this frame's work starts, or NaN to read it here.
  #onFrame(logger: Logger, inbox: Inbox, i: number, start: number): void {
    const ctx = this.ctx;
    const o = this.frames.onFrame(logger, ctx.source, ctx.clock, inbox, i, start);
    if (o === FrameOutcome.Depth) {
      if (!this.#wasSynced && this.sync.isSynced) this.#onSynced();
      else if (!this.sync.isSynced) this.#wasSynced = false; // a resync (a gap, a value beyond 2^53)
    } else if (o === FrameOutcome.Shutdown) {
      this.#link.reconnectNow(ResyncReason.ServerShutdown, "server shutdown");
    }
  }

  #onControl(logger: Logger, kind: number, i: number): void {
    if (kind === InKind.Snapshot) return this.#onSnapshot(logger, i);
    this.#link.onControl(logger, this.ctx.source, this.inbox, kind, i);
  }

  // The connection was lost: the book (if any) is discarded and no longer live.
  #lost(): void {
    if (this.sync.isSynced || this.sync.buffered > 0) {
      this.sync.reset(ResyncReason.Disconnect, "connection lost");
      this.#clearStream();
    }
    if (this.#wasSynced) this.guard.stale = true;
    this.#wasSynced = false;
  }

  #onSnapshot(logger: Logger, i: number): void {
    const note = this.#note;
    const src = this.ctx.source;
    const a = this.#rest.onAnswer(this.inbox, i, this.symbolBook, this.ctx.clock.monoNs(), note);
    if (a === Answer.Fatal) this.#fail(logger, `${note[0]} (${this.restUrl}, ${this.symbol})`);
    else if (a === Answer.Info) logger.info(src, note[0]!);
    else if (a === Answer.Failed) logger.warning(src, note[0]!);
    else if (a === Answer.Applied && this.sync.isSynced && !this.#wasSynced) this.#onSynced();
  }

  #maybeSnapshot(): void {
    if (!this.sync.needsSnapshot || this.#link.stopped || this.fatal !== undefined) return;
    this.#rest.maybeRequest(this.sync, this.#link.io, this.ctx.clock.monoNs(), this.ctx.wake);
  }

  #onSynced(): void {
    this.#wasSynced = true;
    this.#everSynced = true;
    this.guard.stale = false;
    this.#link.backoff.reset();
  }

  // No depth frame for staleAfterMs with the socket open: stale book, reconnect, resync.
  #checkSilence(logger: Logger, now: number): void {
    if (this.#link.stopped || this.fatal !== undefined) return;
    const r = this.guard.checkSilence(logger, this.ctx.source, now);
    if (r !== Silence.None) {
      this.#link.reconnectNow(
        ResyncReason.Disconnect,
        `feed silent for ${this.guard.silence.afterNs / 1e9} s`,
      );
      if (r === Silence.NeverData) this.#rest.probe(this.sync, this.#link.io, now); // a typo: 400, fatal
    }
    this.guard.silence.schedule(now, this.ctx.wake);
  }

  // Retrying cannot fix this: stop reconnecting, log one clear error, be done (non-zero exit).
  #fail(logger: Logger, msg: string): void {
    if (!this.guard.fail(logger, this.ctx.source, msg)) return;
    this.#link.cancel();
    this.#rest.cancel();
  }

  // The book was discarded outside a diff (disconnect, reconnect): tell the stream.
  #clearStream(): void {
    const w = this.ctx.clock.wallNs();
    this.stream.clear(this.sync.lastResyncReason, 0, recvSecOf(w), recvSubNsOf(w));
  }

  // The book is discarded for a reconnect now (serverShutdown, renewal, a silent feed).
  #drop(reason: ResyncReason, detail: string): void {
    this.sync.reset(reason, detail);
    this.guard.silence.disarm();
    this.#clearStream();
    this.#wasSynced = false;
  }
}
