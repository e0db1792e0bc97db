/**
 * What the live handler of one Binance symbol shows of itself — its counters, book, sync state,
 * stream, capture and feed-fault state — over the parts it is made of: the symbol's
 * {@linkcode SymbolBook}, the frame reader ({@linkcode SymbolFrames}), the fault state
 * ({@linkcode FeedGuard}) and the inbox. `BinanceHandler` (`handler.ts`) extends it with the I/O
 * and the poll. Read-only from outside; no work happens here.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Logger } from "../../engine/logger.ts";
import type { WarnLimit } from "../_warn_limit.ts";
import { writeBookJson } from "../book_json.ts";
import type { L2Book } from "../book.ts";
import type { MarketStream } from "../../market/stream.ts";
import type { BookSync } from "./sync.ts";
import type { BinanceCapture } from "./capture.ts";
import type { ParsedFrame } from "./parse.ts";
import type { SymbolBook } from "./symbol_book.ts";
import { Inbox } from "./_inbox.ts";
import { FeedGuard } from "./_handler_guard.ts";
import { SymbolFrames } from "./_handler_frames.ts";

/** The state of a one-symbol Binance handler (see `BinanceHandler`). */
export class SymbolHandlerState {
  /** The symbol's book, sync, stream, scale and capture (shared with the many-symbol handler). */
  readonly symbolBook: SymbolBook;
  /** Input queued by I/O callbacks, drained by the poll. */
  protected readonly inbox: Inbox = new Inbox();
  /** The parser's output, set to the symbol's scale. */
  protected readonly pf: ParsedFrame;
  /** Feed faults: silence, stale, foreign and binary frames, the fatal error. */
  protected readonly guard: FeedGuard;
  /** What each frame does. */
  protected readonly frames: SymbolFrames;
  /** The engine's context (set at `start`). */
  protected ctx!: HandlerContext;

  /** The state over `symbolBook` (parsing into `pf`) and `guard`. */
  protected constructor(symbolBook: SymbolBook, pf: ParsedFrame, guard: FeedGuard) {
    this.symbolBook = symbolBook;
    this.pf = pf;
    this.guard = guard;
    this.frames = new SymbolFrames(symbolBook, pf, guard);
  }

  /** Market-data messages processed (depth + trades). */
  get messages(): number {
    return this.frames.messages;
  }

  /** Malformed frames seen. */
  get malformed(): number {
    return this.frames.malformed;
  }

  /** The local book. */
  get book(): L2Book {
    return this.symbolBook.book;
  }

  /** The sync state machine (counters live here); replaced by one with the logger at `start`. */
  get sync(): BookSync {
    return this.symbolBook.sync;
  }

  /** The capture session, when capturing (after start). */
  get capture(): BinanceCapture | null {
    return this.symbolBook.capture;
  }

  /**
   * The instrument's normalized stream: subscribe to be called after every applied message
   * (`handler.stream.subscribe(fn)`), or attach sinks (rings, files).
   */
  get stream(): MarketStream {
    return this.symbolBook.stream;
  }

  /**
   * True from a silent feed (no depth frame for `staleAfterMs` with the socket open) or a lost
   * connection until the book is synchronized again: the book is not live. `writeBookOut`
   * writes `"stale":true` then.
   */
  get stale(): boolean {
    return this.guard.stale;
  }

  /**
   * Why the handler gave up, when it met an error retrying cannot fix (a missing permission, an
   * invalid URL, a snapshot refused with a 4xx such as 400 "Invalid symbol"); undefined while
   * running normally. Once set, `isDone()` is true: the run must end
   * with a non-zero exit.
   */
  get fatal(): string | undefined {
    return this.guard.fatal;
  }

  /** Depth and trade frames of another symbol refused (not applied; captured as other lines). */
  get foreign(): WarnLimit {
    return this.guard.foreign;
  }

  /** Binary frames received (ignored: Binance sends text; handed to the capture as bytes). */
  get binary(): WarnLimit {
    return this.guard.binary;
  }

  /** Inbox entries queued by I/O callbacks and not yet processed (frames and control entries). */
  get queued(): number {
    return this.inbox.length;
  }

  /**
   * Write the book as `--book-out` JSON (8-decimal strings, as Binance sends them; exact at the
   * instrument's scale), with `"stale":true` (and a warning) when the book is stale.
   */
  writeBookOut(path: string): Promise<void> {
    if (this.guard.stale && this.ctx !== undefined) {
      this.ctx.logger.warning(this.ctx.source, 'book-out: stale book (not synchronized since): "stale":true');
    }
    return writeBookJson(path, this.book, this.symbolBook.bookFormat(), this.guard.stale);
  }

  /** Log the periodic diff and I/O counters (`spentWeight`: REST weight used) and note the capture's progress. */
  protected logStats(logger: Logger, spentWeight: number): void {
    const s = this.sync;
    const src = this.ctx.source;
    logger.diffStats(src, s.received, s.applied, s.skipped, s.levelsChanged, this.book.updateId);
    logger.ioStats(src, this.inbox.textUnits, this.capture?.bytesWritten ?? 0, spentWeight);
    this.capture?.progress(this.book.updateId, s.resyncs);
  }
}
