/**
 * `BinanceHandler`: the live Binance spot diff-depth handler (WebSocket + REST I/O, reconnects,
 * capture) around the pure parser and `BookSync`.
 *
 * I/O callbacks (WebSocket events, fetch completions) only queue raw input with its receive
 * time into a preallocated {@linkcode Inbox} and call `ctx.wake()`; `pollOnce` then parses,
 * syncs and applies in arrival order, captures, and logs `latency("apply")` (parse + sync of one
 * frame) and `latency("wire_to_book")` (receive → book updated). Reconnects use capped jittered
 * exponential backoff; a connection is renewed before Binance's 24 h limit and at once on
 * `serverShutdown`. Server pings are answered by Deno itself.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { L2Book } from "../book.ts";
import { writeBookJson } from "../book_json.ts";
import { FrameKind, ParsedFrame, parseFrame, parseSnapshot } from "./parse.ts";
import { SnapshotScheduler, type SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
import { BookSync, DiffResult } from "./sync.ts";
import { isParseError, PRICE_SCALE, QTY_SCALE } from "./types.ts";
import { BinanceCapture } from "./capture.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { WsSession } from "./_ws_session.ts";

/** Configuration of {@linkcode BinanceHandler}. */
export interface BinanceHandlerConfig {
  /** Symbol, any case (default "BTCUSDT"). */
  symbol?: string;
  /** Full stream URL (default `wss://stream.binance.com:9443/ws/<s>@depth@100ms`, or the combined form with `trades`). */
  wsUrl?: string;
  /** REST base URL (default `https://api.binance.com`). */
  restUrl?: string;
  /** Also subscribe to `<s>@trade` (combined stream) and capture trades. */
  trades?: boolean;
  /** REST snapshot depth (default 1000). */
  snapshotLimit?: number;
  /** Stop after this many market-data messages (depth + trades). */
  maxMessages?: number;
  /** Capture root directory (`--capture-dir`). */
  captureDir?: string;
  /** Capture session label (default epoch ms). */
  captureSession?: string;
  /** Reconnect backoff (default base 250 ms, max 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** Snapshot pacing policy. */
  scheduler?: SnapshotSchedulerOptions;
  /** Renew the connection after this long, ms (default 23.5 h; Binance closes at 24 h). */
  maxConnectionMs?: number;
  /** Emit diffStats at most this often, ms (default 1000). */
  statsIntervalMs?: number;
  /** Redirects followed per connect (default 3). */
  maxRedirects?: number;
}

/** The Binance spot diff-depth handler. */
export class BinanceHandler implements EngineHandler {
  /** "binance:<SYMBOL>". */
  readonly name: string;
  /** Upper-case symbol. */
  readonly symbol: string;
  /** Stream URL. */
  readonly wsUrl: string;
  /** REST base URL. */
  readonly restUrl: string;
  /** The local book. */
  readonly book = new L2Book();
  /** The sync state machine (counters live here); replaced by one with the logger at `start`. */
  sync: BookSync;
  /** Market-data messages processed (depth + trades). */
  messages = 0;
  /** Malformed frames seen. */
  malformed = 0;
  /** The capture session, when capturing (after start). */
  capture: BinanceCapture | null = null;
  readonly #cfg: BinanceHandlerConfig;
  readonly #inbox = new Inbox();
  readonly #pf = new ParsedFrame();
  readonly #sched: SnapshotScheduler;
  readonly #backoff: Backoff;
  #ctx!: HandlerContext;
  #io!: WsSession;
  #stopped = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #snapTimer: ReturnType<typeof setTimeout> | undefined;
  #applyLabel = 0;
  #wireLabel = 0;
  #lastStatsNs = 0;
  #wasSynced = false;

  /** Connections opened so far. */
  get connections(): number {
    return this.#io?.opened ?? 0;
  }

  /** Build a handler; nothing happens until `start`. */
  constructor(cfg: BinanceHandlerConfig = {}) {
    this.#cfg = cfg;
    this.symbol = (cfg.symbol ?? "BTCUSDT").toUpperCase();
    this.name = `binance:${this.symbol}`;
    const s = this.symbol.toLowerCase();
    this.wsUrl = cfg.wsUrl ??
      (cfg.trades
        ? `wss://stream.binance.com:9443/stream?streams=${s}@depth@100ms/${s}@trade`
        : `wss://stream.binance.com:9443/ws/${s}@depth@100ms`);
    this.restUrl = (cfg.restUrl ?? "https://api.binance.com").replace(/\/+$/, "");
    const limit = cfg.snapshotLimit ?? 1000;
    this.sync = new BookSync(this.book, { snapshotLimit: limit });
    this.#sched = new SnapshotScheduler({ ...cfg.scheduler, limit });
    this.#backoff = new Backoff(cfg.backoff ?? { baseMs: 250, maxMs: 30_000 });
  }

  /** See {@linkcode EngineHandler.start}: opens the capture (if any) and the first connection. */
  async start(ctx: HandlerContext): Promise<void> {
    this.#ctx = ctx;
    const { logger, source } = ctx;
    // BookSync logs snapshotApplied / synchronized / resync itself.
    this.sync = new BookSync(this.book, {
      snapshotLimit: this.sync.snapshotLimit,
      logger,
      source,
    });
    this.#applyLabel = logger.intern("apply");
    this.#wireLabel = logger.intern("wire_to_book");
    this.#lastStatsNs = ctx.clock.monoNs();
    if (this.#cfg.captureDir !== undefined) {
      const opts = {
        dir: this.#cfg.captureDir,
        symbol: this.symbol,
        wsUrl: this.wsUrl,
        restUrl: this.restUrl,
        clock: ctx.clock,
        onError: (m: string) => logger.error(source, `capture: ${m}`),
      };
      this.capture = await BinanceCapture.open(
        this.#cfg.captureSession !== undefined ? { ...opts, session: this.#cfg.captureSession } : opts,
      );
      logger.info(source, `capturing to ${this.capture.path}`);
    }
    this.#io = new WsSession({
      url: this.wsUrl,
      inbox: this.#inbox,
      clock: ctx.clock,
      wake: ctx.wake,
      maxHops: this.#cfg.maxRedirects ?? 3,
      maxConnectionMs: this.#cfg.maxConnectionMs ?? 23.5 * 3600_000,
    });
    this.#io.open();
  }

  /** See {@linkcode EngineHandler.isDone}. */
  isDone(): boolean {
    return this.#cfg.maxMessages !== undefined && this.messages >= this.#cfg.maxMessages;
  }

  /** See {@linkcode EngineHandler.pollOnce}. */
  pollOnce(logger: Logger): number | undefined {
    const inbox = this.#inbox;
    if (inbox.length === 0) {
      this.#maybeSnapshot();
      return undefined;
    }
    const clock = this.#ctx.clock;
    const t0 = clock.monoNs();
    let n = 0;
    while (inbox.length > 0 && n < 1024 && !this.isDone()) {
      const i = inbox.head;
      const kind = inbox.kind(i);
      if (kind === InKind.Message) this.#onFrame(logger, inbox.text(i), inbox.monoNs(i), inbox.wallNs(i));
      else this.#onControl(logger, kind, i);
      inbox.shift();
      n++;
    }
    this.#maybeSnapshot();
    const now = clock.monoNs();
    const stats = this.#cfg.statsIntervalMs ?? 1000;
    if (now - this.#lastStatsNs >= stats * 1e6) {
      this.#lastStatsNs = now;
      const s = this.sync;
      logger.diffStats(
        this.#ctx.source,
        s.received,
        s.applied,
        s.skipped,
        s.levelsChanged,
        this.book.updateId,
      );
      this.capture?.progress(this.book.updateId, s.resyncs);
    }
    return now - t0;
  }

  /** See {@linkcode EngineHandler.stop}: closes the socket, flushes and closes the capture. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#snapTimer);
    await this.#io?.stop();
    if (this.capture) {
      this.#captureLeftovers(this.capture);
      this.capture.progress(this.book.updateId, this.sync.resyncs);
      await this.capture.close();
    }
  }

  // Frames received but not processed (e.g. after --max-messages) still go to the capture.
  #captureLeftovers(capture: BinanceCapture): void {
    const inbox = this.#inbox;
    const pf = this.#pf;
    for (; inbox.length > 0; inbox.shift()) {
      const i = inbox.head;
      if (inbox.kind(i) !== InKind.Message) continue;
      const raw = inbox.text(i);
      const kind = parseFrame(raw, pf);
      if (kind === FrameKind.Depth) capture.diff(raw, inbox.wallNs(i), pf.diff.firstId, pf.diff.lastId);
      else if (kind === FrameKind.Malformed) capture.diff(raw, inbox.wallNs(i), 0, 0);
      else if (kind === FrameKind.Trade || kind === FrameKind.AggTrade) capture.trade(raw, inbox.wallNs(i));
      else capture.other(raw, inbox.wallNs(i));
    }
  }

  /** Write the book as `--book-out` JSON (8-decimal strings, as Binance sends them). */
  writeBookOut(path: string): Promise<void> {
    return writeBookJson(path, this.book, {
      venue: "binance",
      symbol: this.symbol,
      priceScale: PRICE_SCALE,
      qtyScale: QTY_SCALE,
    });
  }

  #onFrame(logger: Logger, raw: string, recvMono: number, recvWall: number): void {
    const clock = this.#ctx.clock;
    const t0 = clock.monoNs();
    const pf = this.#pf;
    const kind = parseFrame(raw, pf);
    if (kind === FrameKind.Depth) {
      this.messages++;
      const r = this.sync.onDiff(pf.diff);
      const t1 = clock.monoNs();
      logger.latency(this.#applyLabel, t1 - t0, this.#ctx.source);
      if (r === DiffResult.Applied) logger.latency(this.#wireLabel, t1 - recvMono, this.#ctx.source);
      // Capture after the book is updated: a memcpy into the chunk, off wire_to_book.
      this.capture?.diff(raw, recvWall, pf.diff.firstId, pf.diff.lastId);
      if (!this.#wasSynced && this.sync.isSynced) {
        this.#wasSynced = true;
        this.#backoff.reset();
      } else if (r === DiffResult.Resync) this.#wasSynced = false;
    } else if (kind === FrameKind.Trade || kind === FrameKind.AggTrade) {
      this.messages++;
      this.capture?.trade(raw, recvWall);
    } else if (kind === FrameKind.Malformed) {
      this.malformed++;
      this.capture?.diff(raw, recvWall, 0, 0);
      logger.warning(this.#ctx.source, "malformed frame ignored: " + pf.reason);
    } else {
      this.capture?.other(raw, recvWall);
      if (kind === FrameKind.ServerShutdown) {
        logger.warning(this.#ctx.source, "serverShutdown received: reconnecting now");
        this.#reconnectNow(ResyncReason.ServerShutdown, "server shutdown");
      } else if (kind === FrameKind.ErrorReply) {
        logger.warning(this.#ctx.source, "error reply: " + pf.errorMsg);
      }
    }
  }

  #onControl(logger: Logger, kind: number, i: number): void {
    const inbox = this.#inbox;
    const src = this.#ctx.source;
    if (kind === InKind.Snapshot) return this.#onSnapshot(logger, i);
    const gen = inbox.num(i, 0);
    if (kind === InKind.Renew) {
      if (gen !== this.#io.gen || this.#stopped) return;
      logger.info(src, "renewing the connection before the 24 h limit");
      return this.#reconnectNow(ResyncReason.Disconnect, "planned reconnect (24 h limit)");
    }
    if (kind === InKind.Open) {
      logger.connected(src, inbox.text(i));
      logger.subscribed(src, streamsOf(inbox.text(i)));
      return;
    }
    if (kind === InKind.Close) logger.disconnected(src, inbox.num(i, 1), inbox.text(i));
    else logger.warning(src, "connect failed: " + inbox.text(i));
    if (gen !== this.#io.gen || this.#stopped) return; // an old connection, already replaced
    this.#io.closedByPeer();
    if (this.sync.isSynced || this.sync.buffered > 0) {
      this.sync.reset(ResyncReason.Disconnect, "connection lost");
    }
    this.#wasSynced = false;
    const delay = this.#backoff.next();
    logger.reconnecting(src, this.#backoff.attempt, delay);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#io.open(), delay);
  }

  #onSnapshot(logger: Logger, i: number): void {
    const inbox = this.#inbox;
    const status = inbox.num(i, 0);
    const retry = inbox.num(i, 1);
    const used = inbox.num(i, 2);
    const now = this.#ctx.clock.monoNs();
    const body = inbox.text(i);
    const snap = status === 200 ? parseSnapshot(body) : null;
    const ok = snap !== null && !isParseError(snap);
    this.#sched.onResponse(
      now,
      status === 200 && !ok ? 0 : status,
      Number.isNaN(retry) ? undefined : retry,
      Number.isNaN(used) ? undefined : used,
    );
    if (!ok) {
      this.sync.snapshotFailed();
      const why = snap !== null && isParseError(snap) ? `bad body (${snap.error})` : `HTTP ${status} ${body}`;
      logger.warning(this.#ctx.source, `snapshot failed: ${why}`);
      return;
    }
    this.capture?.snapshot(body, snap.lastUpdateId, inbox.wallNs(i));
    this.sync.onSnapshot(snap);
    if (this.sync.isSynced && !this.#wasSynced) {
      this.#wasSynced = true;
      this.#backoff.reset();
    }
  }

  #maybeSnapshot(): void {
    if (!this.sync.needsSnapshot || this.#stopped) return;
    const clock = this.#ctx.clock;
    const now = clock.monoNs();
    const at = this.#sched.nextAllowedNs(now);
    if (at > now) {
      if (this.#snapTimer === undefined) {
        this.#snapTimer = setTimeout(() => {
          this.#snapTimer = undefined;
          this.#ctx.wake();
        }, Math.ceil((at - now) / 1e6));
      }
      return;
    }
    this.sync.snapshotRequested();
    this.#sched.onRequest(now);
    const url = `${this.restUrl}/api/v3/depth?symbol=${this.symbol}&limit=${this.sync.snapshotLimit}`;
    this.#io.fetchSnapshot(url);
  }

  #reconnectNow(reason: ResyncReason, detail: string): void {
    this.sync.reset(reason, detail);
    this.#wasSynced = false;
    clearTimeout(this.#reconnectTimer);
    this.#io.close(detail);
    this.#io.open();
  }
}

// The stream names of a raw (`/ws/a/b`) or combined (`/stream?streams=a/b`) URL. Allocates.
function streamsOf(url: string): string {
  try {
    const u = new URL(url);
    const combined = u.searchParams.get("streams");
    if (combined !== null) return combined.split("/").join(",");
    const at = u.pathname.indexOf("/ws/");
    return at < 0 ? u.pathname : u.pathname.slice(at + 4).split("/").join(",");
  } catch {
    return url;
  }
}
