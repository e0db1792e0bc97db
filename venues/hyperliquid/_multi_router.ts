/**
 * Private: the market-data path of `HyperliquidMultiHandler` — one frame from a connection to the
 * right coin, at that coin's scale. The coin is found from the frame's text before parsing
 * (`CoinIndex.findInText`) so the parser runs once at the coin's scale (again only when the
 * parsed frame names another coin); a value the scale cannot hold goes through
 * `fitCoinScale` (that coin rescaled, or cleared). Then the frame is captured, counted and
 * applied to the coin's {@linkcode CoinBook} (which emits its records); frames that are not
 * market data go to `_multi_control.ts`. No allocation per message on the book path.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import type { Decimals } from "../binance/precision.ts";
import { CoinIndex } from "./_coin_index.ts";
import type { Lane } from "./_lane.ts";
import { fitCoinScale } from "./_precision.ts";
import { BookSource } from "./coin_book.ts";
import { HlFrame, HlMsg, HlParseError } from "./frame.ts";
import { HlParser } from "./parse.ts";
import type { HyperliquidMultiHandler } from "./multi_handler.ts";

const enc = new TextEncoder();

/** Routes frames to coins. */
export class CoinRouter {
  /** The parser (its buffer holds the last frame). */
  readonly parser: HlParser = new HlParser();
  /** The frame parsed last. */
  readonly frame: HlFrame = new HlFrame();
  /** Coin names → index. */
  readonly index: CoinIndex;
  /** Market-data messages (books, bbos, trades) seen. */
  messages = 0;
  readonly #h: HyperliquidMultiHandler;
  readonly #fit: Decimals = { priceDecimals: 0, qtyDecimals: 0 };
  #coinSrc: readonly number[] = [];

  /** A router over `h`'s coins. */
  constructor(h: HyperliquidMultiHandler) {
    this.#h = h;
    this.index = new CoinIndex(h.coins.map((c) => enc.encode(c.coin)));
  }

  /** The logger source of each coin (once the logger is known). */
  set sources(src: readonly number[]) {
    this.#coinSrc = src;
  }

  // Set the parser to coin `i`'s scale.
  #scaleOf(i: number): void {
    const d = this.#h.coins[i]!.decimals;
    this.parser.priceScale = d.priceDecimals;
    this.parser.sizeScale = d.qtyDecimals;
  }

  /** One frame received on `l` at `wallNs` / `monoNs`. */
  onMessage(l: Lane, logger: Logger, data: string, wallNs: number, monoNs: number): void {
    const p = this.parser, f = this.frame;
    let i = this.index.findInText(data);
    if (i >= 0) this.#scaleOf(i);
    let kind = p.parse(data, f);
    if (kind === HlMsg.L2Book || kind === HlMsg.Bbo || (kind === HlMsg.Trades && f.trades.count > 0)) {
      const j = this.index.find(p.bytes, f.coinStart, f.coinEnd);
      if (j >= 0 && j !== i) {
        i = j;
        this.#scaleOf(i);
        kind = p.parse(data, f);
      } else if (j < 0) i = -1;
    }
    if (kind === HlMsg.Malformed && f.error === HlParseError.BadNumber && i >= 0) {
      kind = this.#fitScale(i, logger, data, wallNs);
    }
    const cap = this.#h.capture;
    if (kind === HlMsg.L2Book || kind === HlMsg.Bbo) {
      this.messages++;
      if (i < 0) return this.#h.control.unknownCoin(l, logger, data, wallNs);
      const source = kind === HlMsg.Bbo ? BookSource.Bbo : l.fast ? BookSource.Fast : BookSource.Slow;
      if (source === BookSource.Bbo) this.#h.stats.bbos++;
      else if (source === BookSource.Fast) this.#h.stats.fastBooks++;
      else this.#h.stats.books++;
      if (cap !== undefined) {
        if (source === BookSource.Bbo) cap.bbo(i, data, wallNs);
        else cap.book(i, l.fast, data, wallNs, f.time);
      }
      const cb = this.#h.coins[i]!;
      if (source !== BookSource.Bbo) {
        const r = l.watchOf[i]!;
        if (r >= 0) l.silence[r]!.onData(monoNs);
      }
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
    if (kind === HlMsg.Trades) {
      this.messages++;
      this.#h.stats.tradeMessages++;
      if (f.trades.count === 0) return cap?.other(l, data, wallNs, "other");
      if (i < 0) return this.#h.control.unknownCoin(l, logger, data, wallNs);
      cap?.trades(i, data, wallNs);
      this.#h.coins[i]!.emitTrades(f, wallNs);
      return;
    }
    this.#h.control.onControl(l, logger, kind, data, wallNs, p, f, i);
  }

  // A value coin `i`'s scale cannot hold: a scale that does, or a clear of that coin.
  #fitScale(i: number, logger: Logger, data: string, wallNs: number): HlMsg {
    const k = fitCoinScale(
      this.#h.coins[i]!,
      this.parser,
      this.frame,
      data,
      this.#fit,
      logger,
      this.#coinSrc[i]!,
      wallNs,
    );
    if (k !== HlMsg.Malformed) {
      this.#h.stats.rescales++;
      this.#h.capture?.noteScale(i, this.#fit);
    }
    return k;
  }
}
