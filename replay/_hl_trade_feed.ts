/**
 * The trades of a Hyperliquid capture, read by a second {@linkcode LineReader} over the same
 * `messages.jsonl` (or a `--trades` file in the same format) so they can be merged with the
 * books by time whatever order the two subscriptions' frames arrived in. Only `trades` frames of
 * the replayed coin are used; every other line (books, malformed lines: the main pass warns about
 * those) is skipped silently. Synchronous while input is buffered; `refill()` is the only await.
 *
 * Wire facts (protocols.md §3): `side` is the aggressing side: "B" = a buyer took the ask,
 * "A" = a seller hit the bid (the parser gives +1 / -1).
 * @module
 */
import { HlFrame, HlMsg } from "../venues/hyperliquid/frame.ts";
import { HlParser } from "../venues/hyperliquid/parse.ts";
import type { TradeTarget } from "./_trade_feed.ts";
import { HlScale, toScale } from "./_hl_scale.ts";
import { LineReader } from "./lines.ts";
import type { ReplayStats } from "./summary.ts";

/** The trade stream of a Hyperliquid capture, read ahead by one `trades` frame. */
export class HlTradeFeed {
  /** The coin's UTF-8 bytes; trades of other coins are skipped (undefined: take every coin). */
  coin: Uint8Array | undefined;
  #r: LineReader;
  #parser = new HlParser();
  #scale: HlScale; // the feed's own (it reads ahead of the books)
  #book: HlScale; // the books' scale, trades are handed over at
  #frame = new HlFrame();
  #i = 0; // next pending trade of #frame.trades
  #done = false;

  private constructor(r: LineReader, book: HlScale) {
    this.#r = r;
    this.#book = book;
    this.#scale = new HlScale(book.priceDecimals, book.qtyDecimals);
    this.#scale.follow(this.#parser);
  }

  /**
   * Open the file; trades are parsed at a scale of their own (rescaled as they need) and handed
   * over at `book`'s (a trade finer than the book's scale cannot be a level's: dropped, counted).
   */
  static async open(path: string | readonly string[], book: HlScale): Promise<HlTradeFeed> {
    return new HlTradeFeed(await LineReader.open(path, 1 << 18), book);
  }

  /** True once the input is exhausted and no trade is pending. */
  get done(): boolean {
    return this.#done && this.#i >= this.#frame.trades.count;
  }

  /** Read ahead to the first `trades` frame. Resolves to false when the file holds none. */
  async prime(): Promise<boolean> {
    while (!this.#pending()) await this.refill();
    return !this.done;
  }

  /**
   * Hand every buffered trade with time `<= untilMs` to `target`; `beforeBook`: they precede a
   * snapshot (already in it: counted in `stats.tradesBeforeBook`, the target is told not to match
   * them). Returns false when the buffered input ran out first: `await refill()` and call again.
   */
  pull(untilMs: number, target: TradeTarget, stats: ReplayStats, beforeBook = false): boolean {
    const t = this.#frame.trades;
    while (true) {
      if (!this.#pending()) return false;
      if (this.#i >= t.count) return true; // done
      const i = this.#i;
      if (t.time[i]! > untilMs) return true;
      this.#i++;
      stats.trades++;
      if (beforeBook) stats.tradesBeforeBook++;
      const tid = t.tid[i]!;
      const from = this.#scale, to = this.#book;
      const px = toScale(t.px[i]!, from.priceDecimals, to.priceDecimals);
      const sz = toScale(t.sz[i]!, from.qtyDecimals, to.qtyDecimals);
      if (px !== px || sz !== sz) stats.tradesUnscaled++;
      else target.push(px, sz, t.side[i] === -1, t.time[i]!, tid === tid ? tid : 0);
    }
  }

  /** Read more input (false at the end of the input). */
  async refill(): Promise<boolean> {
    if (await this.#r.fill()) return true;
    this.#done = true;
    return false;
  }

  /** Release the file. */
  async close(): Promise<void> {
    await this.#r.close();
  }

  // A trade is pending, or the input is done: true. Needs more input: false.
  #pending(): boolean {
    const f = this.#frame;
    if (this.#i < f.trades.count) return true;
    const r = this.#r;
    while (r.next()) {
      const len = r.end - r.start;
      // With the byte after the line: the parser puts its sentinel there in place (no copy).
      const k = this.#scale.parse(this.#parser, r.buf.subarray(r.start, r.end + 1), len, f);
      if (k === HlMsg.Trades && (!this.coin || this.#parser.rangeEquals(f.coinStart, f.coinEnd, this.coin))) {
        this.#i = 0;
        if (f.trades.count > 0) return true;
      }
      this.#i = f.trades.count; // nothing pending from a skipped frame
    }
    // Nothing buffered: the frame's trades are spent (count stays; #i >= count).
    return this.#done;
  }
}
