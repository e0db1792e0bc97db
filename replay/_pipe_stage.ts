/**
 * Private: the producer half of the two-thread replay, an `L3Stage` (`_stage.ts`) that copies
 * each message's normalized records (and, before a book message, its context message; control
 * messages for the calls that carry no record: `_context.ts`) into the SPSC ring for the L3
 * Worker (`_pipe_worker.ts`).
 *
 * Contract: no allocation per message; records are written whole (64 bytes) from the batch and
 * published every {@linkcode PUBLISH_EVERY} records (after a message), before waiting for room
 * (a message larger than the ring goes in parts: the reader assembles it up to its LAST record)
 * and at {@linkcode PipeStage.finish}. A full ring is waited
 * out by a short spin, then asleep until the Worker has freed a quarter of it (`PipeFlag`),
 * unless the Worker raised the fail flag, which throws — as does a Worker that has not started
 * reading {@linkcode START_TIMEOUT_MS} after the ring filled (its module failed to load: its
 * error event cannot be seen while this waits).
 * @module
 */
import { RingProducer } from "../spsc/producer.ts";
import { DATA_OFFSET } from "../spsc/layout.ts";
import { systemClock } from "../engine/clock.ts";
import { Flag, Off, RECORD_BYTES, RecordBatch, RecordKind } from "../market/record.ts";
import type { SideLevels } from "./record_l3.ts";
import type { L3Stage, StageTotals } from "./_stage.ts";
import { type BookContext, encodeContext, encodeControl, ReplayKind } from "./_context.ts";
import { PipeFlag, type PipeReply, wakeRoom } from "./_pipe_records.ts";

/** How long a full ring is waited out before a Worker that never started is given up, ms. */
export const START_TIMEOUT_MS = 30_000;

/** Checks of a full ring before the producer sleeps for room. */
export const ROOM_SPINS = 1024;

/** Longest sleep for room before the ring is looked at again, ms (the Worker wakes it sooner). */
export const SLEEP_MS = 10;

/** Records written between two publications of the ring's head (at message boundaries). */
export const PUBLISH_EVERY = 512;

/** Raised on the replay's thread when the L3 Worker failed (its own error follows in `finish`). */
export class PipeWorkerFailed extends Error {
  override name = "PipeWorkerFailed";
  /** True when the Worker never started reading (it will not answer either). */
  readonly neverStarted: boolean;
  /** `message`; `neverStarted` as above. */
  constructor(message: string, neverStarted = false) {
    super(message);
    this.neverStarted = neverStarted;
  }
}

/** The Worker's failure as an error for the caller (`Deno.errors.BrokenPipe` for a closed pipe). */
export function workerError(r: { error: string; name: string }): Error {
  if (r.name === "BrokenPipe") return new Deno.errors.BrokenPipe(r.error);
  return new Error(`replay L3 worker: ${r.error}`);
}

/** The ring-writing stage. One replay; {@linkcode PipeStage.finish} closes the ring. */
export class PipeStage implements L3Stage {
  readonly useTrades: boolean;
  readonly #p: RingProducer;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;
  readonly #fail: Int32Array;
  readonly #reply: Promise<PipeReply>;
  readonly #ctl = new RecordBatch(4);
  #room = 0; // free slots known
  #pending = 0; // records committed and not yet published
  #closed = false;
  #gaveUp = false;

  /**
   * Write into `ring` (64-byte records); `fail` holds the Worker's Int32 flags (`[0]` failed,
   * `[1]` started) and `reply` is its answer once the ring is closed and drained.
   */
  constructor(
    ring: SharedArrayBuffer,
    fail: SharedArrayBuffer,
    useTrades: boolean,
    reply: Promise<PipeReply>,
  ) {
    this.#p = new RingProducer(ring, { flushEvery: 1 << 30 });
    if (this.#p.recordSize !== RECORD_BYTES) throw new TypeError("replay pipe: not a 64-byte-record ring");
    this.#u32 = new Uint32Array(ring);
    this.#f64 = new Float64Array(ring);
    this.#fail = new Int32Array(fail);
    this.#reply = reply;
    this.useTrades = useTrades;
  }

  write(batch: RecordBatch, ctx: BookContext): void {
    if (batch.messageKind !== RecordKind.Trade) {
      encodeContext(ctx, this.#ctl);
      this.#copy(this.#ctl);
    }
    this.#copy(batch);
  }

  /** The records of an `update` straight from its level arrays into the ring (no batch copy). */
  updateLevels(header: RecordBatch, ctx: BookContext, lv: SideLevels): void {
    encodeContext(ctx, this.#ctl);
    this.#copy(this.#ctl);
    const nb = lv.nBids;
    const n = nb + lv.nAsks;
    if (n === 0) {
      header.add(0, 0, 0); // the one header-only record, as the stream writes it
      header.finish(true);
      return this.#copy(header);
    }
    const p = this.#p;
    const dst = this.#u32;
    const dst64 = this.#f64;
    const mask = p.capacity - 1;
    // The header every record repeats (`market/_record_layout.ts`), as `RecordBatch` writes it.
    const w0 = (header.messageKind | (header.instrument << 16)) >>> 0;
    const w1 = (header.priceDecimals | (header.qtyDecimals << 8) | (header.reason << 16)) >>> 0;
    const seq = header.seq;
    const uid = header.updateId;
    const evt = header.eventTimeMs;
    const rs = header.recvSec;
    const rn = header.recvSubNs;
    let i = 0;
    while (i < n) {
      const m = this.#reserve(n - i);
      const slot0 = (p.offsetAhead(0) - DATA_OFFSET) >> 6; // the ring slot of the next record
      for (let j = 0; j < m; j++, i++) {
        const q = (DATA_OFFSET >> 3) + (((slot0 + j) & mask) << 3); // f64 index of the record
        const w = q << 1;
        const bid = i < nb;
        const k = bid ? i : i - nb;
        dst[w] = w0 | (((bid ? Flag.BID : 0) | (i === n - 1 ? Flag.LAST : 0)) << 8);
        dst[w + 1] = w1;
        dst64[q + (Off.seq >> 3)] = seq;
        dst64[q + (Off.updateId >> 3)] = uid;
        dst64[q + (Off.eventTimeMs >> 3)] = evt;
        dst[w + (Off.recvSec >> 2)] = rs;
        dst[w + (Off.recvSubNs >> 2)] = rn;
        dst64[q + (Off.price >> 3)] = bid ? lv.bidPx[k]! : lv.askPx[k]!;
        dst64[q + (Off.qty >> 3)] = bid ? lv.bidQty[k]! : lv.askQty[k]!;
        dst64[q + (Off.lost >> 3)] = 0;
      }
      this.#commit(m);
    }
  }

  unchanged(): void {
    encodeControl(ReplayKind.Unchanged, this.#ctl);
    this.#copy(this.#ctl);
  }

  dropTrades(): void {
    encodeControl(ReplayKind.DropTrades, this.#ctl);
    this.#copy(this.#ctl);
  }

  /** Close the ring and wait for the Worker's totals (it has then written every event). */
  async finish(): Promise<StageTotals> {
    if (this.#gaveUp) throw new PipeWorkerFailed("the replay L3 worker did not start", true);
    if (!this.#closed) {
      this.#closed = true;
      this.#p.close();
    }
    const r = await this.#reply;
    if ("error" in r) throw workerError(r);
    return r;
  }

  // Copy the message's records into the ring in runs as room allows (a message larger than the
  // free room is published in parts: the reader assembles it); publish every so often.
  #copy(batch: RecordBatch): void {
    const n = batch.count;
    const p = this.#p;
    const dst = this.#u32;
    const dst64 = this.#f64;
    const mask = p.capacity - 1;
    let i = 0;
    while (i < n) {
      const m = this.#reserve(n - i);
      const slot0 = (p.offsetAhead(0) - DATA_OFFSET) >> 6; // the ring slot of the next record
      for (let j = 0; j < m; j++, i++) {
        batch.writeRecordTo(i, dst, dst64, (DATA_OFFSET >> 3) + (((slot0 + j) & mask) << 3));
      }
      this.#commit(m);
    }
  }

  // How many of `want` records fit now (at least one: waits for room when the ring is full).
  #reserve(want: number): number {
    if (this.#room === 0) this.#waitRoom();
    return Math.min(want, this.#room);
  }

  // Commit `m` records written after the ring's write position; publish every so often.
  #commit(m: number): void {
    const p = this.#p;
    p.commitMany(m);
    this.#room -= m;
    this.#pending += m;
    if (this.#pending >= PUBLISH_EVERY) {
      this.#pending = 0;
      p.flush();
    }
  }

  // Publish what is written, then wait for room: a short spin, then asleep until a quarter of the
  // ring is free (the Worker wakes this thread, `_pipe_records.ts`), so a producer faster than
  // the L3 Worker does not burn a core waiting. Before the Worker starts: 1 ms naps, given up
  // after START_TIMEOUT_MS.
  #waitRoom(): void {
    const p = this.#p;
    let free = p.room(p.capacity);
    if (free === 0) {
      this.#pending = 0;
      p.flush();
      const f = this.#fail;
      const want = Math.max(1, wakeRoom(p.capacity));
      let spins = 0;
      const t0 = systemClock.monoNs();
      while ((free = p.room(want)) < want) {
        if (Atomics.load(f, PipeFlag.Failed) !== 0) throw new PipeWorkerFailed("the replay L3 worker failed");
        if (Atomics.load(f, PipeFlag.Started) === 0) {
          Atomics.wait(f, PipeFlag.Started, 0, 1);
          if (Atomics.load(f, PipeFlag.Started) === 0 && systemClock.monoNs() - t0 > START_TIMEOUT_MS * 1e6) {
            this.#gaveUp = true; // finish() must not wait for an answer that will not come
            throw new PipeWorkerFailed("the replay L3 worker did not start", true);
          }
        } else if (++spins > ROOM_SPINS) {
          Atomics.store(f, PipeFlag.ProducerAsleep, 1);
          const seq = Atomics.load(f, PipeFlag.WakeSeq);
          // Re-checked after raising the flag: room freed before it was seen is not waited for.
          if (p.room(want) < want && Atomics.load(f, PipeFlag.Failed) === 0) {
            Atomics.wait(f, PipeFlag.WakeSeq, seq, SLEEP_MS);
          }
          Atomics.store(f, PipeFlag.ProducerAsleep, 0);
        }
      }
    }
    this.#room = free;
  }
}
