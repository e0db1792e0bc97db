/**
 * Private: the scale a normalized-capture replay holds its instrument at. Each record line is
 * decoded at its own decimals (the finest of its price strings and of its quantity strings); the
 * instrument starts at 10^-8 / 10^-8 (`JSON_SCALE`, the scale every venue here sends at) and moves
 * the way a Hyperliquid replay does ({@linkcode HlScale.fit}): to the finer of the scale in force
 * and the message's, else to the message's own (a value too large at the finer one). The book is
 * rescaled exactly (× or ÷ 10^k, every value checked); a snapshot replaces the book, so only the
 * message has to fit. A coarser message is scaled up to the scale in force. Allocates only on a
 * rescale (rare).
 * @module
 */
import type { Instrument } from "../market/instrument.ts";
import { Off, type RecordBatch } from "../market/record.ts";
import type { L2Book } from "../venues/book.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { scaleBatch } from "../publish/_book_scale.ts";
import { HlScale, toScale } from "./_hl_scale.ts";

/** What {@linkcode NormalizedScale.align} did. */
export const Align = {
  /** The message is at the scale in force (scaled up to it when coarser). */
  Same: 0,
  /** The scale moved (the book, when kept, was rescaled exactly; the instrument says the new scale). */
  Rescaled: 1,
  /** No scale holds both the book and the message (beyond 2^53): nothing changed. */
  Unheld: 2,
} as const;

/** The scale of one replayed instrument, its book and the messages applied to it. */
export class NormalizedScale {
  /** The scale in force (its `rescales` counts the moves). */
  readonly scale = new HlScale(JSON_SCALE, JSON_SCALE);
  readonly #inst: Instrument;
  readonly #book: L2Book;

  /** Hold `inst` (its decimals are set to the scale in force) and its `book`. */
  constructor(inst: Instrument, book: L2Book) {
    this.#inst = inst;
    this.#book = book;
    inst.priceDecimals = this.scale.priceDecimals;
    inst.qtyDecimals = this.scale.qtyDecimals;
  }

  /**
   * Bring the decoded message `batch` and the book to one scale. `replacesBook`: a snapshot (the
   * book need not be kept). Returns an {@linkcode Align}.
   */
  align(batch: RecordBatch, replacesBook: boolean): number {
    const v = batch.view;
    const mp = v.getUint8(Off.priceDecimals);
    const mq = v.getUint8(Off.qtyDecimals);
    const s = this.scale;
    const pd = s.priceDecimals;
    const qd = s.qtyDecimals;
    if (mp <= pd && mq <= qd && scaleBatch(batch, pd - mp, qd - mq)) return Align.Same;
    const book = this.#book;
    const ok = s.fit({ priceDecimals: mp, qtyDecimals: mq }, (d) => {
      if (!replacesBook && !rescaleBook(book, pd, qd, d.priceDecimals, d.qtyDecimals)) return false;
      if (scaleBatch(batch, d.priceDecimals - mp, d.qtyDecimals - mq)) return true;
      if (!replacesBook) rescaleBook(book, d.priceDecimals, d.qtyDecimals, pd, qd); // exact: undo
      return false;
    });
    if (!ok) return Align.Unheld;
    this.#inst.priceDecimals = s.priceDecimals;
    this.#inst.qtyDecimals = s.qtyDecimals;
    return Align.Rescaled;
  }
}

// Every level of `book` from 10^-fp / 10^-fq to 10^-tp / 10^-tq; false (and unchanged) when a
// value is not exact there or passes 2^53.
function rescaleBook(book: L2Book, fp: number, fq: number, tp: number, tq: number): boolean {
  const lv: number[][] = [[], []];
  for (let s = 0; s < 2; s++) {
    const side = book.side(s === 0);
    for (let i = 0; i < side.size; i++) {
      const p = toScale(side.priceAt(i), fp, tp);
      const q = toScale(side.qtyAt(i), fq, tq);
      if (Number.isNaN(p) || Number.isNaN(q)) return false;
      lv[s]!.push(p, q);
    }
  }
  for (let s = 0; s < 2; s++) {
    const side = book.side(s === 0);
    const out = lv[s]!;
    side.clear();
    for (let i = 0; i < out.length; i += 2) side.set(out[i]!, out[i + 1]!);
  }
  return true;
}
