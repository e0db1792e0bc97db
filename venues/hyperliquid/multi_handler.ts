/**
 * `HyperliquidMultiHandler`: many coins and book channels (`l2Book`, fast `l2Book`, `bbo`,
 * `trades`) in one {@linkcode EngineHandler}, on as few connections as the venue's limits allow
 * (see `subscription_plan.ts`). Each coin has its own {@linkcode CoinBook} (windows, composed
 * book, differ, stale state, {@linkcode MarketStream}); a frame is routed by its coin without
 * decoding it. Subscriptions are sent one message each, paced by one {@linkcode SendPacer} of
 * 2000 messages per minute (pings count too), and sent again after every reconnect; new
 * connections are paced at 30 per minute. When a connection drops, every coin it served is
 * cleared (a `clear` record, stale) and starts again from its next book message, from any
 * connection. Heartbeat and backoff per connection, as `HyperliquidHandler`. No capture.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import type { L2Book } from "../book.ts";
import type { MarketStream } from "../../market/stream.ts";
import { InKind } from "./_inbox.ts";
import { Lane, LaneState } from "./_lane.ts";
import { CoinIndex } from "./_coin_index.ts";
import { sendIfOpen } from "./_socket.ts";
import { wakePeriodMs } from "./_handler_setup.ts";
import { hlBookObject } from "./_book_out.ts";
import { BookSource, CoinBook } from "./coin_book.ts";
import { HL_DEFAULT_WS_URL } from "./config.ts";

export type { HyperliquidMultiConfig, MultiStats } from "./multi_config.ts";
import { HL_PARSE_ERROR_TEXT, HlFrame, HlMsg } from "./frame.ts";
import { HeartbeatAction } from "./heartbeat.ts";
import { HlParser } from "./parse.ts";
import { HL_LIMITS, planSubscriptions } from "./subscription_plan.ts";
import type { HyperliquidMultiConfig, MultiStats } from "./multi_config.ts";
import { SendPacer } from "./send_pacer.ts";
import { HL_GREETING, HL_PING } from "./types.ts";

const enc = new TextEncoder();

/** Live Hyperliquid handler for many coins and channels. */
export class HyperliquidMultiHandler implements EngineHandler {
  /** Display name. */
  readonly name: string;
  /** WebSocket URL. */
  readonly wsUrl: string;
  /** One keeper per coin, in `coins` order. */
  readonly coins: CoinBook[];
  /** The connections. */
  readonly lanes: Lane[];
  /** The budget of messages sent (subscribes, pings). */
  readonly pacer: SendPacer;
  /** The budget of new connections. */
  readonly connects: SendPacer;
  /** Counters. */
  readonly stats: MultiStats = {
    books: 0,
    fastBooks: 0,
    bbos: 0,
    tradeMessages: 0,
    unknownCoin: 0,
    malformed: 0,
    venueErrors: 0,
    subscribed: 0,
    connections: 0,
    reconnects: 0,
    pongTimeouts: 0,
  };
  readonly #cfg: HyperliquidMultiConfig;
  readonly #index: CoinIndex;
  readonly #parser = new HlParser();
  readonly #frame = new HlFrame();
  #ctx: HandlerContext | undefined;
  #coinSrc: number[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #messages = 0;
  #stopped = false;

  /** Plans the connections; RangeError on bad coins/channels or a plan beyond the venue's limits. */
  constructor(config: HyperliquidMultiConfig) {
    this.#cfg = config;
    const channels = config.channels ?? ["l2book", "fast", "bbo"];
    const plan = planSubscriptions(config.coins, channels, config.perSocket);
    this.wsUrl = config.wsUrl ?? HL_DEFAULT_WS_URL;
    const opts = {
      ...(config.instruments ? { instruments: config.instruments } : {}),
      ...(config.onSubscriberError ? { onSubscriberError: config.onSubscriberError } : {}),
    };
    this.coins = config.coins.map((c) => new CoinBook(c, opts));
    this.#index = new CoinIndex(config.coins.map((c) => enc.encode(c)));
    this.lanes = plan.map((p, i) => new Lane(i, p, config.heartbeat, config.backoff));
    this.pacer = new SendPacer(config.messagesPerMinute ?? HL_LIMITS.messagesPerMinute);
    this.connects = new SendPacer(config.connectsPerMinute ?? HL_LIMITS.connectsPerMinute);
    const n = config.coins.length;
    this.name = config.name ?? `hyperliquid:${config.coins[0]}${n > 1 ? `+${n - 1}` : ""}`;
  }

  /** The first coin's book (the live page samples one book). */
  get book(): L2Book {
    return this.coins[0]!.book;
  }

  /** The first coin's stream. */
  get stream(): MarketStream {
    return this.coins[0]!.stream;
  }

  /** Every coin's stream, in `coins` order (`--updates-out`). */
  get streams(): MarketStream[] {
    return this.coins.map((c) => c.stream);
  }

  /** True when coin `i`'s book is not live: cleared since its last snapshot, or a connection of it is down. */
  isStale(i: number): boolean {
    if (this.coins[i]!.stale) return true;
    return this.lanes.some((l) => l.coins.includes(i) && l.state !== LaneState.Open);
  }

  /** Coins that never had a book in this run. */
  neverSynchronized(): string[] {
    return this.coins.filter((c) => c.differ.totals.snapshots === 0).map((c) => c.coin);
  }

  /** Open every connection (paced). */
  start(ctx: HandlerContext): Promise<void> {
    this.#ctx = ctx;
    this.#coinSrc = this.coins.map((c) => ctx.logger.intern(`hyperliquid:${c.coin}`));
    this.#tick = setInterval(() => ctx.wake(), wakePeriodMs(this.lanes[0]!.hb));
    for (const l of this.lanes) this.#connect(l);
    return Promise.resolve();
  }

  /** Drain every connection's input, send due subscriptions and pings. */
  pollOnce(logger: Logger): number | undefined {
    const ctx = this.#ctx;
    if (ctx === undefined || this.#stopped || this.isDone()) return undefined;
    const t0 = ctx.clock.monoNs();
    let busy = false;
    for (let k = 0; k < this.lanes.length; k++) {
      const l = this.lanes[k]!;
      const inbox = l.inbox;
      while (inbox.length > 0 && !this.isDone()) {
        busy = true;
        const i = inbox.head;
        const kind = inbox.kind(i);
        if (kind === InKind.Message) this.#onMessage(l, logger, inbox.text(i), inbox.wallNs(i));
        else if (kind === InKind.Open) this.#onOpen(l, logger);
        else if (kind === InKind.Close) this.#onClose(l, logger, inbox.num(i, 0), inbox.text(i));
        else logger.warning(ctx.source, inbox.text(i));
        inbox.shift();
      }
      if (this.#sendDue(l, logger, ctx.clock.monoNs())) busy = true;
    }
    for (let k = 0; k < this.coins.length; k++) this.coins[k]!.stream.flush();
    return busy ? ctx.clock.monoNs() - t0 : undefined;
  }

  /** True once `maxMessages` market-data messages were processed. */
  isDone(): boolean {
    const max = this.#cfg.maxMessages;
    return max !== undefined && this.#messages >= max;
  }

  /** Close every connection (bounded wait), cancel timers. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tick !== undefined) clearInterval(this.#tick);
    for (const l of this.lanes) {
      if (l.timer !== undefined) clearTimeout(l.timer);
      l.state = LaneState.Stopped;
      l.sock.drop(1000, "stop");
    }
    const limit = this.#cfg.closeTimeoutMs ?? 3000;
    await Promise.all(this.lanes.map((l) => (l.sock.pending > 0 ? l.sock.settle(limit) : undefined)));
  }

  /**
   * `--book-out`: one coin → the one-coin object of `HyperliquidHandler`; several →
   * `{"books":[…]}` in `coins` order. Stale books carry `"stale":true` (and a warning).
   */
  async writeBookOut(path: string): Promise<void> {
    const objs = this.coins.map((c, i) => {
      const stale = this.isStale(i);
      if (stale && this.#ctx) {
        this.#ctx.logger.warning(this.#coinSrc[i]!, 'book-out: stale book: "stale":true');
      }
      return hlBookObject(c.book, c.differ, c.coin, stale);
    });
    const body = objs.length === 1 ? objs[0] : { books: objs };
    await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(body) + "\n");
    await Deno.rename(`${path}.tmp`, path);
  }

  // ---- connections ------------------------------------------------------------------------

  #connect(l: Lane): void {
    l.timer = undefined;
    if (this.#stopped) return;
    const ctx = this.#ctx!;
    const wait = this.connects.waitNs(ctx.clock.monoNs());
    if (wait > 0) {
      l.state = LaneState.Waiting;
      l.timer = setTimeout(() => this.#connect(l), Math.ceil(wait / 1e6));
      return;
    }
    this.connects.note(ctx.clock.monoNs());
    l.state = LaneState.Connecting;
    l.sentSubs = l.acked = 0;
    l.sock.open(this.wsUrl, ctx);
  }

  #onOpen(l: Lane, logger: Logger): void {
    const ws = l.sock.current;
    if (ws === undefined) return;
    const ctx = this.#ctx!;
    if (ws.readyState !== WebSocket.OPEN) return this.#abandon(l, logger, "closed before subscribe");
    l.state = LaneState.Open;
    this.stats.connections++;
    logger.connected(ctx.source, this.wsUrl);
    l.hb.reset(ctx.clock.monoNs());
  }

  // Send the subscriptions still due on `l` within the pacer's budget, and the heartbeat.
  #sendDue(l: Lane, logger: Logger, now: number): boolean {
    const ws = l.sock.current;
    if (l.state !== LaneState.Open || ws === undefined) return false;
    let busy = false;
    while (l.sentSubs < l.requests.length && this.pacer.canSend(now)) {
      busy = true;
      if (!sendIfOpen(ws, l.requests[l.sentSubs]!)) {
        this.#abandon(l, logger, "subscribe send failed");
        return true;
      }
      this.pacer.note(now);
      l.hb.onSent(now);
      l.sentSubs++;
    }
    const action = l.hb.poll(now);
    if (action === HeartbeatAction.SendPing) {
      this.pacer.note(now);
      if (!sendIfOpen(ws, HL_PING)) this.#abandon(l, logger, "ping send failed");
      return true;
    }
    if (action === HeartbeatAction.Timeout) {
      this.stats.pongTimeouts++;
      this.#abandon(l, logger, "pong timeout");
      return true;
    }
    return busy;
  }

  #abandon(l: Lane, logger: Logger, reason: string): void {
    logger.warning(this.#ctx!.source, `connection ${l.index}: ${reason}: reconnecting`);
    l.sock.drop(4000, reason);
    this.#onClose(l, logger, 4000, reason);
  }

  #onClose(l: Lane, logger: Logger, code: number, reason: string): void {
    if (l.state === LaneState.Stopped || l.state === LaneState.Waiting) return;
    l.sock.current = undefined;
    l.state = LaneState.Waiting;
    const ctx = this.#ctx!;
    const w = ctx.clock.wallNs();
    for (const i of l.coins) this.coins[i]!.clear(ResyncReason.Disconnect, w);
    logger.disconnected(ctx.source, code, reason);
    const delay = l.backoff.next();
    this.stats.reconnects++;
    logger.reconnecting(ctx.source, l.backoff.attempt, delay);
    l.timer = setTimeout(() => this.#connect(l), delay);
  }

  // ---- messages ---------------------------------------------------------------------------

  #coinOf(f: HlFrame, logger: Logger): number {
    const i = this.#index.find(this.#parser.bytes, f.coinStart, f.coinEnd);
    if (i < 0) {
      this.stats.unknownCoin++;
      logger.warning(this.#ctx!.source, "frame for a coin not subscribed here skipped");
    }
    return i;
  }

  #onMessage(l: Lane, logger: Logger, data: string, wallNs: number): void {
    const p = this.#parser, f = this.#frame;
    const src = this.#ctx!.source;
    const kind = p.parse(data, f);
    switch (kind) {
      case HlMsg.L2Book:
      case HlMsg.Bbo: {
        const i = this.#coinOf(f, logger);
        if (i < 0) return;
        this.#messages++;
        const source = kind === HlMsg.Bbo ? BookSource.Bbo : l.fast ? BookSource.Fast : BookSource.Slow;
        if (source === BookSource.Bbo) this.stats.bbos++;
        else if (source === BookSource.Fast) this.stats.fastBooks++;
        else this.stats.books++;
        const cb = this.coins[i]!;
        const n = cb.apply(source, f, wallNs);
        l.backoff.reset();
        const csrc = this.#coinSrc[i]!;
        if (cb.snapshot) {
          logger.snapshotApplied(csrc, cb.book.bids.size, cb.book.asks.size, cb.book.updateId);
          logger.synchronized(csrc, cb.book.updateId, 0);
        } else {logger.diffStats(
            csrc,
            cb.differ.totals.diffs + 1,
            cb.differ.totals.diffs,
            0,
            n,
            cb.book.updateId,
          );}
        if (cb.book.isCrossed()) logger.warning(csrc, "crossed book (best bid >= best ask): applied as sent");
        return;
      }
      case HlMsg.Trades: {
        this.#messages++;
        this.stats.tradeMessages++;
        if (f.trades.count === 0) return;
        const i = this.#coinOf(f, logger);
        if (i >= 0) this.coins[i]!.emitTrades(f, wallNs);
        return;
      }
      case HlMsg.SubscriptionResponse:
        l.acked++;
        this.stats.subscribed++;
        logger.subscribed(
          src,
          `${["other", "l2Book", "trades", "bbo"][f.subType]}${f.subFast ? " fast" : ""} ${
            p.text(f.coinStart, f.coinEnd)
          }`,
        );
        return;
      case HlMsg.Pong:
        l.hb.onPong(this.#ctx!.clock.monoNs());
        return;
      case HlMsg.Error:
        this.stats.venueErrors++;
        logger.warning(src, `venue error on connection ${l.index}: ${p.text(f.textStart, f.textEnd)}`);
        return;
      case HlMsg.Text:
        if (data === HL_GREETING) logger.info(src, "greeting skipped");
        else logger.warning(src, `unexpected text frame: ${data}`);
        return;
      case HlMsg.Malformed:
        this.stats.malformed++;
        logger.warning(src, HL_PARSE_ERROR_TEXT[f.error]!);
        return;
      default:
        logger.warning(src, "unknown message ignored");
    }
  }
}
