/**
 * Private: how `BinanceMultiHandler` reads one frame — at the scale of the symbol it names, and
 * into that symbol's capture. The frame is the UTF-8 bytes the inbox holds (`bytes[start, end)`,
 * the byte at `end` spare for the scanner's sentinel). The symbol is peeked from the bytes first
 * (`_symbol_peek.ts`), its scale set on the shared {@linkcode ParsedFrame}, and the frame parsed in
 * place — or, when capturing, copied once into that symbol's capture chunk and parsed there; a
 * value finer than the scale rescales that symbol and parses again, one beyond 2^53 resyncs that
 * symbol only (`SymbolBook.fit`). The parser's lookup of `s` compares the peeked symbol first.
 * Frames that name no symbol asked for (replies, `serverShutdown`, binary frames) go to the
 * capture of the connection's first symbol (`other.jsonl`). After the book is updated the caller
 * commits the staged line ({@linkcode MultiFrames.commit}). No allocation per frame; the rescale
 * path allocates (rare).
 * @module
 */
import { FrameKind, type ParsedFrame, parseFrameInPlace } from "./parse.ts";
import type { FrameData } from "../capture_writer.ts";
import type { BinanceCapture } from "./capture.ts";
import type { SymbolBook } from "./symbol_book.ts";
import { SymbolPeek } from "./_symbol_peek.ts";
import type { Inbox } from "./_inbox.ts";

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
    this.pf.symbols = this.#peek;
  }

  /**
   * Parse the text frame `b[start, end)` (`b[end]` spare) received at `wall` on a connection whose
   * first symbol is `home`; stages it in the capture it belongs to. Sets {@linkcode MultiFrames.symbol}.
   */
  parse(b: Uint8Array, start: number, end: number, home: number, wall: number): FrameKind {
    const pf = this.pf;
    const k = this.peeked = this.#peek.peek(b, start, end);
    const sb = k >= 0 ? this.#books[k]! : null;
    const cap = this.#cap = (sb ?? this.#books[home]!).capture;
    this.#misrouted = false;
    sb?.useScale(pf);
    let kind = cap === null ? parseFrameInPlace(b, start, end, pf) : cap.parseBytes(b, start, end, pf);
    if (kind === FrameKind.Malformed && sb !== null && (pf.tooFine || pf.tooLarge)) {
      const again = (): FrameKind => cap === null ? parseFrameInPlace(b, start, end, pf) : cap.reparse(pf);
      kind = sb.fit(pf, kind, again, wall);
    }
    const data = kind === FrameKind.Depth || kind === FrameKind.Trade || kind === FrameKind.AggTrade;
    if (data && pf.symbolIndex !== k && pf.symbolIndex >= 0) {
      // Not where the peek said (unusual spacing): parse again at its own symbol's scale; the
      // staged line is kept as an other line.
      const own = this.#books[pf.symbolIndex]!;
      this.#misrouted = true;
      own.useScale(pf);
      kind = parseFrameInPlace(b, start, end, pf);
      if (kind === FrameKind.Malformed && (pf.tooFine || pf.tooLarge)) {
        kind = own.fit(pf, kind, () => parseFrameInPlace(b, start, end, pf), wall);
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
   * The frame at inbox slot `i` must not reach the books (an old connection's, or one left at
   * stop); received on a connection whose first symbol is `home`: captured only, as it would
   * have been.
   */
  captureOnly(inbox: Inbox, i: number, home: number): void {
    const wall = inbox.wallNs(i);
    if (!inbox.hasBytes(i)) return this.binary(inbox.text(i) as FrameData, home, wall);
    if (this.#books[0]!.capture === null) return;
    this.commit(this.parse(inbox.bytes, inbox.start(i), inbox.end(i), home, wall), wall);
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
