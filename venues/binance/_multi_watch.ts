/**
 * Private: the periodic side of `BinanceMultiHandler` (once per stats interval, not per frame) —
 * per-symbol `diffStats` (only symbols that received something since), the per-symbol silence
 * watch (a synchronized symbol without a depth frame for `staleNs` is marked stale and warned
 * about; its book is kept and nothing else is touched), and the warm-up lines ("k/n symbols
 * synchronized after t s", then "all n … after t s").
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import type { SymbolBook } from "./symbol_book.ts";

/** Periodic checks of many symbols. */
export class MultiWatch {
  readonly #received: Float64Array;
  readonly #staleNs: number;
  #loggedSynced = 0;

  /** Watch `n` symbols; silent after `staleNs`. */
  constructor(n: number, staleNs: number) {
    this.#received = new Float64Array(n);
    this.#staleNs = staleNs;
  }

  /**
   * Run the checks at `now` over `books` (logger sources `srcs`); `everSynced` symbols were
   * synchronized once, `sinceNs` since start; warm-up lines go to `src`.
   */
  run(
    logger: Logger,
    now: number,
    books: readonly SymbolBook[],
    srcs: readonly number[],
    src: number,
    everSynced: number,
    sinceNs: number,
  ): void {
    const staleNs = this.#staleNs;
    for (let i = 0; i < books.length; i++) {
      const b = books[i]!;
      const s = b.sync;
      if (s.received !== this.#received[i]) {
        this.#received[i] = s.received;
        logger.diffStats(srcs[i]!, s.received, s.applied, s.skipped, s.levelsChanged, b.book.updateId);
      }
      if (s.isSynced && !b.stale && now - b.lastDataNs > staleNs) {
        b.stale = true;
        logger.warning(srcs[i]!, `no depth data for ${staleNs / 1e9} s: book stale (kept)`);
      }
    }
    if (everSynced === this.#loggedSynced) return;
    this.#loggedSynced = everSynced;
    const secs = (sinceNs / 1e9).toFixed(1);
    const n = books.length;
    if (everSynced === n) logger.info(src, `warm-up: all ${n} symbols synchronized after ${secs} s`);
    else logger.info(src, `warm-up: ${everSynced}/${n} symbols synchronized after ${secs} s`);
  }
}
