/**
 * `BinanceMultiHandler`: many Binance symbols — spot or USD-M futures (`market`) — in one
 * {@linkcode EngineHandler}. Each symbol has its own {@linkcode SymbolBook} (book, `BookSync` with
 * the market's rules, stream, scale, capture, stale state): it buffers, snapshots and resyncs
 * alone — a gap, a bad value (one beyond 2^53 included) or a silent feed in one symbol never
 * clears another's book nor asks another snapshot. Streams are spread over connections within
 * the venue's limits (`stream_plan.ts`: ≤ 1024 streams per connection; SUBSCRIBE messages paced
 * per connection; connection attempts paced at 300 per 5 minutes). A frame is read at its
 * symbol's scale into its symbol's capture (`_multi_frames.ts`) and routed by its `s` without
 * allocating. Snapshots of all symbols share one REST weight budget from `exchangeInfo`
 * (`_multi_rest.ts`, which also sets each symbol's tick and lot), resyncs of synchronized symbols
 * first, then the others in symbol order. A dropped connection clears only its own symbols. The
 * warm-up is logged (symbols synchronized, and when all are). Captures: `_symbol_capture.ts`.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import type { L2Book } from "../book.ts";
import type { MarketStream } from "../../market/stream.ts";
import { SendPacer } from "../hyperliquid/send_pacer.ts";
import { WarnLimit } from "../_warn_limit.ts";
import { FrameKind, ParsedFrame } from "./parse.ts";
import { DiffResult } from "./sync.ts";
import { type Inbox, InKind } from "./_inbox.ts";
import type { FrameData } from "../capture_writer.ts";
import type { SymbolBook } from "./symbol_book.ts";
import { BINANCE_WS_LIMITS } from "./stream_plan.ts";
import { buildMulti } from "./_multi_setup.ts";
import type { MultiConn } from "./_multi_conn.ts";
import { MultiLinks } from "./_multi_links.ts";
import { MultiWatch } from "./_multi_watch.ts";
import { MultiSnapshots } from "./_multi_rest.ts";
import { type BinanceMultiConfig, type BinanceMultiStats, newMultiStats } from "./_multi_config.ts";
import { writeBooksOut } from "./_multi_book_out.ts";
import { MultiFrames } from "./_multi_frames.ts";
import { DirtyStreams } from "./_multi_dirty.ts";
import { captureLost, captureProgress, closeCaptures, openCaptures } from "./_symbol_capture.ts";
import { defaultRestUrl } from "./markets.ts";

export type { BinanceMultiConfig, BinanceMultiStats } from "./_multi_config.ts";

/** Live Binance handler of many symbols (spot or USD-M). */
export class BinanceMultiHandler implements EngineHandler {
  /** "binance:<FIRST>+<n-1>". */
  readonly name: string;
  /** One keeper per symbol, in `symbols` order. */
  readonly books: SymbolBook[];
  /** The connections. */
  readonly conns: MultiConn[];
  readonly #links: MultiLinks;
  /** Snapshot requests under one weight budget. */
  readonly rest: MultiSnapshots;
  /** Counters. */
  readonly stats: BinanceMultiStats = newMultiStats();

  readonly #cfg: BinanceMultiConfig;
  readonly #frames: MultiFrames;
  readonly #unknown = new WarnLimit();
  readonly #watch: MultiWatch;
  #ctx: HandlerContext | undefined;
  #src: number[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #startNs = 0;
  #lastStatsNs = 0;
  #stopped = false;
  #fatal: string | undefined;
  readonly #maxBacklog: number;
  readonly #dirty: DirtyStreams;
  #flushAll = false;

  /** Plans the connections; RangeError on bad symbols or a plan beyond the venue's limits. */
  constructor(cfg: BinanceMultiConfig) {
    this.#cfg = cfg;
    const wake = (): void => this.#ctx?.wake();
    const clock = { monoNs: () => this.#ctx!.clock.monoNs(), wallNs: () => this.#ctx!.clock.wallNs() };
    const pf = new ParsedFrame();
    const parts = buildMulti(cfg, pf, clock, wake);
    this.books = parts.books;
    this.conns = parts.conns;
    this.rest = parts.rest;
    this.#frames = new MultiFrames(this.books, pf);
    this.#dirty = new DirtyStreams(this.books.length);
    this.#maxBacklog = cfg.maxBacklog ?? 1 << 16;
    if (!(this.#maxBacklog >= 1)) throw new RangeError("maxBacklog must be >= 1");
    this.#watch = new MultiWatch(this.books.length, (cfg.staleAfterMs ?? 10_000) * 1e6);
    const per5Min = cfg.connectsPer5Min ?? BINANCE_WS_LIMITS.connectsPer5Min;
    this.#links = new MultiLinks(this.conns, this.books, this.stats, per5Min, {
      ctx: () => this.#ctx,
      halted: () => this.#stopped || this.#fatal !== undefined,
      fail: (logger, msg) => this.#fail(logger, msg),
    });
    const n = this.books.length;
    this.name = `binance:${this.books[0]!.symbol}${n > 1 ? `+${n - 1}` : ""}`;
  }

  /** The first symbol's book (the live page samples one book). */
  get book(): L2Book {
    return this.books[0]!.book;
  }
  /** The first symbol's stream. */
  get stream(): MarketStream {
    return this.books[0]!.stream;
  }
  /** Every symbol's stream, in `symbols` order (`--updates-out`). */
  get streams(): MarketStream[] {
    return this.books.map((b) => b.stream);
  }
  /** Connection attempts (300 per 5 minutes). */
  get connects(): SendPacer {
    return this.#links.connects;
  }
  /** Why the run must end (an error retrying cannot fix), or undefined. */
  get fatal(): string | undefined {
    return this.#fatal;
  }
  /** Why input was lost (a capture stopped writing), or undefined. */
  get inputLost(): string | undefined {
    return captureLost(this.books);
  }
  /** Symbols never synchronized in this run. */
  neverSynchronized(): string[] {
    return this.books.filter((b) => !b.everSynced).map((b) => b.symbol);
  }

  /**
   * Open the captures (if any), ask `exchangeInfo` for the weight budget and the symbols' tick and
   * lot (unless the budget is configured) and open every connection (paced).
   */
  async start(ctx: HandlerContext): Promise<void> {
    this.#ctx = ctx;
    this.#src = this.books.map((b) => ctx.logger.intern(`binance:${b.symbol}`));
    this.books.forEach((b, i) => b.attach(ctx.logger, this.#src[i]!));
    const restUrl = this.#cfg.restUrl ?? defaultRestUrl(this.#cfg.market ?? "spot");
    await openCaptures(this.#cfg, this.books, this.conns, restUrl, ctx.clock, ctx.logger);
    this.#startNs = this.#lastStatsNs = ctx.clock.monoNs();
    const every = Math.min(1000, this.#cfg.staleAfterMs ?? 10_000, this.#cfg.statsIntervalMs ?? 1000);
    this.#tick = setInterval(() => ctx.wake(), Math.max(10, every));
    if (this.#cfg.weightPerMinute !== undefined) {
      this.rest.setBudget(ctx.logger, ctx.source, this.#cfg.weightPerMinute, "configured");
    } else this.rest.fetchInfo();
    this.#links.openAll();
  }

  /** See {@linkcode EngineHandler.isDone}. */
  isDone(): boolean {
    if (this.#fatal !== undefined) return true;
    const max = this.#cfg.maxMessages;
    return max !== undefined && this.stats.messages >= max;
  }

  /** Drain every connection and the REST answers, send due SUBSCRIBEs and snapshot requests. */
  pollOnce(logger: Logger): number | undefined {
    const ctx = this.#ctx;
    if (ctx === undefined || this.#stopped) return undefined;
    const t0 = ctx.clock.monoNs();
    let busy = false;
    for (let k = 0; k < this.conns.length; k++) {
      const c = this.conns[k]!;
      const inbox = c.inbox;
      let skip = inbox.length > this.#maxBacklog ? this.#links.shed(c, logger, inbox.length) : 0;
      if (skip > 0) this.#flushAll = true;
      while (inbox.length > 0 && !this.isDone()) {
        busy = true;
        const i = inbox.head;
        const kind = inbox.kind(i);
        if (kind === InKind.Message) {
          if (inbox.num(i, 0) === c.io.gen && skip === 0) this.#onFrame(c, logger, inbox, i);
          else this.#frames.captureOnly(inbox, i, c.plan.symbols[0]!); // old socket's, or shed
          if (skip > 0) skip--;
        } else {
          this.#flushAll = true;
          this.#links.onControl(c, logger, kind, i);
        }
        inbox.shift();
      }
      this.#links.sendDue(c, t0);
    }
    const rin = this.rest.inbox;
    for (; rin.length > 0; rin.shift()) {
      busy = true;
      this.#flushAll = true;
      this.#onReply(logger, rin.head);
    }
    if (!this.#stopped && this.#fatal === undefined) this.rest.pump(this.books, ctx.clock.monoNs());
    const now = ctx.clock.monoNs();
    if (now - this.#lastStatsNs >= (this.#cfg.statsIntervalMs ?? 1000) * 1e6) {
      this.#flushAll = true;
      this.#periodic(logger, now);
    }
    this.#dirty.flush(this.books, this.#flushAll);
    this.#flushAll = false;
    return busy ? now - t0 : undefined;
  }

  /** Close every connection and abort REST requests (bounded waits), then the captures. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#tick);
    try {
      await Promise.all([this.#links.stop(), this.rest.stop()]);
    } finally {
      await closeCaptures(this.books, this.conns, this.#frames);
    }
  }

  /**
   * `--book-out`: one symbol → the object of `BinanceHandler`; several → `{"books":[…]}` in
   * `symbols` order. Stale books carry `"stale":true` (and a warning).
   */
  writeBookOut(path: string): Promise<void> {
    return writeBooksOut(path, this.books, this.#ctx?.logger, this.#src);
  }

  // The frame at inbox slot `i`: its UTF-8 bytes are parsed in place (a non-text frame is captured only).
  #onFrame(c: MultiConn, logger: Logger, inbox: Inbox, i: number): void {
    const mono = inbox.monoNs(i), wall = inbox.wallNs(i);
    c.lastFrameNs = mono;
    const fr = this.#frames;
    const home = c.plan.symbols[0]!;
    if (!inbox.hasBytes(i)) {
      this.stats.binary++;
      return fr.binary(inbox.text(i) as FrameData, home, wall);
    }
    const kind = fr.parse(inbox.bytes, inbox.start(i), inbox.end(i), home, wall);
    const pf = fr.pf;
    const dirty = this.#dirty;
    if (fr.peeked >= 0) dirty.mark(fr.peeked);
    if (fr.symbol >= 0) dirty.mark(fr.symbol);
    if (kind === FrameKind.Depth || kind === FrameKind.Trade || kind === FrameKind.AggTrade) {
      const i = fr.symbol;
      if (i < 0) {
        fr.commit(kind, wall);
        return this.#onUnknown(logger, mono);
      }
      this.stats.messages++;
      const b = this.books[i]!;
      if (kind !== FrameKind.Depth) {
        b.onTrade(pf.trade, wall);
        return fr.commit(kind, wall);
      }
      const r = b.onDiff(pf.diff, mono, wall);
      fr.commit(kind, wall);
      if ((r === DiffResult.Buffered || r === DiffResult.Resync) && b.sync.needsSnapshot) {
        this.rest.order.want(i);
      }
      if (r === DiffResult.Applied && c.backoff.attempt !== 0) c.backoff.reset();
      if (b.everSynced && !this.rest.order.everSynced(i)) this.#onFirstSync(i, mono);
      return;
    }
    fr.commit(kind, wall);
    if (kind === FrameKind.Malformed) {
      this.stats.malformed++;
      const i = fr.symbol;
      logger.warning(i >= 0 ? this.#src[i]! : this.#ctx!.source, "malformed frame ignored: " + pf.reason);
    } else if (kind === FrameKind.ErrorReply) {
      this.stats.errorReplies++;
      logger.warning(this.#ctx!.source, "error reply: " + pf.errorMsg);
    } else if (kind === FrameKind.ServerShutdown) {
      logger.warning(this.#ctx!.source, "serverShutdown received: reconnecting now");
      this.#flushAll = true;
      this.#links.reconnectNow(c, ResyncReason.ServerShutdown, "server shutdown");
    }
  }

  #onUnknown(logger: Logger, mono: number): void {
    this.stats.unknownSymbol++;
    const n = this.#unknown.hit(mono);
    if (n > 0) logger.warning(this.#ctx!.source, `${n} frame(s) of a symbol not asked for: ignored`);
  }

  #onFirstSync(i: number, mono: number): void {
    this.rest.order.synced(i);
    if (++this.stats.everSynced === this.books.length) this.stats.warmupNs = mono - this.#startNs;
  }

  #onReply(logger: Logger, slot: number): void {
    const ctx = this.#ctx!;
    const i = this.rest.onReply(logger, slot, this.books, this.#src, ctx.source, ctx.clock.monoNs());
    if (this.rest.fatal !== undefined) return this.#fail(logger, this.rest.fatal);
    if (i >= 0 && this.books[i]!.everSynced && !this.rest.order.everSynced(i)) {
      this.#onFirstSync(i, ctx.clock.monoNs());
    }
  }

  // Stats, warm-up progress, silence of symbols (MultiWatch) and of connections.
  #periodic(logger: Logger, now: number): void {
    this.#lastStatsNs = now;
    const src = this.#ctx!.source;
    this.#watch.run(logger, now, this.books, this.#src, src, this.stats.everSynced, now - this.#startNs);
    captureProgress(this.books);
    this.#links.checkSilence(logger, now, (this.#cfg.staleAfterMs ?? 10_000) * 1e6);
  }

  #fail(logger: Logger, msg: string): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = msg;
    logger.error(this.#ctx!.source, `${msg}; stopping (retrying cannot fix this)`);
  }
}
