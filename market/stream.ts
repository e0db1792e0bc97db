/**
 * `MarketStream`: where a venue handler (or replay) turns each venue message of one instrument
 * into normalized records and hands them, after the book applied them, to sinks (rings, files)
 * and in-process subscribers on the engine thread.
 *
 * Contract:
 * - Called on the thread that owns the book, after the book applied the message; subscribers
 *   run synchronously there and see the message's records and a read-only {@linkcode BookView}.
 * - No allocation per message (the batch is reused; it grows only for a bigger message).
 * - A subscriber that throws is reported (`onSubscriberError`) and unsubscribed; the handler and
 *   the other subscribers go on.
 * - `seq`: one counter over book messages (snapshot, update, clear), one over trades, from 1.
 * @module
 */
import type { L2Book } from "../venues/book.ts";
import { type BookView, L2BookView } from "./book_view.ts";
import type { Instrument } from "./instrument.ts";
import { Flag, newHeader, RecordBatch, RecordKind } from "./record.ts";

/** Called after the book applied a venue message: its records and the book. Must not keep `batch`. */
export type Subscriber = (batch: RecordBatch, book: BookView) => void;

/** A consumer of every message (ring writer, file writer); errors propagate to the handler. */
export interface RecordSink {
  /** Take one message (copy what must outlive the call). */
  write(batch: RecordBatch, book: BookView): void;
  /** Publish what was written (called at the end of each handler poll). */
  flush?(): void;
}

/** Reports a subscriber that threw (it has been unsubscribed). */
export type SubscriberErrorHandler = (err: unknown, instrument: Instrument) => void;

/** The normalized stream of one instrument. */
export class MarketStream {
  /** The instrument. */
  readonly instrument: Instrument;
  /** The read-only view subscribers get. */
  readonly view: L2BookView;
  /** The records of the message being built (valid during dispatch). */
  readonly batch: RecordBatch = new RecordBatch();
  /** Book messages so far (the last book `seq`). */
  bookSeq = 0;
  /** Trade messages so far (the last trade `seq`). */
  tradeSeq = 0;
  /** Subscribers removed because they threw. */
  failedSubscribers = 0;
  readonly #book: L2Book;
  readonly #h = newHeader();
  readonly #copyH = newHeader();
  #subs: Subscriber[] = [];
  readonly #sinks: RecordSink[] = [];
  readonly #onError: SubscriberErrorHandler;

  /** The stream of `instrument`, whose book is `book`. */
  constructor(instrument: Instrument, book: L2Book, onSubscriberError?: SubscriberErrorHandler) {
    this.instrument = instrument;
    this.#book = book;
    this.view = new L2BookView(book, instrument);
    this.#onError = onSubscriberError ??
      ((e, i) => console.error(`subscriber of ${i.venue}:${i.symbol} threw and was removed: ${e}`));
    this.#h.instrument = instrument.id;
  }

  /** True when anyone listens (handlers skip building records otherwise). */
  get active(): boolean {
    return this.#subs.length > 0 || this.#sinks.length > 0;
  }

  /** Call `fn` after every message. Returns the unsubscribe function. Allocates (once). */
  subscribe(fn: Subscriber): () => void {
    this.#subs = [...this.#subs, fn];
    return () => {
      this.#subs = this.#subs.filter((s) => s !== fn);
    };
  }

  /** Add a sink (a ring writer, a file writer). */
  addSink(sink: RecordSink): void {
    this.#sinks.push(sink);
  }

  /** Publish what sinks hold (handlers call it at the end of every poll). No allocation. */
  flush(): void {
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.flush?.();
  }

  /** Start a book message (`Snapshot` or `Update`): the next `seq`. */
  beginBook(
    kind: RecordKind,
    updateId: number,
    eventTimeMs: number,
    recvSec: number,
    recvSubNs: number,
  ): void {
    this.#begin(kind, ++this.bookSeq, updateId, eventTimeMs, recvSec, recvSubNs, 0);
  }

  /** Add a level (absolute quantity; 0 deletes) to the message begun. */
  level(isBid: boolean, price: number, qty: number): void {
    this.batch.add(isBid ? Flag.BID : 0, price, qty);
  }

  /** Add `n` levels of one side (prices `px[0, n)`, absolute quantities `qty[0, n)`) to the message begun. */
  levels(isBid: boolean, px: Float64Array, qty: Float64Array, n: number): void {
    this.batch.addLevels(isBid ? Flag.BID : 0, px, qty, n);
  }

  /** Finish the message begun and hand it out. */
  end(): void {
    const b = this.batch;
    const empty = b.count === 0;
    if (empty) b.add(0, 0, 0);
    b.finish(empty);
    if (this.#h.kind === RecordKind.Snapshot) this.view.valid = true;
    this.#dispatch();
  }

  /** Emit the whole book as a `snapshot` message (levels best first, bids then asks). */
  snapshot(updateId: number, eventTimeMs: number, recvSec: number, recvSubNs: number): void {
    this.beginBook(RecordKind.Snapshot, updateId, eventTimeMs, recvSec, recvSubNs);
    writeBookLevels(this.batch, this.#book);
    this.end();
  }

  /** Records a snapshot message of the current book takes (levels, or 1 when empty). */
  snapshotRecords(): number {
    const n = this.#book.bids.size + this.#book.asks.size;
    return n === 0 ? 1 : n;
  }

  /**
   * Fill `out` with a copy of the current book as a `snapshot` message carrying the `seq` of the
   * last book message it includes (it takes no `seq` of its own). For late joiners and for
   * readers that lost messages. Allocates nothing beyond `out` growing.
   */
  copySnapshot(out: RecordBatch): void {
    const h = this.#copyH;
    h.kind = RecordKind.Snapshot;
    h.instrument = this.instrument.id;
    h.priceDecimals = this.instrument.priceDecimals;
    h.qtyDecimals = this.instrument.qtyDecimals;
    h.seq = this.bookSeq;
    h.updateId = this.#book.updateId;
    h.reason = 0;
    out.begin(h);
    writeBookLevels(out, this.#book);
    const empty = out.count === 0;
    if (empty) out.add(0, 0, 0);
    out.finish(empty);
  }

  /** Emit `clear` (the book is invalid until the next snapshot) with a ResyncReason code. */
  clear(reason: number, eventTimeMs: number, recvSec: number, recvSubNs: number): void {
    if (!this.view.valid) return; // nothing to invalidate (never synchronized, or already cleared)
    this.#begin(
      RecordKind.Clear,
      ++this.bookSeq,
      this.#book.updateId,
      eventTimeMs,
      recvSec,
      recvSubNs,
      reason,
    );
    this.view.valid = false;
    this.end();
  }

  /** Emit a trade (`takerBuy`: the taker bought). */
  trade(
    price: number,
    qty: number,
    takerBuy: boolean,
    tradeId: number,
    eventTimeMs: number,
    recvSec: number,
    recvSubNs: number,
  ): void {
    this.#begin(RecordKind.Trade, ++this.tradeSeq, tradeId, eventTimeMs, recvSec, recvSubNs, 0);
    this.batch.add(takerBuy ? Flag.BID : 0, price, qty);
    this.batch.finish(false);
    this.#dispatch();
  }

  #begin(
    kind: RecordKind,
    seq: number,
    updateId: number,
    eventTimeMs: number,
    recvSec: number,
    recvSubNs: number,
    reason: number,
  ): void {
    const h = this.#h;
    h.kind = kind;
    h.seq = seq;
    h.updateId = updateId;
    h.eventTimeMs = eventTimeMs;
    h.recvSec = recvSec;
    h.recvSubNs = recvSubNs;
    h.reason = reason;
    h.priceDecimals = this.instrument.priceDecimals;
    h.qtyDecimals = this.instrument.qtyDecimals;
    this.batch.begin(h);
  }

  #dispatch(): void {
    const b = this.batch;
    const v = this.view;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.write(b, v);
    const subs = this.#subs;
    for (let i = 0; i < subs.length; i++) {
      const fn = subs[i]!;
      try {
        fn(b, v);
      } catch (e) {
        this.failedSubscribers++;
        this.#subs = this.#subs.filter((s) => s !== fn);
        this.#onError(e, this.instrument);
      }
    }
  }
}

/** Append every level of `book` to the message `out` has begun: bids best first, then asks. */
function writeBookLevels(out: RecordBatch, book: L2Book): void {
  for (let side = 0; side < 2; side++) {
    const isBid = side === 0;
    const bs = book.side(isBid);
    const n = bs.size;
    out.ensure(out.count + n);
    const flags = isBid ? Flag.BID : 0;
    for (let i = 0; i < n; i++) out.add(flags, bs.priceAt(i), bs.qtyAt(i));
  }
}

/** Split receive ns since the epoch (a float that may exceed 2^53) into whole seconds. */
export function recvSecOf(ns: number): number {
  return Math.floor(ns / 1e9);
}

/** The ns within the second of a receive time in ns since the epoch. */
export function recvSubNsOf(ns: number): number {
  return Math.max(0, Math.min(999_999_999, Math.round(ns - Math.floor(ns / 1e9) * 1e9)));
}
