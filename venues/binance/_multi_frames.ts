/**
 * Private: how `BinanceMultiHandler` reads one frame — at the scale of the symbol it names, and
 * into that symbol's capture. The symbol is peeked from the text first (`_symbol_peek.ts`), its
 * scale set on the shared {@linkcode ParsedFrame}, the frame encoded once into that symbol's
 * capture chunk (when capturing) and parsed there in place; a value finer than the scale rescales
 * that symbol and parses again, one beyond 2^53 resyncs that symbol only (`SymbolBook.fit`).
 * Frames that name no symbol asked for (replies, `serverShutdown`, binary frames) go to the
 * capture of the connection's first symbol (`other.jsonl`). After the book is updated the
 * caller commits the staged line ({@linkcode MultiFrames.commit}). No allocation per frame
 * (beyond the parser's); the rescale path allocates (rare).
 * @module
 */
import { FrameKind, type ParsedFrame, parseFrame } from "./parse.ts";
import { CoinIndex } from "../hyperliquid/_coin_index.ts";
import type { FrameData } from "../capture_writer.ts";
import type { BinanceCapture } from "./capture.ts";
import type { SymbolBook } from "./symbol_book.ts";
import { SymbolPeek } from "./_symbol_peek.ts";

const enc = new TextEncoder();

/** The frame reader of many symbols. */
export class MultiFrames {
  /** The parser output (shared by every symbol; its scale is set per frame). */
  readonly pf: ParsedFrame;
  /** The symbol index of the frame just parsed (-1: none of ours). */
  symbol = -1;
  /** The symbol index the last frame's text named first (-1: none); its stream may be written too. */
  peeked = -1;
  readonly #books: readonly SymbolBook[];
  readonly #peek: SymbolPeek;
  #cap: BinanceCapture | null = null;
  #misrouted = false;

  /** A reader for `books` (in symbol order), built over `pf`. */
  constructor(books: readonly SymbolBook[], pf: ParsedFrame) {
    this.pf = pf;
    this.#books = books;
    this.#peek = new SymbolPeek(books.map((b) => b.symbol));
    this.pf.symbols = new CoinIndex(books.map((b) => enc.encode(b.symbol)));
  }

  /**
   * Parse text frame `raw` received at `wall` on a connection whose first symbol is `home`;
   * stages it in the capture it belongs to. Sets {@linkcode MultiFrames.symbol}.
   */
  parse(raw: string, home: number, wall: number): FrameKind {
    const pf = this.pf;
    const k = this.peeked = this.#peek.find(raw);
    const b = k >= 0 ? this.#books[k]! : null;
    const cap = this.#cap = (b ?? this.#books[home]!).capture;
    this.#misrouted = false;
    b?.useScale(pf);
    let kind = cap === null ? parseFrame(raw, pf) : cap.parse(raw, pf);
    if (kind === FrameKind.Malformed && b !== null && (pf.tooFine || pf.tooLarge)) {
      kind = b.fit(pf, kind, () => cap === null ? parseFrame(raw, pf) : cap.reparse(pf), wall);
    }
    const data = kind === FrameKind.Depth || kind === FrameKind.Trade || kind === FrameKind.AggTrade;
    if (data && pf.symbolIndex !== k && pf.symbolIndex >= 0) {
      // Not where the peek said (unusual spacing): parse again at its own symbol's scale; the
      // staged line is kept as an other line.
      const own = this.#books[pf.symbolIndex]!;
      this.#misrouted = true;
      own.useScale(pf);
      kind = parseFrame(raw, pf);
      if (kind === FrameKind.Malformed && (pf.tooFine || pf.tooLarge)) {
        kind = own.fit(pf, kind, () => parseFrame(raw, pf), wall);
      }
    }
    this.symbol = data ? pf.symbolIndex : k;
    return kind;
  }

  /** A binary frame (never parsed) received at `wall`: captured as an other line of `home`'s capture. */
  binary(frame: FrameData, home: number, wall: number): void {
    const cap = this.#books[home]!.capture;
    if (cap === null) return;
    cap.parse(frame, this.pf);
    cap.commitOther(wall);
  }

  /**
   * A frame that must not reach the books (an old connection's, or one left at stop) received at
   * `wall` on a connection whose first symbol is `home`: captured only, as it would have been.
   */
  captureOnly(raw: unknown, home: number, wall: number): void {
    if (typeof raw !== "string") return this.binary(raw as FrameData, home, wall);
    if (this.#books[0]!.capture === null) return;
    this.commit(this.parse(raw, home, wall), wall);
  }

  /** Commit the line staged by the last {@linkcode MultiFrames.parse} (parsed as `kind`) at `wall`. */
  commit(kind: FrameKind, wall: number): void {
    const cap = this.#cap;
    if (cap === null) return;
    this.#cap = null;
    const mine = !this.#misrouted && this.symbol >= 0;
    if (kind === FrameKind.Depth && mine) cap.commitDiff(wall, this.pf.diff.firstId, this.pf.diff.lastId);
    else if (kind === FrameKind.Malformed && this.symbol >= 0) cap.commitDiff(wall, 0, 0);
    else if ((kind === FrameKind.Trade || kind === FrameKind.AggTrade) && mine) cap.commitTrade(wall);
    else cap.commitOther(wall);
  }
}
