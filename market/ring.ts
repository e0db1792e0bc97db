/**
 * Normalized records across threads: {@linkcode RecordRingWriter} (a {@linkcode RecordSink} on
 * the engine thread) and {@linkcode RecordRingReader} (in the consumer Worker, `ring_reader.ts`),
 * over the project's SPSC ring (`spsc/`) with 64-byte slots.
 *
 * Contract:
 * - Capacity: a power of two of 64-byte records (default 65,536 = 4 MiB), which must exceed the
 *   deepest book's level count (a snapshot copy travels whole). One producer thread
 *   (the engine thread that owns the books), one consumer thread.
 * - Full ring: the book never waits for a slow consumer. A message that does not fit whole is
 *   dropped (never a part of one) and counted. When room returns, the writer first writes one
 *   `gap` record (its `lost` = the messages dropped) and then, for each instrument whose book
 *   messages were dropped, a `snapshot` copy of its current book carrying the `seq` of its last
 *   book message (so a consumer rebuilds and the next update follows on with `seq + 1`).
 *   A `clear` and trades are never lost silently: a lost trade shows only in `lost`.
 * - Records are published (the shared head moves) every {@linkcode FLUSH_EVERY} records and at the
 *   end of every handler poll (`MarketStream.flush`), always at a message boundary, so a reader
 *   sees whole messages and one cross-core store covers many records. The reader frees slots
 *   (the shared tail moves) in runs too: after every {@linkcode RELEASE_EVERY} records and at the
 *   end of each `read`/`poll`, never per message.
 * - The reader reads a message in place in the ring ({@linkcode RingMessage}, valid during its
 *   callback), or copied into a `RecordBatch`.
 * - No allocation per message on either side.
 * @module
 */
import { createRingBuffer, DATA_OFFSET } from "../spsc/layout.ts";
import { RingProducer } from "../spsc/producer.ts";
import type { BookView } from "./book_view.ts";
import { newHeader, RECORD_BYTES, RecordBatch, RecordKind } from "./record.ts";
import type { MarketStream, RecordSink } from "./stream.ts";

export { RecordRingReader, RELEASE_EVERY, WAIT_SPINS } from "./ring_reader.ts";
export { RingMessage } from "./ring_message.ts";

const DATA_F64 = DATA_OFFSET >> 3;

/** Records written between two publications of the ring's head (at message boundaries). */
export const FLUSH_EVERY = 32;

/** A ring buffer for normalized records (`capacity` records of 64 bytes). Allocates once. */
export function createRecordRing(capacity = 1 << 16): SharedArrayBuffer {
  return createRingBuffer({ capacity, recordSize: RECORD_BYTES });
}

/** Producer side: add it to streams with `stream.addSink(writer)`. */
export class RecordRingWriter implements RecordSink {
  /** Messages written. */
  messages = 0;
  /** Messages dropped because the ring was full. */
  lostMessages = 0;
  /** Gap markers written. */
  gaps = 0;
  /** Snapshot copies larger than the whole ring (size the ring for the deepest book). */
  copiesTooBig = 0;
  readonly #p: RingProducer;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;
  readonly #endF64: number; // float64 index just past the last slot
  #pending = 0;
  #pendingLost = 0;
  readonly #dirty = new Set<MarketStream>();
  readonly #streams: MarketStream[] = [];
  readonly #h = newHeader();
  readonly #scratch = new RecordBatch();

  /** Write into `sab` (made by {@linkcode createRecordRing}). */
  constructor(sab: SharedArrayBuffer) {
    this.#p = new RingProducer(sab, { flushEvery: 1 << 30 });
    this.#u32 = new Uint32Array(sab);
    this.#f64 = new Float64Array(sab);
    this.#endF64 = DATA_F64 + (this.#p.capacity << 3);
  }

  /** Attach to `stream` (so a gap can be followed by a snapshot copy of its book). */
  attach(stream: MarketStream): void {
    this.#streams.push(stream);
    stream.addSink(this);
  }

  /** See {@linkcode RecordSink.write}. */
  write(batch: RecordBatch, book: BookView): void {
    if (this.#pendingLost > 0 && !this.#recover()) return this.#lose(batch, book);
    if (this.#p.room(batch.count) < batch.count) {
      this.#p.flush(); // what is pending must reach the reader, or it can never make room
      if (this.#p.room(batch.count) < batch.count) return this.#lose(batch, book);
    }
    this.#copy(batch);
    this.messages++;
  }

  /** Free record slots now (for a producer that prefers to wait, e.g. a benchmark or a replay). */
  room(): number {
    return this.#p.room(this.#p.capacity);
  }

  /** Close the ring: the reader sees the end after draining. */
  close(): void {
    this.flush();
    this.#p.close();
  }

  #lose(batch: RecordBatch, book: BookView): void {
    this.#pendingLost++;
    this.lostMessages++;
    const k = batch.messageKind;
    if (k !== RecordKind.Trade) {
      for (const s of this.#streams) if (s.view === book) this.#dirty.add(s);
    }
  }

  // Write the gap marker and the snapshot copies, all or nothing: false while they do not fit
  // (the caller then loses the message at hand too, and this gap marker counts it).
  #recover(): boolean {
    let need = 1;
    for (const s of this.#dirty) {
      const n = s.view.valid ? s.snapshotRecords() : 0; // invalid: a clear was sent, await its snapshot
      if (n > this.#p.capacity) this.copiesTooBig++; // never fits: stays invalid until a real snapshot
      else need += n;
    }
    if (this.#p.room(need) < need) return false;
    const h = this.#h;
    h.kind = RecordKind.Gap;
    const g = this.#scratch;
    g.begin(h);
    g.add(0, 0, 0);
    g.setLost(this.#pendingLost);
    g.finish(true);
    this.#copy(g);
    this.gaps++;
    this.#pendingLost = 0;
    for (const s of this.#dirty) {
      if (s.view.valid && s.snapshotRecords() <= this.#p.capacity) {
        s.copySnapshot(this.#scratch);
        this.#copy(this.#scratch);
      }
    }
    this.#dirty.clear();
    this.flush();
    return true;
  }

  // Copy the batch's records into the ring (room checked by the caller) and publish them: each
  // record written whole, slot after slot from the head (wrapping once at the ring's end), from the
  // message's header read once and each record's flags, price and quantity read in place (no
  // header pass over the batch, no second copy, nothing per record but what differs).
  #copy(batch: RecordBatch): void {
    const n = batch.count;
    const u32 = this.#u32;
    const f64 = this.#f64;
    const end = this.#endF64;
    const w0 = (batch.messageKind | (batch.instrument << 16)) >>> 0;
    const w1 = (batch.priceDecimals | (batch.qtyDecimals << 8) | (batch.reason << 16)) >>> 0;
    const seq = batch.seq;
    const uid = batch.updateId;
    const evt = batch.eventTimeMs;
    const rs = batch.recvSec;
    const rn = batch.recvSubNs;
    const lost = batch.lost;
    const flags = batch.flagBytes;
    const levels = batch.levelWords;
    let q = this.#p.offsetAhead(0) >>> 3;
    for (let i = 0; i < n; i++) {
      const w = q << 1;
      const r = i << 3;
      u32[w] = w0 | (flags[(i << 6) + 1]! << 8);
      u32[w + 1] = w1;
      f64[q + 1] = seq;
      f64[q + 2] = uid;
      f64[q + 3] = evt;
      u32[w + 8] = rs;
      u32[w + 9] = rn;
      f64[q + 5] = levels[r + 5]!;
      f64[q + 6] = levels[r + 6]!;
      f64[q + 7] = lost;
      q += 8;
      if (q === end) q = DATA_F64;
    }
    this.#p.commitMany(n);
    this.#pending += n;
    if (this.#pending >= FLUSH_EVERY) this.flush();
  }

  /**
   * Publish what was written (one shared store; wakes a sleeping reader). Called every
   * {@linkcode FLUSH_EVERY} records and by `MarketStream.flush()` at the end of each handler poll.
   */
  flush(): void {
    this.#pending = 0;
    this.#p.flush();
  }
}
