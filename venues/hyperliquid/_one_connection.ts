/**
 * Private: the one connection of `HyperliquidHandler` and its life — open (paced by
 * {@linkcode Backoff}), subscribe on open, the heartbeat (a ping after 50 s without sending,
 * reconnect when the pong is late), the silence watch (no `l2Book` for `staleAfterMs` with the
 * socket open: stale, reconnect), close (the coin's stream gets a `clear`, reason disconnect;
 * the book stays, marked stale until the next snapshot), errors retrying cannot fix (`fatal`),
 * and the frames that are not market data (subscription replies, pong, venue errors, the
 * greeting, malformed frames: warnings, counted, still captured).
 * Sends happen only on an OPEN socket; a send that cannot happen is a warning and a reconnect,
 * never a throw. Runs on the engine thread, from `pollOnce`.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { recvSecOf, recvSubNsOf } from "../../market/stream.ts";
import { Backoff } from "../backoff.ts";
import { Silence, SilenceWatch } from "../_silence.ts";
import { Inbox } from "./_inbox.ts";
import { sendIfOpen, SocketSlot } from "./_socket.ts";
import type { HyperliquidStats } from "./_handler_stats.ts";
import type { SubscriptionTexts } from "./_handler_setup.ts";
import type { HlCapture } from "./capture.ts";
import type { CoinBook } from "./coin_book.ts";
import type { HyperliquidConfig } from "./config.ts";
import { Heartbeat, HeartbeatAction } from "./heartbeat.ts";
import { LaneState } from "./_lane.ts";
import { HL_GREETING, HL_PING } from "./types.ts";
import { HL_PARSE_ERROR_TEXT, type HlFrame, HlMsg } from "./frame.ts";
import type { HlParser } from "./parse.ts";

/** The connection of a one-coin handler. */
export class OneConnection {
  /** Raw input of the connection. */
  readonly inbox: Inbox = new Inbox();
  /** The socket. */
  readonly sock: SocketSlot = new SocketSlot(this.inbox);
  /** Heartbeat. */
  readonly hb: Heartbeat;
  /** Reconnect schedule (reset once a connection delivered its snapshot). */
  readonly backoff: Backoff;
  /** The silence watch of the l2Book feed. */
  readonly silence: SilenceWatch;
  /** A {@linkcode LaneState}. */
  state: number = LaneState.Idle;
  /** True from a disconnect (or a silent feed) until the next snapshot. */
  stale = false;
  /** Why the handler gave up (retrying cannot fix it), or undefined. */
  fatal: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #url: string;
  readonly #texts: SubscriptionTexts;
  readonly #cfg: HyperliquidConfig;
  readonly #stats: HyperliquidStats;
  readonly #coin: CoinBook;
  #ctx: HandlerContext | undefined;
  #capture: HlCapture | undefined;

  /** The connection to `url` sending `texts` for `coin`, counting into `stats`. */
  constructor(
    url: string,
    texts: SubscriptionTexts,
    cfg: HyperliquidConfig,
    stats: HyperliquidStats,
    coin: CoinBook,
  ) {
    this.#url = url;
    this.#texts = texts;
    this.#cfg = cfg;
    this.#stats = stats;
    this.#coin = coin;
    this.hb = new Heartbeat(cfg.heartbeat);
    this.backoff = new Backoff(cfg.backoff);
    this.silence = new SilenceWatch(cfg.staleAfterMs ?? 10_000);
  }

  /** A frame that is not market data, of `kind`, parsed by `p` into `f`; `coin` is the coin's bytes. */
  onControl(
    logger: Logger,
    src: number,
    kind: HlMsg,
    data: string,
    p: HlParser,
    f: HlFrame,
    coin: Uint8Array,
  ): void {
    const stats = this.#stats, cap = this.#capture;
    switch (kind) {
      case HlMsg.SubscriptionResponse:
        if (f.subType === 1 && p.rangeEquals(f.coinStart, f.coinEnd, coin)) {
          stats.subscribed++;
          logger.subscribed(src, this.#texts.subText);
        } else if (f.subType === 2) logger.subscribed(src, "trades");
        else logger.warning(src, `unexpected subscriptionResponse: ${data}`);
        return;
      case HlMsg.Pong:
        this.hb.onPong(this.#ctx!.clock.monoNs());
        return;
      case HlMsg.Error:
        stats.venueErrors++;
        if (cap) cap.meta.errors++;
        logger.warning(src, `venue error: ${p.text(f.textStart, f.textEnd)}`);
        return;
      case HlMsg.Text:
        if (data === HL_GREETING) {
          if (cap) cap.meta.greetings++;
          logger.info(src, "greeting skipped");
        } else logger.warning(src, `unexpected text frame: ${data}`);
        return;
      case HlMsg.Malformed:
        stats.malformed++;
        stats.skipped++;
        if (cap) cap.meta.malformed++;
        logger.warning(src, HL_PARSE_ERROR_TEXT[f.error]!);
        return;
      default:
        logger.warning(src, "unknown message ignored");
    }
  }

  /** Open the first connection (`capture`, when set, notes each connection start). */
  start(ctx: HandlerContext, capture: HlCapture | undefined): void {
    this.#ctx = ctx;
    this.#capture = capture;
    this.#connect();
  }

  /** Stop: no reconnect, timers cancelled, the socket closed (its handshake in `sock.pending`). */
  stop(): void {
    this.state = LaneState.Stopped;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.silence.cancel();
    this.sock.drop(1000, "stop");
  }

  /**
   * With the socket open: the silence watch and the heartbeat (a ping, or a reconnect when the
   * feed is silent or the pong is late). Returns true when it did something.
   */
  guard(logger: Logger, src: number, coin: string): boolean {
    const ws = this.sock.current, ctx = this.#ctx!;
    if (this.state !== LaneState.Open || ws === undefined) return false;
    const now = ctx.clock.monoNs();
    if (this.silence.poll(now) !== Silence.None) {
      const s = this.silence.afterNs / 1e9;
      logger.warning(src, `no l2Book for ${coin} for ${s} s with the socket open: book stale; reconnecting`);
      this.abandon(4000, "feed silent");
      return true;
    }
    this.silence.schedule(now, ctx.wake);
    const action = this.hb.poll(ctx.clock.monoNs());
    if (action === HeartbeatAction.SendPing) {
      if (!sendIfOpen(ws, HL_PING)) {
        logger.warning(src, "cannot send ping (socket not open): reconnecting");
        this.abandon(4000, "ping send failed");
      }
      return true;
    }
    if (action === HeartbeatAction.Timeout) {
      this.#stats.pongTimeouts++;
      logger.warning(src, "no pong within the heartbeat timeout: reconnecting");
      this.abandon(4000, "pong timeout");
      return true;
    }
    return false;
  }

  /** Give up on the current socket now (its later events are ignored) and reconnect. */
  abandon(code: number, reason: string): void {
    this.sock.drop(code, reason);
    const ctx = this.#ctx!;
    this.onClose(ctx.logger, ctx.source, code, reason);
  }

  /** The socket opened: subscribe (and to trades), arm the heartbeat and the silence watch. */
  onOpen(logger: Logger, src: number, wallNs: number): void {
    const ws = this.sock.current;
    if (ws === undefined) return;
    if (ws.readyState !== WebSocket.OPEN) {
      // An open and a close queued together: nothing can be sent; reconnect.
      logger.warning(src, "socket closed before the subscribe was sent: reconnecting");
      this.abandon(4000, "closed before subscribe");
      return;
    }
    this.state = LaneState.Open;
    this.#stats.connections++;
    logger.connected(src, this.#url);
    this.#coin.forget();
    this.#capture?.noteConnection(wallNs);
    const now = this.#ctx!.clock.monoNs();
    this.hb.reset(now);
    this.silence.arm(now);
    if (
      !sendIfOpen(ws, this.#texts.subscribe) ||
      (this.#cfg.trades && !sendIfOpen(ws, this.#texts.subscribeTrades))
    ) {
      logger.warning(src, "cannot send the subscribe (socket not open): reconnecting");
      this.abandon(4000, "subscribe send failed");
      return;
    }
    this.hb.onSent(now);
  }

  /** Retrying cannot fix this: log one clear error and be done (the run exits non-zero). */
  fail(logger: Logger, src: number, msg: string): void {
    if (this.fatal !== undefined) return;
    this.fatal = msg;
    this.silence.disarm();
    logger.error(src, `${msg}; stopping (retrying cannot fix this)`);
  }

  /** The socket closed: `clear` the stream, mark the book stale, reconnect after the backoff. */
  onClose(logger: Logger, src: number, code: number, reason: string): void {
    if (this.state === LaneState.Stopped || this.state === LaneState.Waiting) return;
    this.sock.current = undefined;
    this.silence.disarm();
    this.stale = true;
    const w = this.#ctx!.clock.wallNs();
    this.#coin.stream.clear(ResyncReason.Disconnect, 0, recvSecOf(w), recvSubNsOf(w));
    logger.disconnected(src, code, reason);
    this.state = LaneState.Waiting;
    const delay = this.backoff.next();
    this.#stats.reconnects++;
    logger.reconnecting(src, this.backoff.attempt, delay);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #connect(): void {
    this.#timer = undefined;
    if (this.state === LaneState.Stopped) return;
    this.state = LaneState.Connecting;
    this.sock.open(this.#url, this.#ctx!);
  }
}
