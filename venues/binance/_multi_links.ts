/**
 * Private: the connections of `BinanceMultiHandler` as one concept — opening them within the
 * venue's 300 connection attempts per 5 minutes, what an `Open` / `Close` / `ConnectFailed` /
 * `Renew` entry of a connection's inbox means (a lost connection clears only ITS symbols and
 * reconnects after its own backoff; a connection that cannot be made at all is fatal), the paced
 * `SUBSCRIBE` messages, a silent connection (reconnect), and closing them at stop. The handler
 * keeps the frames, the books and the REST side. Not on the per-frame path.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { SendPacer } from "../hyperliquid/send_pacer.ts";
import { InKind } from "./_inbox.ts";
import type { MultiConn } from "./_multi_conn.ts";
import type { SymbolBook } from "./symbol_book.ts";
import type { BinanceMultiStats } from "./_multi_config.ts";

/** What the connections need from the handler. */
export interface LinksHost {
  /** The handler's context (after start). */
  ctx(): HandlerContext | undefined;
  /** True once stopped or failed: nothing (re)connects any more. */
  halted(): boolean;
  /** An error retrying cannot fix: the run must end. */
  fail(logger: Logger, msg: string): void;
}

/** The connections of many symbols. */
export class MultiLinks {
  /** The connections. */
  readonly conns: MultiConn[];
  /** Connection attempts (300 per 5 minutes). */
  readonly connects: SendPacer;
  readonly #books: readonly SymbolBook[];
  readonly #stats: BinanceMultiStats;
  readonly #host: LinksHost;

  /** Connections `conns` of `books` (counted in `stats.connections`), attempts paced at `per5Min`. */
  constructor(
    conns: MultiConn[],
    books: readonly SymbolBook[],
    stats: BinanceMultiStats,
    per5Min: number,
    host: LinksHost,
  ) {
    this.conns = conns;
    this.#books = books;
    this.#stats = stats;
    this.#host = host;
    this.connects = new SendPacer(per5Min, 300e9);
  }

  /** Open every connection (paced). */
  openAll(): void {
    for (const c of this.conns) this.connect(c);
  }

  /** Send `c`'s due SUBSCRIBE messages at `now`; a timer wakes the handler for the next one. */
  sendDue(c: MultiConn, now: number): void {
    const wait = c.sendDue(now);
    const ctx = this.#host.ctx();
    if (wait > 0 && c.timer === undefined && ctx !== undefined) {
      c.timer = setTimeout(() => (c.timer = undefined, ctx.wake()), wait / 1e6);
    }
  }

  /** A control entry (`kind`, inbox slot `i`) of connection `c`. */
  onControl(c: MultiConn, logger: Logger, kind: number, i: number): void {
    const inbox = c.inbox;
    const src = this.#host.ctx()!.source;
    const gen = inbox.num(i, 0);
    if (gen !== c.io.gen || this.#host.halted()) return; // an old connection, already replaced
    if (kind === InKind.Open) {
      c.open = true;
      c.subscribed = 0;
      c.lastFrameNs = inbox.monoNs(i);
      this.#stats.connections++;
      logger.connected(src, inbox.text(i));
      logger.subscribed(src, c.plan.streams.join(","));
      return;
    }
    if (kind === InKind.Renew) {
      return this.reconnectNow(c, ResyncReason.Disconnect, "planned reconnect (24 h)");
    }
    if (kind === InKind.Close) logger.disconnected(src, inbox.num(i, 1), inbox.text(i));
    else logger.warning(src, "connect failed: " + inbox.text(i));
    c.open = false;
    c.io.closedByPeer();
    if (kind === InKind.ConnectFailed && inbox.num(i, 1) === 1) {
      return this.#host.fail(logger, `cannot connect to ${c.plan.url}: ${inbox.text(i)}`);
    }
    this.#resetSymbols(c, ResyncReason.Disconnect, "connection lost");
    const delay = c.backoff.next();
    logger.reconnecting(src, c.backoff.attempt, delay);
    clearTimeout(c.timer);
    c.timer = setTimeout(() => this.connect(c), delay);
  }

  /**
   * `c`'s inbox holds `n` entries, past the bound: shed its backlog — clear and resync its symbols
   * now, warn, count — and return how many of its queued frames the caller skips (captured only).
   * The socket stays open; control entries in the backlog are still handled.
   */
  shed(c: MultiConn, logger: Logger, n: number): number {
    this.#stats.shed++;
    this.#stats.shedFrames += n;
    logger.warning(
      this.#host.ctx()!.source,
      `inbox backlog of ${n} entries on ${
        c.plan.url.slice(0, 80)
      }: shed, its ${c.plan.symbols.length} symbols resync`,
    );
    this.#resetSymbols(c, ResyncReason.Gap, "inbox backlog shed");
    return n;
  }

  /** Reconnect every open connection without a frame for `staleNs` at `now`. */
  checkSilence(logger: Logger, now: number, staleNs: number): void {
    const src = this.#host.ctx()!.source;
    for (const c of this.conns) {
      if (c.open && now - c.lastFrameNs > staleNs) {
        logger.warning(src, `no frame for ${staleNs / 1e9} s on ${c.plan.url.slice(0, 80)}: reconnecting`);
        this.reconnectNow(c, ResyncReason.Disconnect, "connection silent");
      }
    }
  }

  /** Clear `c`'s symbols (`reason`, `detail`), close it and open it again (paced). */
  reconnectNow(c: MultiConn, reason: ResyncReason, detail: string): void {
    this.#resetSymbols(c, reason, detail);
    c.open = false;
    c.io.close(detail);
    clearTimeout(c.timer);
    this.connect(c);
  }

  /** Open `c` now, or when the 300-per-5-minutes budget allows. */
  connect(c: MultiConn): void {
    c.timer = undefined;
    const ctx = this.#host.ctx();
    if (this.#host.halted() || ctx === undefined) return;
    const now = ctx.clock.monoNs();
    const wait = this.connects.waitNs(now);
    if (wait > 0) {
      c.timer = setTimeout(() => this.connect(c), Math.ceil(wait / 1e6));
      return;
    }
    this.connects.note(now);
    c.io.open();
  }

  /** Cancel the timers and close every connection (bounded waits). */
  async stop(): Promise<void> {
    for (const c of this.conns) clearTimeout(c.timer);
    await Promise.all(this.conns.map((c) => c.io.stop()));
  }

  #resetSymbols(c: MultiConn, reason: ResyncReason, detail: string): void {
    const wall = this.#host.ctx()!.clock.wallNs();
    for (const i of c.plan.symbols) this.#books[i]!.reset(reason, detail, wall);
  }
}
