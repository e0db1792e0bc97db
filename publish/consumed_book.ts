/**
 * `ConsumedBook`: one instrument's book as {@linkcode NatsBookConsumer} rebuilds it from NATS —
 * the replica, its read-only view, the subscribers, and the consumer's counters (messages, seq
 * gaps, foreign payloads, where it started, whether it caught up with the stream).
 * @module
 */
import { L2BookView } from "../market/book_view.ts";
import type { Instrument, MarketName } from "../market/instrument.ts";
import { BookReplica } from "../market/replica.ts";
import type { Subscriber } from "../market/stream.ts";
import { PayloadDecoder } from "./decode.ts";
import { type InstrumentSubjects, subjectsOf } from "./subjects.ts";

/** Why the book is not valid, told to invalidation listeners. */
export type InvalidHandler = (book: ConsumedBook, reason: string) => void;

/** One instrument's book as rebuilt from NATS. */
export class ConsumedBook {
  /**
   * The instrument (index in this consumer); its decimals are the book's scale: the finest of
   * the messages applied so far (it never shrinks; see `_book_apply.ts`).
   */
  readonly instrument: Instrument;
  /** Subjects. */
  readonly subjects: InstrumentSubjects;
  /** The replica (book, seq, counters). */
  replica: BookReplica;
  /** The read-only view subscribers get. */
  view: L2BookView;
  /** Messages taken from NATS. */
  messages = 0;
  /** Snapshot copies skipped (the book was already in step). */
  copiesSkipped = 0;
  /** Foreign payloads skipped. */
  foreign = 0;
  /** Book messages received ahead of a missing seq, by seq (see `_book_apply.ts`). */
  readonly held: Map<number, Uint8Array> = new Map();
  /** Book messages that arrived out of order and were applied in order. */
  reordered = 0;
  /** Book seqs known missing, as [first, last] ranges (at most 1,000 kept). */
  readonly missing: [number, number][] = [];
  /** Stream sequence the consumer started at (0 = the first message). */
  startSeq = 0;
  /** Run id of the start snapshot (messages of other runs before it are not taken). */
  startRunId = "";
  /** True once the book was valid at least once. */
  synchronized = false;
  /** Run id of the publisher seen last. */
  runId = "";
  /** Stream sequence of the last message taken (0 = none yet). */
  lastSeq = 0;
  /**
   * The stream's last sequence on this instrument's subjects as last asked (0 = none; -1 = not
   * known yet). The server's `num_pending` is not used: it can stay above 0 after the last
   * message (nats-server 2.9 counts a message deleted meanwhile, and miscounts filtered pending).
   */
  endSeq = -1;
  /** True once the last message taken was the stream's last on this instrument's subjects. */
  caughtUp = false;
  /** Attempts to create its consumer that timed out and were made again under a new name. */
  createRetries = 0;
  /** A look-up of the stream's last sequence is in flight. */
  checking = false;
  /** Decodes this instrument's payloads (the consumer's; reused per message). */
  readonly decoder: PayloadDecoder;
  /** Subscribers, called after every message applied (see {@linkcode subscribe}). */
  subs: Subscriber[] = [];
  /** Invalidation listeners (see {@linkcode onInvalid}). */
  invalid: InvalidHandler[] = [];

  /** Book `id` (index in the consumer) of `symbol` on `venue` / `market`. */
  constructor(id: number, venue: string, market: MarketName, symbol: string) {
    this.instrument = { id, venue, market, symbol, priceDecimals: 0, qtyDecimals: 0 };
    this.subjects = subjectsOf(venue, market, symbol);
    this.replica = new BookReplica(id);
    this.view = new L2BookView(this.replica.book, this.instrument);
    this.decoder = new PayloadDecoder(id, symbol);
  }

  /** Call `fn` after every message applied. Returns the unsubscribe function. */
  subscribe(fn: Subscriber): () => void {
    this.subs = [...this.subs, fn];
    return () => this.subs = this.subs.filter((s) => s !== fn);
  }

  /** Call `fn` whenever the book becomes invalid, with the reason. */
  onInvalid(fn: InvalidHandler): void {
    this.invalid.push(fn);
  }
}
