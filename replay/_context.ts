/**
 * Private: what L3 inference needs about a book message beyond its records, computed on the
 * thread that owns the venue's book: the best prices before and after the message (fill
 * attribution), whether the message is one venue event (`U == u`), the venue message's own ids,
 * and, for a venue that sends a fixed-depth window (Hyperliquid), the bounds beyond which a
 * deleted level only LEFT the window (`Exit`) and a new level may have rested unseen (`Enter`).
 *
 * Contract:
 * - {@linkcode ContextTracker.update} is called after the book applied a message; the "before"
 *   values are the "after" values of the previous message (the book changes only through the
 *   messages it emits), so nothing is read before a message is applied.
 * - Across threads the context travels as a replay-private message on the same ring as the
 *   records (read by {@linkcode decodeContext}): kind
 *   {@linkcode ReplayKind.Context}, header `updateId` = the venue message's last id, `seq` = its
 *   first id, `reason` = flags; records `(bb0, ba0)`, `(bb1, ba1)`, then, for a window venue only,
 *   `(exitBid, exitAsk)`, `(enterBid, enterAsk)`. Kinds at and above 16 never leave the replay.
 *   The two-thread replay's writer (`_pipe_stage.ts`) writes it (and the control messages: one
 *   header-only record of their kind) straight into its ring; `tests/replay_pipe_codec_test.ts`
 *   checks that {@linkcode decodeContext} gets the context back.
 * - No allocation per message.
 * @module
 */
import type { L2Book } from "../venues/book.ts";

/** Replay-private message kinds on the replay's ring (the record kinds stop at 5). */
export const ReplayKind = {
  /** The {@linkcode BookContext} of the next book message. */
  Context: 16,
  /** A depth frame that changed nothing (buffered or skipped): ends the trade window's update. */
  Unchanged: 17,
  /** The book was discarded without a `clear` record (it was not valid): pending trades expire. */
  DropTrades: 18,
} as const;

const SINGLE = 1; // flags: one venue event

/** The `reason` of `c`'s context message (its flags). */
export function contextReason(c: BookContext): number {
  return c.singleEvent ? SINGLE : 0;
}

/** The context of one book message (see the module doc). */
export class BookContext {
  /** The venue message's first id (Binance `U`; else its only id). */
  firstId = 0;
  /** The venue message's last id (Binance `u`; a `clear` reports the diff that caused it). */
  lastId = 0;
  /** One venue event (`U == u` on Binance; never on a window venue). */
  singleEvent = false;
  /** Best bid before (NaN: empty). */
  bb0 = NaN;
  /** Best ask before. */
  ba0 = NaN;
  /** Best bid after. */
  bb1 = NaN;
  /** Best ask after. */
  ba1 = NaN;
  /** A bid deleted below this price only left the window (-Infinity: never). */
  exitBid = -Infinity;
  /** An ask deleted above this price only left the window (Infinity: never). */
  exitAsk = Infinity;
  /** A new bid below this price may have rested unseen (-Infinity: never). */
  enterBid = -Infinity;
  /** A new ask above this price may have rested unseen (Infinity: never). */
  enterAsk = Infinity;
  /** True when the venue sends fixed-depth windows (the exit/enter bounds apply). */
  window = false;

  /** A blank context (no message yet). */
  constructor() {
    // The ids are doubles from the start (see `InferredEvent`'s constructor).
    this.firstId = this.lastId = 0.5;
    this.firstId = this.lastId = 0;
  }
}

/** Computes the {@linkcode BookContext} of each message of one book. */
export class ContextTracker {
  /** The context of the message just applied. */
  readonly ctx: BookContext = new BookContext();
  readonly #book: L2Book;
  readonly #depth: number;
  #nb = 0;
  #na = 0;
  #wb = -Infinity;
  #wa = Infinity;

  /** Track `book`; `depth` = levels per side of a window venue's message (Infinity: not one). */
  constructor(book: L2Book, depth = Infinity) {
    this.#book = book;
    this.#depth = depth;
    this.ctx.window = depth !== Infinity;
  }

  /** The book applied a message with ids `firstId`..`lastId`: fill {@linkcode ctx}. */
  update(firstId: number, lastId: number, singleEvent: boolean): BookContext {
    const c = this.ctx;
    const b = this.#book;
    c.firstId = firstId;
    c.lastId = lastId;
    c.singleEvent = singleEvent;
    c.bb0 = c.bb1;
    c.ba0 = c.ba1;
    c.bb1 = b.bids.bestPrice();
    c.ba1 = b.asks.bestPrice();
    if (c.window) {
      const d = this.#depth;
      c.enterBid = this.#nb >= d ? this.#wb : -Infinity;
      c.enterAsk = this.#na >= d ? this.#wa : Infinity;
      const nb = this.#nb = b.bids.size;
      const na = this.#na = b.asks.size;
      this.#wb = nb > 0 ? b.bids.priceAt(nb - 1) : -Infinity;
      this.#wa = na > 0 ? b.asks.priceAt(na - 1) : Infinity;
      c.exitBid = nb >= d ? this.#wb : -Infinity;
      c.exitAsk = na >= d ? this.#wa : Infinity;
    }
    return c;
  }
}

/** What {@linkcode decodeContext} reads (a `RecordBatch`, or a message read in place). */
export interface ContextRecords {
  /** Records. */
  readonly count: number;
  /** Header `updateId`. */
  readonly updateId: number;
  /** Header `seq`. */
  readonly seq: number;
  /** Header `reason`. */
  readonly reason: number;
  /** Price of record `i`. */
  price(i: number): number;
  /** Quantity of record `i`. */
  qty(i: number): number;
}

/** Read a {@linkcode ReplayKind.Context} message into `c`. */
export function decodeContext(b: ContextRecords, c: BookContext): void {
  c.lastId = b.updateId;
  c.firstId = b.seq;
  c.singleEvent = (b.reason & SINGLE) !== 0;
  c.bb0 = b.price(0);
  c.ba0 = b.qty(0);
  c.bb1 = b.price(1);
  c.ba1 = b.qty(1);
  c.window = b.count > 2;
  if (c.window) {
    c.exitBid = b.price(2);
    c.exitAsk = b.qty(2);
    c.enterBid = b.price(3);
    c.enterAsk = b.qty(3);
  }
}
