/**
 * Private: the producer half of the two-thread replay, an `L3Stage` (`_stage.ts`) that writes
 * each message's normalized records (and, before a book message, its context message; control
 * messages for the calls that carry no record: `_context.ts`) into the SPSC ring for the L3
 * Worker (`_pipe_worker.ts`), in the pipe's compact encoding (`_pipe_codec.ts`: a header per
 * message, 16 bytes per record).
 *
 * Contract: no allocation per message; a message's header is committed whole, its records in
 * runs as room allows (a message larger than the free room goes in parts: the reader assembles
 * it); the ring is published every {@linkcode PUBLISH_EVERY} slots (after a message), before
 * waiting for room and at {@linkcode PipeStage.finish}. A full ring is waited
 * out by a short spin, then asleep until the Worker has freed a quarter of it (`PipeFlag`),
 * unless the Worker raised the fail flag, which throws — as does a Worker that has not started
 * reading {@linkcode START_TIMEOUT_MS} after the ring filled (its module failed to load: its
 * error event cannot be seen while this waits). A started Worker is waited for without limit
 * unless `stallMs` is given (it may be blocked writing to a reader that paused: `replay … | less`).
 * @module
 */
import { RingProducer } from "../spsc/producer.ts";
import { DATA_OFFSET } from "../spsc/layout.ts";
import { systemClock } from "../engine/clock.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import type { SideLevels } from "./record_l3.ts";
import type { L3Stage, StageTotals } from "./_stage.ts";
import { type BookContext, contextReason, ReplayKind } from "./_context.ts";
import {
  MIN_SLOTS,
  PipeFlag,
  type PipeReply,
  PipeWorkerFailed,
  wakeRoom,
  workerError,
} from "./_pipe_records.ts";
import {
  encodeHeader,
  encodePrivateHeader,
  HEADER_SLOTS,
  impliedFlags,
  leadingBids,
  PipeFlagBits,
  SLOT_BYTES,
} from "./_pipe_codec.ts";

const DATA_F64 = DATA_OFFSET >> 3; // float64 index of the ring's slot 0

/** How long a full ring is waited out before a Worker that never started is given up, ms. */
export const START_TIMEOUT_MS = 30_000;

/** Checks of a full ring before the producer sleeps for room. */
export const ROOM_SPINS = 1024;

/** Longest sleep for room before the ring is looked at again, ms (the Worker wakes it sooner). */
export const SLEEP_MS = 10;

/** Slots written between two publications of the ring's head (at message boundaries). */
export const PUBLISH_EVERY = 2048;

/** The ring-writing stage. One replay; {@linkcode PipeStage.finish} closes the ring. */
export class PipeStage implements L3Stage {
  readonly useTrades: boolean;
  readonly #p: RingProducer;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;
  readonly #fail: Int32Array;
  readonly #reply: Promise<PipeReply>;
  #room = 0; // free slots known
  #pending = 0; // slots committed and not yet published
  #closed = false;
  #gaveUp: string | undefined; // why the Worker was given up: finish() must not wait for it
  readonly #stallNs: number;

  /**
   * Write into `ring` (16-byte slots, `_pipe_codec.ts`); `fail` holds the Worker's Int32 flags
   * (`[0]` failed, `[1]` started) and `reply` is its answer once the ring is closed and drained.
   * `opts.stallMs`: give up when a started Worker frees no slot for that long while the ring is
   * full (tests: a stuck Worker then fails the test instead of blocking its thread, where no timer
   * can fire).
   */
  constructor(
    ring: SharedArrayBuffer,
    fail: SharedArrayBuffer,
    useTrades: boolean,
    reply: Promise<PipeReply>,
    opts: { stallMs?: number } = {},
  ) {
    this.#p = new RingProducer(ring, { flushEvery: 1 << 30 });
    if (this.#p.recordSize !== SLOT_BYTES) throw new TypeError("replay pipe: not a 16-byte-slot ring");
    if (this.#p.capacity < MIN_SLOTS) {
      throw new RangeError(`replay pipe: a ring of at least ${MIN_SLOTS} slots`);
    }
    this.#u32 = new Uint32Array(ring);
    this.#f64 = new Float64Array(ring);
    this.#fail = new Int32Array(fail);
    this.#reply = reply;
    this.useTrades = useTrades;
    this.#stallNs = (opts.stallMs ?? Infinity) * 1e6;
  }

  write(batch: RecordBatch, ctx: BookContext): void {
    if (batch.messageKind !== RecordKind.Trade) this.#context(ctx);
    this.#encode(batch);
  }

  /** The records of an `update` straight from its level arrays into the ring (no batch copy). */
  updateLevels(header: RecordBatch, ctx: BookContext, lv: SideLevels): void {
    this.#context(ctx);
    const nb = lv.nBids;
    const n = nb + lv.nAsks;
    if (n === 0) {
      header.add(0, 0, 0); // the one header-only record, as the stream writes it
      header.finish(true);
      return this.#encode(header);
    }
    this.#header(header, 0, n, nb);
    this.#levels(lv.bidPx, lv.bidQty, nb);
    this.#levels(lv.askPx, lv.askQty, lv.nAsks);
    this.#ended();
  }

  unchanged(): void {
    this.#control(ReplayKind.Unchanged);
  }

  dropTrades(): void {
    this.#control(ReplayKind.DropTrades);
  }

  /** Close the ring and wait for the Worker's totals (it has then written every event). */
  async finish(): Promise<StageTotals> {
    if (this.#gaveUp !== undefined) throw new PipeWorkerFailed(this.#gaveUp, true);
    if (!this.#closed) {
      this.#closed = true;
      this.#p.close();
    }
    const r = await this.#reply;
    if ("error" in r) throw workerError(r);
    return r;
  }

  // A message's records (`_pipe_codec.ts`): the header, then a slot per record (two when WIDE).
  #encode(b: RecordBatch): void {
    const n = b.count;
    const nb = leadingBids(b);
    const mf = impliedFlags(b, nb);
    this.#header(b, mf, n, nb);
    const p = this.#p;
    const f64 = this.#f64;
    const mask = p.capacity - 1;
    const wide = (mf & PipeFlagBits.WIDE) !== 0;
    const per = wide ? 2 : 1;
    let i = 0;
    while (i < n) {
      const m = this.#reserve(per * (n - i));
      const s0 = (p.offsetAhead(0) - DATA_OFFSET) >> 4; // the ring slot of the next one
      const end = i + (wide ? m >> 1 : m);
      for (let j = 0; i < end; i++, j += per) {
        const q = DATA_F64 + (((s0 + j) & mask) << 1);
        f64[q] = b.price(i);
        f64[q + 1] = b.qty(i);
        if (wide) {
          const w = (DATA_F64 + (((s0 + j + 1) & mask) << 1)) << 1;
          this.#u32.fill(0, w, w + 4);
          this.#u32[w] = b.flags(i);
        }
      }
      this.#commit(m - (m & (per - 1)));
    }
    this.#ended();
  }

  // The context message (its layout: `_context.ts`): its header, then its 2 records (4 on a
  // window venue).
  #context(c: BookContext): void {
    const n = c.window ? 4 : 2;
    this.#privateHeader(ReplayKind.Context, 0, n, c.firstId, c.lastId, contextReason(c));
    this.#pair(c.bb0, c.ba0);
    this.#pair(c.bb1, c.ba1);
    if (n === 4) {
      this.#pair(c.exitBid, c.exitAsk);
      this.#pair(c.enterBid, c.enterAsk);
    }
    this.#ended();
  }

  // A control message (`_context.ts`): one header-only record of its kind.
  #control(kind: number): void {
    this.#privateHeader(kind, PipeFlagBits.EMPTY, 1, 0, 0, 0);
    this.#pair(0, 0);
    this.#ended();
  }

  // A replay-private message's header (`encodePrivateHeader`), committed whole.
  #privateHeader(kind: number, mf: number, n: number, seq: number, uid: number, reason: number): void {
    if (this.#room < HEADER_SLOTS) this.#waitRoom(HEADER_SLOTS);
    const p = this.#p;
    const q0 = p.offsetAhead(0) >> 3;
    const q1 = p.offsetAhead(1) >> 3;
    encodePrivateHeader(this.#u32, this.#f64, q0, q1, p.offsetAhead(2) >> 3, kind, mf, n, seq, uid, reason);
    this.#commit(HEADER_SLOTS);
  }

  // One record's slot.
  #pair(a: number, b: number): void {
    if (this.#room === 0) this.#waitRoom(1);
    const q = this.#p.offsetAhead(0) >> 3;
    this.#f64[q] = a;
    this.#f64[q + 1] = b;
    this.#commit(1);
  }

  // `n` (price, qty) slots from arrays.
  #levels(px: Float64Array, qty: Float64Array, n: number): void {
    const p = this.#p;
    const f64 = this.#f64;
    const mask = p.capacity - 1;
    let i = 0;
    while (i < n) {
      const m = this.#reserve(n - i);
      const s0 = (p.offsetAhead(0) - DATA_OFFSET) >> 4;
      for (let j = 0; j < m; j++, i++) {
        const q = DATA_F64 + (((s0 + j) & mask) << 1);
        f64[q] = px[i]!;
        f64[q + 1] = qty[i]!;
      }
      this.#commit(m);
    }
  }

  // The header slots (never published in part: the reader needs a whole header to size a message).
  #header(h: RecordBatch, mf: number, n: number, nb: number): void {
    if (this.#room < HEADER_SLOTS) this.#waitRoom(HEADER_SLOTS);
    const p = this.#p;
    encodeHeader(
      this.#u32,
      this.#f64,
      p.offsetAhead(0) >> 3,
      p.offsetAhead(1) >> 3,
      p.offsetAhead(2) >> 3,
      h,
      mf,
      n,
      nb,
    );
    this.#commit(HEADER_SLOTS);
  }

  // How many of `want` slots fit now (at least two, or one when one is wanted: waits for room).
  #reserve(want: number): number {
    if (this.#room < 2) this.#waitRoom(2);
    return Math.min(want, this.#room);
  }

  // Commit `m` slots written after the ring's write position.
  #commit(m: number): void {
    this.#p.commitMany(m);
    this.#room -= m;
    this.#pending += m;
  }

  // A message is written: publish every so often (at message boundaries).
  #ended(): void {
    if (this.#pending >= PUBLISH_EVERY) {
      this.#pending = 0;
      this.#p.flush();
    }
  }

  // Publish what is written, then wait for `need` free slots: a short spin, then asleep until
  // a quarter of the ring is free (the Worker wakes this thread, `_pipe_records.ts`), so a
  // producer faster than the L3 Worker does not burn a core waiting. Before the Worker starts:
  // 1 ms naps, given up after START_TIMEOUT_MS.
  #waitRoom(need: number): void {
    const p = this.#p;
    let free = p.room(p.capacity);
    if (free < need) {
      this.#pending = 0;
      p.flush();
      const f = this.#fail;
      const want = Math.max(need, wakeRoom(p.capacity));
      let spins = 0;
      const t0 = systemClock.monoNs();
      let seen = free; // room last seen, and when it last grew (the Worker's progress)
      let progressNs = t0;
      while ((free = p.room(want)) < want) {
        if (free > seen) progressNs = systemClock.monoNs();
        seen = free;
        if (Atomics.load(f, PipeFlag.Failed) !== 0) throw new PipeWorkerFailed("the replay L3 worker failed");
        if (Atomics.load(f, PipeFlag.Started) === 0) {
          Atomics.wait(f, PipeFlag.Started, 0, 1);
          if (Atomics.load(f, PipeFlag.Started) === 0 && systemClock.monoNs() - t0 > START_TIMEOUT_MS * 1e6) {
            this.#giveUp("the replay L3 worker did not start");
          }
        } else if (++spins > ROOM_SPINS) {
          Atomics.store(f, PipeFlag.ProducerAsleep, 1);
          const seq = Atomics.load(f, PipeFlag.WakeSeq);
          // Re-checked after raising the flag: room freed before it was seen is not waited for.
          if (p.room(want) < want && Atomics.load(f, PipeFlag.Failed) === 0) {
            Atomics.wait(f, PipeFlag.WakeSeq, seq, SLEEP_MS);
          }
          Atomics.store(f, PipeFlag.ProducerAsleep, 0);
          if (systemClock.monoNs() - progressNs > this.#stallNs) {
            this.#giveUp(`the replay L3 worker freed no room in ${this.#stallNs / 1e6} ms`);
          }
        }
      }
    }
    this.#room = free;
  }

  // The Worker will not answer: remember why (for finish()) and throw.
  #giveUp(why: string): never {
    this.#gaveUp = why;
    throw new PipeWorkerFailed(why, true);
  }
}
