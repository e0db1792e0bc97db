/**
 * Private: the consumer half of the two-thread replay. Reads the messages of
 * `_pipe_records.ts` from the SPSC ring and makes the same calls on a `LocalStage`
 * (`_stage.ts`), which runs L3 inference into the Worker's writer.
 *
 * Contract: blocks (spins, then `Atomics.wait`) while the ring is empty; returns when the
 * producer has closed it and every record is read. Frees records in runs of at most
 * {@linkcode RELEASE_EVERY}, so the producer never waits for a whole batch. Throws on an unknown
 * op (a protocol bug). No allocation per message except growing the level arrays.
 * @module
 */
import { RingConsumer } from "../spsc/consumer.ts";
import { L2Book } from "../venues/book.ts";
import { DepthDiff } from "../venues/binance/types.ts";
import type { LocalStage } from "./_stage.ts";
import { PIPE_RECORD_SIZE, PipeOp, recordsToWrap } from "./_pipe_records.ts";

/**
 * Empty-ring checks before the Worker sleeps. A sleeping Worker costs the producer a wake-up
 * (a futex call, tens of µs on this VM) at its next flush; spinning costs only the Worker's core.
 */
export const SPINS = 1 << 16;

/** Records read before they are released to the producer. */
export const RELEASE_EVERY = 1024;

/** Drains the ring into a stage. */
export class PipeReader {
  readonly #c: RingConsumer;
  readonly #f: Float64Array;
  readonly #stage: LocalStage;
  readonly #diff = new DepthDiff(1024);
  readonly #book = new L2Book(4096);
  #avail = 0; // readable records from the tail
  #used = 0; // of which read
  #bb0 = NaN;
  #ba0 = NaN;
  #bb1 = NaN;
  #ba1 = NaN;

  /** Read `ring` (this thread is its only consumer) into `stage`. */
  constructor(ring: SharedArrayBuffer, stage: LocalStage) {
    this.#c = new RingConsumer(ring);
    this.#f = new Float64Array(ring);
    if (this.#c.recordSize !== PIPE_RECORD_SIZE) {
      throw new TypeError("replay pipe: not a 16-byte-record ring");
    }
    this.#stage = stage;
  }

  /** Process messages until the ring is closed and drained. */
  run(): void {
    const f = this.#f;
    const stage = this.#stage;
    while (this.#more()) {
      let i = this.#rec();
      const op = f[i]!;
      const x = f[i + 1]!;
      if (op === PipeOp.Diff) this.#runDiff(x);
      else if (op === PipeOp.Trade) {
        i = this.#rec();
        const qty = f[i]!;
        const bid = f[i + 1] === 1;
        i = this.#rec();
        stage.trades!.push(x, qty, bid, f[i]!);
      } else if (op === PipeOp.Recv) {
        i = this.#rec();
        stage.setRecv(x, f[i]!);
      } else if (op === PipeOp.Unchanged) stage.unchanged();
      else if (op === PipeOp.Best) {
        this.#bb0 = x;
        i = this.#rec();
        this.#ba0 = f[i]!;
        this.#bb1 = f[i + 1]!;
        i = this.#rec();
        this.#ba1 = f[i]!;
      } else if (op === PipeOp.Resync) {
        i = this.#rec();
        stage.resync(x, f[i]!);
      } else if (op === PipeOp.Snapshot) this.#runSnapshot(x);
      else throw new TypeError(`replay pipe: unknown message op ${op}`);
    }
    this.#c.release(this.#used);
    this.#used = this.#avail = 0;
  }

  #runDiff(nb: number): void {
    const f = this.#f;
    const d = this.#diff;
    let i = this.#rec();
    const na = f[i]!;
    d.lastId = f[i + 1]!;
    i = this.#rec();
    d.eventTimeMs = f[i]!;
    d.firstId = f[i + 1]!;
    d.growBids(nb);
    d.growAsks(na);
    d.nBids = nb;
    d.nAsks = na;
    this.#levels(d.bidPx, d.bidQty, nb);
    this.#levels(d.askPx, d.askQty, na);
    this.#stage.applied(d, this.#bb0, this.#ba0, this.#bb1, this.#ba1);
  }

  #runSnapshot(updateId: number): void {
    const f = this.#f;
    let i = this.#rec();
    const sec = f[i]!;
    const subNs = f[i + 1]!;
    i = this.#rec();
    const nb = f[i]!;
    const na = f[i + 1]!;
    // Rebuild the synced book: LocalStage seeds L3 from it best first, as the sender listed it.
    const book = this.#book;
    book.clear();
    for (let k = 0; k < nb; k++) {
      i = this.#rec();
      book.bids.set(f[i]!, f[i + 1]!);
    }
    for (let k = 0; k < na; k++) {
      i = this.#rec();
      book.asks.set(f[i]!, f[i + 1]!);
    }
    book.updateId = updateId;
    this.#stage.snapshot(book, sec, subNs);
  }

  // Copy `n` (price, qty) records into px/qty.
  #levels(px: Float64Array, qty: Float64Array, n: number): void {
    const f = this.#f;
    const c = this.#c;
    let k = 0;
    while (k < n) {
      this.#need();
      // A run of records that are readable and do not wrap: consecutive f64 pairs.
      let i = c.offsetAt(this.#used) >> 3;
      const m = Math.min(n - k, this.#avail - this.#used, recordsToWrap(i, c.capacity));
      const end = k + m;
      for (; k < end; k++, i += 2) {
        px[k] = f[i]!;
        qty[k] = f[i + 1]!;
      }
      this.#used += m;
    }
  }

  // The Float64 index of the next record (one must follow: the message is not complete yet).
  #rec(): number {
    this.#need();
    return this.#c.offsetAt(this.#used++) >> 3;
  }

  // A record of the message being read must be readable (releasing what is read); throws when
  // the ring closed instead.
  #need(): void {
    if ((this.#used === this.#avail || this.#used >= RELEASE_EVERY) && !this.#more()) {
      throw new TypeError("replay pipe: the ring closed in the middle of a message");
    }
  }

  // Make at least one record readable, releasing the ones read; false once closed and drained.
  #more(): boolean {
    const c = this.#c;
    if (this.#used < this.#avail && this.#used < RELEASE_EVERY) return true;
    if (this.#used > 0) {
      c.release(this.#used);
      this.#avail -= this.#used;
      this.#used = 0;
    }
    if (this.#avail > 0) return true;
    for (;;) {
      const n = c.available();
      if (n > 0) {
        this.#avail = n;
        return true;
      }
      if (c.wait(1000, SPINS) === "closed") return false;
    }
  }
}
