/**
 * Private: the WebSocket link of `BinanceHandler` (one symbol) as one concept — the session, the
 * reconnect backoff and its timer, and what an `Open` / `Close` / `ConnectFailed` / `Renew` entry
 * of the inbox means: a lost connection drops the book (the handler's {@linkcode LinkHost.lost})
 * and reconnects after the backoff, a connection that cannot be made at all is fatal, a renewal
 * (before the 24 h limit) reconnects at once. Not on the per-frame path.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { type Inbox, InKind } from "./_inbox.ts";
import { WsSession } from "./_ws_session.ts";
import { streamsOf } from "./_handler_config.ts";
import type { BinanceHandlerConfig } from "./_handler_config.ts";

/** What the link needs from the handler. */
export interface LinkHost {
  /** A connection opened at `mono` (ns). */
  opened(mono: number): void;
  /** The connection closed (before {@linkcode LinkHost.lost} or a fatal end). */
  closed(): void;
  /** The connection was lost: the book is not live any more. */
  lost(): void;
  /** The book is discarded for a reconnect now (`reason`, `detail`). */
  drop(reason: ResyncReason, detail: string): void;
  /** Retrying cannot fix this: the run must end. */
  fail(logger: Logger, msg: string): void;
}

/** One symbol's WebSocket link. */
export class SymbolLink {
  /** Reconnect delays. */
  readonly backoff: Backoff;
  /** True once stopped: nothing reconnects. */
  stopped = false;
  #io: WsSession | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #url: string;
  readonly #host: LinkHost;

  /** A link to `url`; nothing opens until {@linkcode SymbolLink.open}. */
  constructor(url: string, backoff: BackoffOptions, host: LinkHost) {
    this.#url = url;
    this.backoff = new Backoff(backoff);
    this.#host = host;
  }

  /** The session (after open). */
  get io(): WsSession {
    return this.#io!;
  }

  /** Connections opened so far. */
  get opened(): number {
    return this.#io?.opened ?? 0;
  }

  /** Create the session over `inbox` (timeouts of `cfg`) and connect. */
  open(ctx: HandlerContext, inbox: Inbox, cfg: BinanceHandlerConfig): void {
    this.#io = new WsSession({
      url: this.#url,
      inbox,
      clock: ctx.clock,
      wake: ctx.wake,
      maxHops: cfg.maxRedirects ?? 3,
      maxConnectionMs: cfg.maxConnectionMs ?? 23.5 * 3600_000,
      snapshotTimeoutMs: cfg.snapshotTimeoutMs ?? 10_000,
      closeTimeoutMs: cfg.closeTimeoutMs ?? 2000,
      ...(cfg.transport !== undefined ? { transport: cfg.transport } : {}),
      ...(cfg.readAhead !== undefined ? { readAhead: cfg.readAhead } : {}),
    });
    this.#io.open();
  }

  /** A control entry of kind `kind` at inbox slot `i` (not a REST answer), logged under `src`. */
  onControl(logger: Logger, src: number, inbox: Inbox, kind: number, i: number): void {
    const io = this.#io!;
    const gen = inbox.num(i, 0);
    if (kind === InKind.Renew) {
      if (gen !== io.gen || this.stopped) return;
      logger.info(src, "renewing the connection before the 24 h limit");
      return this.reconnectNow(ResyncReason.Disconnect, "planned reconnect (24 h limit)");
    }
    if (kind === InKind.Open) {
      if (gen === io.gen) this.#host.opened(inbox.monoNs(i));
      logger.connected(src, inbox.text(i));
      logger.subscribed(src, streamsOf(inbox.text(i)));
      return;
    }
    if (kind === InKind.Close) logger.disconnected(src, inbox.num(i, 1), inbox.text(i));
    else logger.warning(src, "connect failed: " + inbox.text(i));
    if (gen !== io.gen || this.stopped) return; // an old connection, already replaced
    io.closedByPeer();
    this.#host.closed();
    if (kind === InKind.ConnectFailed && inbox.num(i, 1) === 1) {
      return this.#host.fail(logger, `cannot connect to ${this.#url}: ${inbox.text(i)}`);
    }
    this.#host.lost();
    const delay = this.backoff.next();
    logger.reconnecting(src, this.backoff.attempt, delay);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => io.open(), delay);
  }

  /** Drop the book (`reason`, `detail`), close the connection and open it again at once. */
  reconnectNow(reason: ResyncReason, detail: string): void {
    this.#host.drop(reason, detail);
    clearTimeout(this.#timer);
    this.#io!.close(detail);
    this.#io!.open();
  }

  /** Cancel a pending reconnect. */
  cancel(): void {
    clearTimeout(this.#timer);
  }

  /** Stop: no reconnect; close the connection (false when the peer did not confirm in time). */
  async stop(): Promise<boolean | undefined> {
    this.stopped = true;
    clearTimeout(this.#timer);
    return await this.#io?.stop();
  }
}
