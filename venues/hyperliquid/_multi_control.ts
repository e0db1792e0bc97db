/**
 * Private: the connection side of `HyperliquidMultiHandler` — opening connections (paced),
 * open/close/fatal events, sending due subscriptions, stale coins' resubscriptions (unsubscribe,
 * then subscribe) and pings within the send budget, the frames that are not market data
 * (subscription replies, pong, error, the greeting, malformed frames) and, at stop, the capture
 * of frames still queued. Runs on the engine thread, from `pollOnce`.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { InKind } from "./_inbox.ts";
import { type Lane, LaneState } from "./_lane.ts";
import type { CoinIndex } from "./_coin_index.ts";
import { sendIfOpen } from "./_socket.ts";
import type { MultiCapture } from "./_multi_capture.ts";
import { HL_PARSE_ERROR_TEXT, type HlFrame, HlMsg } from "./frame.ts";
import { HeartbeatAction } from "./heartbeat.ts";
import type { HlParser } from "./parse.ts";
import { HL_GREETING, HL_PING } from "./types.ts";
import type { HyperliquidMultiHandler } from "./multi_handler.ts";

const SUB_NAMES = ["other", "l2Book", "trades", "bbo"];

/** Connections and control frames of one handler. */
export class MultiControl {
  /** Why the handler gave up (retrying cannot help), or undefined. */
  fatal: string | undefined;
  readonly #h: HyperliquidMultiHandler;
  readonly #ctx: HandlerContext;
  readonly #cap: MultiCapture | undefined;

  /** Control of `h`'s connections. */
  constructor(h: HyperliquidMultiHandler, ctx: HandlerContext, cap: MultiCapture | undefined) {
    this.#h = h;
    this.#ctx = ctx;
    this.#cap = cap;
  }

  /** Open `l` now, or later within the connection budget. */
  connect(l: Lane): void {
    l.timer = undefined;
    if (l.state === LaneState.Stopped || this.fatal !== undefined) return;
    const h = this.#h, now = this.#ctx.clock.monoNs();
    const wait = h.connects.waitNs(now);
    if (wait > 0) {
      l.state = LaneState.Waiting;
      l.timer = setTimeout(() => this.connect(l), Math.ceil(wait / 1e6));
      return;
    }
    h.connects.note(now);
    l.state = LaneState.Connecting;
    l.sentSubs = l.acked = 0;
    l.redo.length = 0;
    l.sock.open(h.wsUrl, this.#ctx);
  }

  /** A queued connection event of `l` (open, close, fatal, socket error). */
  onEvent(l: Lane, logger: Logger, kind: number, text: string, code: number, wallNs: number): void {
    if (kind === InKind.Open) return this.#onOpen(l, logger, wallNs);
    if (kind === InKind.Close) return this.#onClose(l, logger, code, text);
    if (kind === InKind.Fatal) {
      if (this.fatal !== undefined) return;
      this.fatal = text;
      logger.error(this.#ctx.source, `${text}; stopping (retrying cannot fix this)`);
      return;
    }
    logger.warning(this.#ctx.source, text);
  }

  /** Send what is due on `l` within the budget: subscriptions, resubscriptions, the heartbeat. */
  sendDue(l: Lane, logger: Logger, now: number): boolean {
    const ws = l.sock.current;
    if (l.state !== LaneState.Open || ws === undefined) return false;
    const h = this.#h;
    let busy = false;
    while (l.sentSubs < l.requests.length && h.pacer.canSend(now)) {
      busy = true;
      if (!sendIfOpen(ws, l.requests[l.sentSubs]!)) return this.#abandon(l, logger, "subscribe send failed");
      h.pacer.note(now);
      l.hb.onSent(now);
      l.silence[l.sentSubs]?.arm(now);
      l.sentSubs++;
    }
    while (l.redo.length > 0 && h.pacer.canSend(now)) {
      busy = true;
      const r = l.redo[0]!;
      if (!sendIfOpen(ws, l.unsubscribes[r]!)) return this.#abandon(l, logger, "unsubscribe send failed");
      h.pacer.note(now);
      if (!sendIfOpen(ws, l.requests[r]!)) return this.#abandon(l, logger, "subscribe send failed");
      h.pacer.note(now);
      l.hb.onSent(now);
      l.silence[r]?.arm(now);
      l.redo.shift();
    }
    const action = l.hb.poll(now);
    if (action === HeartbeatAction.SendPing) {
      h.pacer.note(now);
      if (!sendIfOpen(ws, HL_PING)) this.#abandon(l, logger, "ping send failed");
      return true;
    }
    if (action === HeartbeatAction.Timeout) {
      h.stats.pongTimeouts++;
      return this.#abandon(l, logger, "pong timeout");
    }
    return busy;
  }

  /** A book, bbo or trades frame for a coin this handler does not serve (skipped, captured). */
  unknownCoin(l: Lane, logger: Logger, data: string, wallNs: number): void {
    this.#h.stats.unknownCoin++;
    this.#cap?.other(l, data, wallNs, "other");
    logger.warning(this.#ctx.source, "frame for a coin not subscribed here skipped");
  }

  /** A frame that is not market data; `i` is the coin its text names (-1 when none here). */
  onControl(
    l: Lane,
    logger: Logger,
    kind: HlMsg,
    data: string,
    wallNs: number,
    p: HlParser,
    f: HlFrame,
    i: number,
  ): void {
    const h = this.#h, cap = this.#cap, src = this.#ctx.source;
    switch (kind) {
      case HlMsg.SubscriptionResponse: {
        if (cap !== undefined) {
          if (i >= 0) cap.reply(i, f.subFast, data, wallNs);
          else cap.other(l, data, wallNs, "other");
        }
        if (f.subMethod === 2) {
          logger.info(
            src,
            `unsubscribed ${SUB_NAMES[f.subType]}${f.subFast ? " fast" : ""} ${
              p.text(f.coinStart, f.coinEnd)
            }`,
          );
          return;
        }
        l.acked++;
        h.stats.subscribed++;
        logger.subscribed(
          src,
          `${SUB_NAMES[f.subType]}${f.subFast ? " fast" : ""} ${p.text(f.coinStart, f.coinEnd)}`,
        );
        return;
      }
      case HlMsg.Pong:
        cap?.other(l, data, wallNs, "other");
        l.hb.onPong(this.#ctx.clock.monoNs());
        return;
      case HlMsg.Error:
        h.stats.venueErrors++;
        cap?.other(l, data, wallNs, "error");
        logger.warning(src, `venue error on connection ${l.index}: ${p.text(f.textStart, f.textEnd)}`);
        return;
      case HlMsg.Text:
        if (data === HL_GREETING) {
          cap?.greeting(l);
          logger.info(src, "greeting skipped");
        } else {
          cap?.other(l, data, wallNs, "other");
          logger.warning(src, `unexpected text frame: ${data}`);
        }
        return;
      case HlMsg.Malformed:
        h.stats.malformed++;
        if (cap !== undefined) {
          if (i >= 0) cap.reply(i, l.fast, data, wallNs);
          else cap.other(l, data, wallNs, "malformed");
        }
        logger.warning(src, HL_PARSE_ERROR_TEXT[f.error]!);
        return;
      default:
        cap?.other(l, data, wallNs, "other");
        logger.warning(src, "unknown message ignored");
    }
  }

  /**
   * At stop: the frames still queued on `l` go to the capture as `pollOnce` would have written
   * them (nothing is applied). Parses at the scale in force: a frame that does not parse there is
   * still captured, by the coin its text names.
   */
  captureLeftovers(l: Lane, p: HlParser, f: HlFrame, index: CoinIndex): void {
    const cap = this.#cap;
    if (cap === undefined) return;
    const inbox = l.inbox;
    while (inbox.length > 0) {
      const q = inbox.head;
      const kind = inbox.kind(q);
      if (kind === InKind.Open) cap.connection(l, inbox.wallNs(q));
      else if (kind === InKind.Message) {
        const data = inbox.text(q), wallNs = inbox.wallNs(q);
        const msg = p.parse(data, f);
        const i = index.findInText(data);
        if (msg === HlMsg.Text) {
          if (data === HL_GREETING) cap.greeting(l);
          else cap.other(l, data, wallNs, "other");
        } else if (i < 0) cap.other(l, data, wallNs, msg === HlMsg.Error ? "error" : "other");
        else if (msg === HlMsg.Bbo) cap.bbo(i, data, wallNs);
        else if (msg === HlMsg.Trades) cap.trades(i, data, wallNs);
        else if (msg === HlMsg.L2Book) cap.book(i, l.fast, data, wallNs, f.time);
        else cap.reply(i, msg === HlMsg.SubscriptionResponse ? f.subFast : l.fast, data, wallNs);
      }
      inbox.shift();
    }
  }

  #onOpen(l: Lane, logger: Logger, wallNs: number): void {
    const ws = l.sock.current;
    if (ws === undefined) return;
    if (ws.readyState !== WebSocket.OPEN) {
      this.#abandon(l, logger, "closed before subscribe");
      return;
    }
    l.state = LaneState.Open;
    this.#h.stats.connections++;
    this.#cap?.connection(l, wallNs);
    logger.connected(this.#ctx.source, this.#h.wsUrl);
    l.hb.reset(this.#ctx.clock.monoNs());
  }

  #abandon(l: Lane, logger: Logger, reason: string): true {
    logger.warning(this.#ctx.source, `connection ${l.index}: ${reason}: reconnecting`);
    l.sock.drop(4000, reason);
    this.#onClose(l, logger, 4000, reason);
    return true;
  }

  #onClose(l: Lane, logger: Logger, code: number, reason: string): void {
    if (l.state === LaneState.Stopped || l.state === LaneState.Waiting) return;
    l.sock.current = undefined;
    l.state = LaneState.Waiting;
    const h = this.#h, w = this.#ctx.clock.wallNs();
    for (const i of l.coins) h.coins[i]!.clear(ResyncReason.Disconnect, w);
    logger.disconnected(this.#ctx.source, code, reason);
    const delay = l.backoff.next();
    h.stats.reconnects++;
    logger.reconnecting(this.#ctx.source, l.backoff.attempt, delay);
    l.timer = setTimeout(() => this.connect(l), delay);
  }
}
