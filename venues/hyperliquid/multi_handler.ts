/**
 * `HyperliquidMultiHandler`: many coins and book channels (`l2Book`, fast `l2Book`, `bbo`,
 * `trades`) in one {@linkcode EngineHandler}, on as few connections as the venue's limits allow
 * (see `subscription_plan.ts`). Each coin has its own {@linkcode CoinBook} (windows, composed
 * book, differ, stale state, scale, {@linkcode MarketStream}); a frame is routed by its coin
 * without decoding it. Subscriptions are sent one message each, paced by one
 * {@linkcode SendPacer} of 2000 messages per minute (pings count too), and sent again after every
 * reconnect; new connections are paced at 30 per minute.
 *
 * Per coin, nothing touches another coin: its scale (the venue's metadata, {@linkcode
 * HyperliquidMultiHandler.useDecimals}, refined by the wire: the parser is set to the coin's
 * scale before parsing, found from the frame's text; a finer value rescales that coin in
 * place, a value beyond 2^53 clears it with reason precision); a silent channel (`_multi_stale.ts`:
 * `clear` reason stale, then unsubscribe + subscribe of that coin only); its capture session
 * (`_multi_capture.ts`). When a connection drops, every coin it served is cleared (reason
 * disconnect) and starts again from its next book message. Heartbeat and backoff per connection,
 * as `HyperliquidHandler`. The control frames and connection events are in
 * `_multi_control.ts`.
 * @module
 */
import type { EngineHandler, HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import type { L2Book } from "../book.ts";
import type { Decimals } from "../binance/precision.ts";
import type { MarketStream } from "../../market/stream.ts";
import { InKind } from "./_inbox.ts";
import { Lane, LaneState } from "./_lane.ts";
import { wakePeriodMs } from "./_handler_setup.ts";
import { hlBookObject } from "./_book_out.ts";
import { MultiCapture } from "./_multi_capture.ts";
import { StaleScan } from "./_multi_stale.ts";
import { CoinRouter } from "./_multi_router.ts";
import { MultiControl } from "./_multi_control.ts";
import { newMultiStats } from "./_handler_stats.ts";
import { CoinBook } from "./coin_book.ts";
import { HL_DEFAULT_WS_URL, type HyperliquidMultiConfig, l2BookSubscription } from "./config.ts";
import { HL_LIMITS, planSubscriptions } from "./subscription_plan.ts";
import type { MultiStats } from "./_handler_stats.ts";
import { SendPacer } from "./send_pacer.ts";

export type { HyperliquidMultiConfig } from "./config.ts";
export type { MultiStats } from "./_handler_stats.ts";

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
  readonly stats: MultiStats = newMultiStats();
  /** The capture sessions, once started (when `captureDir` is set). */
  capture: MultiCapture | undefined;
  readonly #cfg: HyperliquidMultiConfig;
  readonly #router: CoinRouter;
  readonly #stale: StaleScan;
  readonly #staleFound: number[] = [];
  #ctl: MultiControl | undefined;
  #ctx: HandlerContext | undefined;
  #coinSrc: number[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  /**
   * Plans the connections; RangeError on bad coins/channels, `nSigFigs`/`mantissa`, decimals or
   * a plan beyond the venue's limits.
   */
  constructor(config: HyperliquidMultiConfig) {
    this.#cfg = config;
    const channels = config.channels ?? ["l2book", "fast", "bbo"];
    l2BookSubscription(config.coins[0] ?? "BTC", config.nSigFigs, config.mantissa); // validates
    const agg = { nSigFigs: config.nSigFigs, mantissa: config.mantissa };
    const plan = planSubscriptions(config.coins, channels, config.perSocket, agg);
    this.wsUrl = config.wsUrl ?? HL_DEFAULT_WS_URL;
    const opts = {
      ...(config.instruments ? { instruments: config.instruments } : {}),
      ...(config.onSubscriberError ? { onSubscriberError: config.onSubscriberError } : {}),
    };
    this.coins = config.coins.map((c) => new CoinBook(c, opts));
    const n = config.coins.length;
    if (config.decimals) this.useDecimals(config.decimals);
    this.#router = new CoinRouter(this);
    const staleAfterMs = config.staleAfterMs ?? 10_000;
    this.lanes = plan.map((p, i) => new Lane(i, p, n, staleAfterMs, config.heartbeat, config.backoff));
    this.pacer = new SendPacer(config.messagesPerMinute ?? HL_LIMITS.messagesPerMinute);
    this.connects = new SendPacer(config.connectsPerMinute ?? HL_LIMITS.connectsPerMinute);
    this.#stale = new StaleScan(staleAfterMs);
    this.name = config.name ?? `hyperliquid:${config.coins[0]}${n > 1 ? `+${n - 1}` : ""}`;
  }

  /**
   * Start each coin at its base scale from the venue's metadata (`loadHlDecimals`, in `coins`
   * order); before `start` only. RangeError when the count differs from the coins'.
   */
  useDecimals(ds: readonly Decimals[]): void {
    if (ds.length !== this.coins.length) {
      throw new RangeError(`${ds.length} decimals for ${this.coins.length} coins`);
    }
    ds.forEach((d, i) => this.coins[i]!.setBase(d));
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

  /** Why the handler gave up (a missing permission, an invalid URL), or undefined. */
  get fatal(): string | undefined {
    return this.#ctl?.fatal;
  }

  /**
   * True when coin `i`'s book is not live: cleared since its last snapshot (a disconnect, a
   * silent channel, a value it cannot hold), or a connection of it is not open yet. A clean
   * `stop()` keeps the books live.
   */
  isStale(i: number): boolean {
    if (this.coins[i]!.stale) return true;
    return this.lanes.some((l) =>
      l.coins.includes(i) && l.state !== LaneState.Open && l.state !== LaneState.Stopped
    );
  }

  /** Coins that never had a book in this run. */
  neverSynchronized(): string[] {
    return this.coins.filter((c) => c.differ.totals.snapshots === 0).map((c) => c.coin);
  }

  /** Open the captures (if configured) and every connection (paced). */
  async start(ctx: HandlerContext): Promise<void> {
    this.#ctx = ctx;
    this.#coinSrc = this.coins.map((c) => ctx.logger.intern(`hyperliquid:${c.coin}`));
    this.#router.sources = this.#coinSrc;
    if (this.#cfg.captureDir !== undefined) {
      this.capture = await MultiCapture.open(this.#cfg, this.wsUrl, this.coins, this.lanes, ctx);
      ctx.logger.info(ctx.source, `capturing ${this.coins.length} coins under ${this.#cfg.captureDir}`);
    }
    this.#ctl = new MultiControl(this, ctx, this.capture);
    const period = Math.min(wakePeriodMs(this.lanes[0]!.hb), Math.max(5, this.#stale.everyNs / 1e6));
    this.#tick = setInterval(() => ctx.wake(), period);
    for (const l of this.lanes) this.#ctl.connect(l);
  }

  /** Drain every connection's input, send due subscriptions and pings, watch for silent coins. */
  pollOnce(logger: Logger): number | undefined {
    const ctx = this.#ctx, ctl = this.#ctl;
    if (ctx === undefined || ctl === undefined || this.#stopped || this.isDone()) return undefined;
    const t0 = ctx.clock.monoNs();
    let busy = false;
    for (let k = 0; k < this.lanes.length; k++) {
      const l = this.lanes[k]!;
      const inbox = l.inbox;
      while (inbox.length > 0 && !this.isDone()) {
        busy = true;
        const i = inbox.head;
        const kind = inbox.kind(i);
        if (kind === InKind.Message) {
          this.#router.onMessage(l, logger, inbox.text(i), inbox.wallNs(i), inbox.monoNs(i));
        } else ctl.onEvent(l, logger, kind, inbox.text(i), inbox.num(i, 0), inbox.wallNs(i));
        inbox.shift();
      }
      if (ctl.sendDue(l, logger, ctx.clock.monoNs())) busy = true;
    }
    if (this.#stale.scan(ctx.clock.monoNs(), this.lanes, this.#staleFound) > 0) {
      busy = true;
      for (const i of this.#staleFound) this.#onStale(i, logger);
    }
    for (let k = 0; k < this.coins.length; k++) this.coins[k]!.stream.flush();
    return busy ? ctx.clock.monoNs() - t0 : undefined;
  }

  /** True once `maxMessages` market-data messages were processed, or the handler gave up. */
  isDone(): boolean {
    if (this.#ctl?.fatal !== undefined) return true;
    const max = this.#cfg.maxMessages;
    return max !== undefined && this.#router.messages >= max;
  }

  /**
   * Close every connection (bounded wait), cancel timers, capture the frames still queued, close
   * the captures. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tick !== undefined) clearInterval(this.#tick);
    for (const l of this.lanes) {
      if (l.timer !== undefined) clearTimeout(l.timer);
      l.state = LaneState.Stopped;
      l.sock.drop(1000, "stop");
    }
    try {
      const limit = this.#cfg.closeTimeoutMs ?? 3000;
      await Promise.all(this.lanes.map((l) => (l.sock.pending > 0 ? l.sock.settle(limit) : undefined)));
    } finally {
      if (this.capture !== undefined) {
        const r = this.#router;
        for (const l of this.lanes) this.#ctl?.captureLeftovers(l, r.parser, r.frame, r.index);
        await this.capture.close();
      }
    }
  }

  /**
   * `--book-out`: one coin → the one-coin object of `HyperliquidHandler`; several →
   * `{"books":[…]}` in `coins` order, each at its coin's scale. Stale books carry `"stale":true`
   * (and a warning).
   */
  async writeBookOut(path: string): Promise<void> {
    const objs = this.coins.map((c, i) => {
      const stale = this.isStale(i);
      if (stale && this.#ctx) {
        this.#ctx.logger.warning(this.#coinSrc[i]!, 'book-out: stale book: "stale":true');
      }
      return hlBookObject(c.book, c.differ, c.coin, stale, c.decimals);
    });
    const body = objs.length === 1 ? objs[0] : { books: objs };
    await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(body) + "\n");
    await Deno.rename(`${path}.tmp`, path);
  }

  /** The connections' control (`_multi_control.ts`), once started. */
  get control(): MultiControl {
    return this.#ctl!;
  }

  // ---- messages ---------------------------------------------------------------------------

  // Coin `i` was silent for the limit: clear it and resubscribe it on its connections.
  #onStale(i: number, logger: Logger): void {
    const cb = this.coins[i]!;
    this.stats.staleCoins++;
    const s = this.#stale.afterNs / 1e9;
    const text = `no book message for ${s} s with the connection open: book stale; resubscribing`;
    logger.warning(this.#coinSrc[i]!, text);
    logger.resync(this.#coinSrc[i]!, ResyncReason.Stale, 0, 0, text);
    cb.clear(ResyncReason.Stale, this.#ctx!.clock.wallNs());
    for (const l of this.lanes) {
      l.coinIndex.forEach((c, r) => {
        if (c === i && r < l.sentSubs && !l.redo.includes(r)) l.redo.push(r);
      });
    }
  }
}
