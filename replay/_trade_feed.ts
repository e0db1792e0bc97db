/**
 * The trade stream of a replay, read ahead by one parsed trade so trades can be merged with the
 * depth stream by time. Synchronous while input is buffered; `refill()` is the only await.
 * @module
 */
import { FrameKind, ParsedFrame, parseFrameInPlace } from "../venues/binance/parse.ts";
import { LineReader } from "./lines.ts";
import { fastTradeLine } from "./_fast_frame.ts";
import type { ReplayStats } from "./summary.ts";
import { warnMalformed } from "./_warn.ts";

/** Where the feed puts trades (the Binance adapter: `trade` messages). */
export interface TradeTarget {
  /**
   * Add a trade at exchange trade time `timeMs`: `bidConsumed` is the wire's `m` (buyer is
   * maker → the bid side was hit); `id` the venue's trade id.
   */
  push(priceTicks: number, qtyLots: number, bidConsumed: boolean, timeMs: number, id: number): void;
}

export { MAX_VERBATIM_WARNINGS } from "./_warn.ts";

/** The trade stream, read ahead by one trade so trades can be merged by time. */
export class TradeFeed {
  #r: LineReader;
  #frame = new ParsedFrame(8);
  #has = false; // a parsed trade is pending in #frame.trade
  #done = false;

  private constructor(r: LineReader) {
    this.#r = r;
  }

  /** Open the trades file; trades are read at `scale` (the capture's; default 8 / 8). */
  static async open(
    path: string | readonly string[],
    scale?: { priceDecimals: number; qtyDecimals: number },
  ): Promise<TradeFeed> {
    const f = new TradeFeed(await LineReader.open(path, 1 << 18));
    if (scale) {
      f.#frame.priceDecimals = scale.priceDecimals;
      f.#frame.qtyDecimals = scale.qtyDecimals;
    }
    return f;
  }

  /**
   * Move every buffered trade with `T <= untilMs` into `window`, synchronously. Returns false
   * when the buffered input ran out first: `await refill()` and call again.
   */
  pull(untilMs: number, window: TradeTarget, stats: ReplayStats, warn: (msg: string) => void): boolean {
    const t = this.#frame.trade;
    const r = this.#r;
    while (true) {
      if (!this.#has) {
        if (this.#done) return true;
        const nl = fastTradeLine(r.buf, r.cursor, r.filled, this.#frame);
        if (nl >= 0) r.advanceTo(nl);
        else if (!r.next()) return false;
        stats.tradeLines++;
        const k = nl >= 0 ? FrameKind.Trade : parseFrameInPlace(r.buf, r.start, r.end, this.#frame);
        if (k !== FrameKind.Trade && k !== FrameKind.AggTrade) {
          if (k === FrameKind.Malformed) {
            warnMalformed(
              stats,
              warn,
              `${r.path}:${r.lineNo}`,
              `malformed frame (${this.#frame.reason})`,
              r.buf,
              r.start,
              r.end,
            );
          }
          continue;
        }
        stats.trades++;
        this.#has = true;
      }
      if (t.tradeTimeMs > untilMs) return true;
      window.push(t.priceTicks, t.qtyLots, t.buyerIsMaker, t.tradeTimeMs, t.id);
      this.#has = false;
    }
  }

  /** Read more trade input; at the end, report a read error or a truncated last line. */
  async refill(warn: (msg: string) => void): Promise<void> {
    const r = this.#r;
    if (await r.fill()) return;
    this.#done = true;
    if (r.error) warn(`${r.path}: read error after line ${r.lineNo}: ${r.error}`);
    if (r.truncatedBytes > 0) warn(`${r.path}: last line truncated (${r.truncatedBytes} bytes): ignored`);
  }

  /** The read or decompression error that ended the trade input early, else undefined. */
  get error(): string | undefined {
    return this.#r.error;
  }

  /** The trades file's path. */
  get path(): string {
    return this.#r.path;
  }

  /** Complete lines read so far. */
  get lineNo(): number {
    return this.#r.lineNo;
  }

  /** Release the file. */
  async close(): Promise<void> {
    await this.#r.close();
  }
}
