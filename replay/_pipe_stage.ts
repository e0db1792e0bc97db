/**
 * Private: the producer half of the two-thread replay, an `L3Stage` (`_stage.ts`) that writes
 * each call as a message (`_pipe_records.ts`) into the SPSC ring for the L3 Worker.
 *
 * Contract: no allocation per message or level; levels are copied straight from the diff's
 * typed arrays into the ring and committed in runs (`RingProducer.commitMany`), published every
 * `flushEvery` records and at {@linkcode PipeStage.finish}. A full ring is waited out by
 * spinning (the Worker runs on the other core) unless the Worker raised the fail flag, which
 * throws — as does a Worker that has not started reading {@linkcode START_TIMEOUT_MS} after the
 * ring filled (its module failed to load: the error event cannot be seen while this spins). The receive time is sent only when it changed since the last event-producing message.
 * @module
 */
import { RingProducer } from "../spsc/producer.ts";
import { systemClock } from "../engine/clock.ts";
import type { L2Book } from "../venues/book.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import type { L3Stage, StageTotals } from "./_stage.ts";
import type { TradeTarget } from "./_trade_feed.ts";
import { PIPE_RECORD_SIZE, PipeOp, type PipeReply, recordsToWrap } from "./_pipe_records.ts";

/** How long a full ring is waited out before a Worker that never started is given up, ms. */
export const START_TIMEOUT_MS = 30_000;

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
export class PipeStage implements L3Stage, TradeTarget {
  readonly trades: TradeTarget | undefined;
  readonly #p: RingProducer;
  readonly #f: Float64Array;
  readonly #fail: Int32Array;
  readonly #reply: Promise<PipeReply>;
  #room = 0; // free slots known past the uncommitted ones
  #k = 0; // records written and not yet committed
  #sec = 0; // receive time as last given
  #subNs = 0;
  #sentSec = 0; // receive time as last sent
  #sentSubNs = 0;
  #closed = false;
  #gaveUp = false;

  /**
   * Write into `ring` (16-byte records); `fail` holds the Worker's Int32 flags (`[0]` failed,
   * `[1]` started) and `reply` is its answer once the ring is closed and drained.
   */
  constructor(
    ring: SharedArrayBuffer,
    fail: SharedArrayBuffer,
    useTrades: boolean,
    reply: Promise<PipeReply>,
  ) {
    this.#p = new RingProducer(ring, { flushEvery: 1024 });
    if (this.#p.recordSize !== PIPE_RECORD_SIZE) {
      throw new TypeError("replay pipe: not a 16-byte-record ring");
    }
    this.#f = new Float64Array(ring);
    this.#fail = new Int32Array(fail);
    this.#reply = reply;
    this.trades = useTrades ? this : undefined;
  }

  /** A trade for the Worker's trade window. */
  push(priceTicks: number, qtyLots: number, bidConsumed: boolean, timeMs: number): void {
    this.#put(PipeOp.Trade, priceTicks);
    this.#put(qtyLots, bidConsumed ? 1 : 0);
    this.#put(timeMs, 0);
    this.#commit();
  }

  setRecv(sec: number, subNs: number): void {
    this.#sec = sec;
    this.#subNs = subNs;
  }

  applied(d: DepthDiff, bb0: number, ba0: number, bb1: number, ba1: number): void {
    this.#sendRecv();
    this.#put(PipeOp.Best, bb0);
    this.#put(ba0, bb1);
    this.#put(ba1, 0);
    this.#put(PipeOp.Diff, d.nBids);
    this.#put(d.nAsks, d.lastId);
    this.#put(d.eventTimeMs, d.firstId);
    this.#levels(d.bidPx, d.bidQty, d.nBids);
    this.#levels(d.askPx, d.askQty, d.nAsks);
    this.#commit();
  }

  resync(lastId: number, eventTimeMs: number): void {
    this.#sendRecv();
    this.#put(PipeOp.Resync, lastId);
    this.#put(eventTimeMs, 0);
    this.#commit();
  }

  unchanged(): void {
    this.#put(PipeOp.Unchanged, 0);
    this.#commit();
  }

  snapshot(book: L2Book, recvSec: number, recvSubNs: number): void {
    this.#sendRecv(); // the Clear events, if any, carry the receive time before the snapshot's
    const nb = book.bids.size;
    const na = book.asks.size;
    this.#put(PipeOp.Snapshot, book.updateId);
    this.#put(recvSec, recvSubNs);
    this.#put(nb, na);
    for (let i = 0; i < nb; i++) this.#put(book.bids.priceAt(i), book.bids.qtyAt(i));
    for (let i = 0; i < na; i++) this.#put(book.asks.priceAt(i), book.asks.qtyAt(i));
    this.#commit();
    // From here on the events carry the snapshot's receive time (as LocalStage does).
    this.#sec = this.#sentSec = recvSec;
    this.#subNs = this.#sentSubNs = recvSubNs;
  }

  /** Close the ring and wait for the Worker's totals (it has then written every event). */
  async finish(): Promise<StageTotals> {
    if (this.#gaveUp) throw new PipeWorkerFailed("the replay L3 worker did not start", true);
    if (!this.#closed) {
      this.#closed = true;
      this.#commit();
      this.#p.close();
    }
    const r = await this.#reply;
    if ("error" in r) throw workerError(r);
    return r;
  }

  #sendRecv(): void {
    if (this.#sec === this.#sentSec && this.#subNs === this.#sentSubNs) return;
    this.#sentSec = this.#sec;
    this.#sentSubNs = this.#subNs;
    this.#put(PipeOp.Recv, this.#sec);
    this.#put(this.#subNs, 0);
  }

  // One record (a, b). Doubles as arguments: small enough to be inlined at every call site.
  #put(a: number, b: number): void {
    if (this.#room === 0) this.#waitRoom();
    const i = this.#p.offsetAhead(this.#k) >> 3;
    this.#f[i] = a;
    this.#f[i + 1] = b;
    this.#k++;
    this.#room--;
  }

  // One (price, qty) record per level, in runs bounded by the known free room and the wrap.
  #levels(px: Float64Array, qty: Float64Array, n: number): void {
    const f = this.#f;
    let i = 0;
    while (i < n) {
      if (this.#room === 0) this.#waitRoom();
      let j = this.#p.offsetAhead(this.#k) >> 3;
      const m = Math.min(n - i, this.#room, recordsToWrap(j, this.#p.capacity));
      const end = i + m;
      for (; i < end; i++, j += 2) {
        f[j] = px[i]!;
        f[j + 1] = qty[i]!;
      }
      this.#room -= m;
      this.#k += m;
    }
  }

  #commit(): void {
    if (this.#k === 0) return;
    this.#p.commitMany(this.#k);
    this.#k = 0;
  }

  // Commit what is written, publish it, then spin until the consumer frees room.
  #waitRoom(): void {
    this.#commit();
    const p = this.#p;
    let free = p.room(p.capacity);
    if (free === 0) {
      p.flush();
      let spins = 0;
      const t0 = systemClock.monoNs();
      while ((free = p.room(1)) === 0) {
        if (Atomics.load(this.#fail, 0) !== 0) throw new PipeWorkerFailed("the replay L3 worker failed");
        // Not started yet: sleep (1 ms, or until it signals) instead of spinning, so a Worker that
        // is still starting on a busy machine gets the CPU this thread would burn.
        if ((spins & 0xff) === 0xff && Atomics.load(this.#fail, 1) === 0) Atomics.wait(this.#fail, 1, 0, 1);
        if (
          (++spins & 0xffff) === 0 && Atomics.load(this.#fail, 1) === 0 &&
          systemClock.monoNs() - t0 > START_TIMEOUT_MS * 1e6
        ) {
          this.#gaveUp = true; // finish() must not wait for an answer that will not come
          throw new PipeWorkerFailed("the replay L3 worker did not start", true);
        }
      }
    }
    this.#room = free;
  }
}
