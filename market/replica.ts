/**
 * `BookReplica`: a book rebuilt from normalized messages alone (on a consumer Worker, from a
 * file, from NATS), with the checks a consumer owes the stream: `seq` continuity, `clear`, `gap`.
 *
 * Contract: single-threaded; one replica per instrument (messages of other instruments are
 * ignored); no allocation per message. After a `clear`, a `gap` or a `seq` jump the book is
 * invalid (`valid` false) until the next snapshot; book messages whose `seq` is not above the
 * last snapshot's are skipped (a snapshot copy may overtake them).
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { Flag, Off, RECORD_BYTES, type RecordBatch, RecordKind } from "./record.ts";

/** Result of {@linkcode BookReplica.apply}. */
export const ReplicaResult = {
  /** Applied (or a trade seen). */
  Applied: 1,
  /** Another instrument's, or an old book message after a snapshot copy: ignored. */
  Ignored: 2,
  /** The book became (or stays) invalid: clear, gap, seq jump, update before any snapshot. */
  Invalid: 3,
} as const;
/** A value of {@linkcode ReplicaResult}. */
export type ReplicaResult = typeof ReplicaResult[keyof typeof ReplicaResult];

/** A book kept from one instrument's normalized messages. */
export class BookReplica {
  /** The rebuilt book. */
  readonly book: L2Book = new L2Book();
  /** True between a snapshot and the next clear / gap / seq jump. */
  valid = false;
  /** The last book `seq` applied (or taken from a snapshot). */
  bookSeq = 0;
  /** The last trade `seq` seen. */
  tradeSeq = 0;
  /** Book messages missed (seq jumps), trades missed. */
  missedBook = 0;
  /** Trade messages missed (seq jumps). */
  missedTrades = 0;
  /** Gap markers seen. */
  gaps = 0;
  /** The instrument index whose messages this replica applies. */
  readonly instrument: number;

  /** A replica of instrument index `instrument`. */
  constructor(instrument: number) {
    this.instrument = instrument;
  }

  /** Apply one message. No allocation. */
  apply(b: RecordBatch): ReplicaResult {
    const v = b.view;
    const kind = b.messageKind;
    if (kind === RecordKind.Gap) {
      this.gaps++;
      this.valid = false;
      return ReplicaResult.Invalid;
    }
    if (v.getUint16(Off.instrument, true) !== this.instrument) return ReplicaResult.Ignored;
    const seq = v.getFloat64(Off.seq, true);
    if (kind === RecordKind.Trade) {
      if (this.tradeSeq > 0 && seq > this.tradeSeq + 1) this.missedTrades += seq - this.tradeSeq - 1;
      this.tradeSeq = seq;
      return ReplicaResult.Applied;
    }
    if (kind === RecordKind.Snapshot) {
      this.book.clear();
      this.#levels(b);
      this.book.updateId = v.getFloat64(Off.updateId, true);
      this.bookSeq = seq;
      this.valid = true;
      return ReplicaResult.Applied;
    }
    if (seq <= this.bookSeq) return ReplicaResult.Ignored;
    if (this.bookSeq > 0 && seq !== this.bookSeq + 1) {
      this.missedBook += seq - this.bookSeq - 1;
      this.valid = false;
    }
    this.bookSeq = seq;
    if (kind === RecordKind.Clear) {
      this.valid = false;
      this.book.clear();
      return ReplicaResult.Invalid;
    }
    if (!this.valid) return ReplicaResult.Invalid;
    this.#levels(b);
    this.book.updateId = v.getFloat64(Off.updateId, true);
    return ReplicaResult.Applied;
  }

  #levels(b: RecordBatch): void {
    const v = b.view;
    const bytes = b.bytes;
    for (let i = 0; i < b.count; i++) {
      const o = i * RECORD_BYTES;
      const f = bytes[o + Off.flags]!;
      if (f & Flag.EMPTY) continue;
      this.book.side((f & Flag.BID) !== 0).set(
        v.getFloat64(o + Off.price, true),
        v.getFloat64(o + Off.qty, true),
      );
    }
  }
}
