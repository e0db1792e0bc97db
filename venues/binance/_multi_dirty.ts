/**
 * Private: the streams of `BinanceMultiHandler` written in the current poll, so that the poll
 * ends by flushing those only (a frame touches one symbol) instead of looping over every
 * symbol's stream. A set of symbol indexes in preallocated arrays; no allocation per frame.
 * @module
 */
import type { SymbolBook } from "./symbol_book.ts";

/** Symbols whose stream was written since the last flush. */
export class DirtyStreams {
  readonly #list: Int32Array;
  readonly #in: Uint8Array;
  #n = 0;

  /** A set over symbols `0..n-1`. */
  constructor(n: number) {
    this.#list = new Int32Array(n);
    this.#in = new Uint8Array(n);
  }

  /** Symbols marked. */
  get length(): number {
    return this.#n;
  }

  /** Symbol `i`'s stream was written (or may have been). */
  mark(i: number): void {
    if (this.#in[i] === 1) return;
    this.#in[i] = 1;
    this.#list[this.#n++] = i;
  }

  /** Flush the marked symbols' streams of `books` (every stream when `all`), then forget the marks. */
  flush(books: readonly SymbolBook[], all: boolean): void {
    const list = this.#list;
    if (all) {
      for (let k = 0; k < books.length; k++) books[k]!.stream.flush();
    } else {
      for (let k = 0; k < this.#n; k++) books[list[k]!]!.stream.flush();
    }
    for (let k = 0; k < this.#n; k++) this.#in[list[k]!] = 0;
    this.#n = 0;
  }
}
