/**
 * Test support: compare a rebuilt book's top with the bookTicker the venue published. Loads a
 * fixture's `bookticker.jsonl` (combined form, spot or USD-M: both carry `u`, `b`, `B`, `a`, `A`)
 * and checks, at update id `u`, that the book's best bid and ask (price and quantity) equal the
 * latest ticker with `u <=` that id, and that the book is not crossed.
 * @module
 */
import assert from "node:assert/strict";
import type { L2Book } from "../venues/book.ts";
import { parseFixed } from "../venues/decimal.ts";

interface Top {
  u: number;
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
}

/** Checks a book's top against a fixture's bookTicker stream, counting mismatches. */
export class TickerCheck {
  /** Books compared. */
  compared = 0;
  /** Books whose top differed from the ticker. */
  mismatches = 0;
  /** The last mismatch, in words ("" when none). */
  lastMismatch = "";
  readonly #tickers: Top[];
  #ti = 0;

  /** Load `path` (a bookticker.jsonl); prices and quantities × 10^8. */
  constructor(path: string | URL) {
    this.#tickers = Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => {
      const d = JSON.parse(l).data;
      return {
        u: d.u,
        bid: parseFixed(d.b, 8),
        bidQty: parseFixed(d.B, 8),
        ask: parseFixed(d.a, 8),
        askQty: parseFixed(d.A, 8),
      };
    });
  }

  /**
   * Compare `book` (at update id `u`, default its `updateId`) with the latest ticker with
   * `u <=` it. Ids must not decrease between calls. Asserts a ticker precedes `u` and the book
   * is not crossed; a different top is counted in {@linkcode TickerCheck.mismatches}.
   */
  check(book: L2Book, u: number = book.updateId): void {
    const tk = this.#tickers;
    while (this.#ti + 1 < tk.length && tk[this.#ti + 1]!.u <= u) this.#ti++;
    const t = tk[this.#ti]!;
    assert.ok(t.u <= u, `a bookTicker precedes update id ${u}`);
    assert.equal(book.isCrossed(), false, `book crossed at u=${u}`);
    this.compared++;
    if (
      book.bids.bestPrice() !== t.bid || book.bids.bestQty() !== t.bidQty ||
      book.asks.bestPrice() !== t.ask || book.asks.bestQty() !== t.askQty
    ) {
      this.mismatches++;
      this.lastMismatch = `u=${u} ticker u=${t.u}: book ${book.bids.bestPrice()}x${book.bids.bestQty()} / ` +
        `${book.asks.bestPrice()}x${book.asks.bestQty()}, ticker ${t.bid}x${t.bidQty} / ${t.ask}x${t.askQty}`;
    }
  }
}
