/**
 * `BookSampler`: reads the handlers' books on the engine thread at a low rate (default every
 * 250 ms) — the top levels of each side and best bid/ask — for the live page. It runs from a
 * timer between engine polls, so the per-message hot path is never touched; the cost is one
 * pass over a few levels per book per tick. A best bid/ask history at 1 s resolution (default
 * 10 minutes) feeds the page's chart.
 * @module
 */
import type { Clock } from "../engine/clock.ts";
import { formatFixed } from "../venues/decimal.ts";

/** What the sampler reads of a book: an `L2Book`, or a read-only view adapted to this shape. */
export interface SampledBook {
  /** Venue update id. */
  readonly updateId: number;
  /** Bids, best first. */
  readonly bids: SampledSide;
  /** Asks, best first. */
  readonly asks: SampledSide;
}

/** One side as the sampler reads it. */
export interface SampledSide {
  /** Levels. */
  readonly size: number;
  /** Price of level `i` (0 = best). */
  priceAt(i: number): number;
  /** Quantity of level `i`. */
  qtyAt(i: number): number;
}

/** A book to sample, with its fixed-point scales (decimal exponents, e.g. 8). */
export interface BookSource {
  /** Handler name, e.g. "binance:BTCUSDT" (the same as its logger source). */
  name: string;
  /** The handler's book (read between polls, on the engine thread). */
  book: SampledBook;
  /** Decimal exponent of prices. */
  priceScale: number;
  /** Decimal exponent of quantities. */
  qtyScale: number;
}

/** The top levels of one book as decimal strings, best first. */
export interface Ladder {
  /** Handler name. */
  name: string;
  /** Sample number (grows by one per sampling pass). */
  seq: number;
  /** The venue update id the book reflected. */
  updateId: number;
  /** `[price, qty]` bids, best first. */
  bids: [string, string][];
  /** `[price, qty]` asks, best first. */
  asks: [string, string][];
}

/** Best bid/ask over time: seconds since the epoch and prices (NaN = side empty). */
export interface BestHistory {
  /** Wall time of each point, ms since the epoch. */
  tMs: number[];
  /** Best bid prices as numbers (for drawing only). */
  bid: number[];
  /** Best ask prices as numbers (for drawing only). */
  ask: number[];
}

/** Options of {@linkcode BookSampler}. */
export interface BookSamplerOptions {
  /** Levels per side (default 10). */
  depth?: number;
  /** Sampling period in ms (default 250). */
  intervalMs?: number;
  /** History points kept per book, one per second (default 600). */
  historyPoints?: number;
  /** Clock for history time stamps. */
  clock: Clock;
}

class Slot {
  readonly px: Float64Array;
  readonly qty: Float64Array;
  nb = 0;
  na = 0;
  updateId = 0;
  readonly hT: Float64Array;
  readonly hBid: Float64Array;
  readonly hAsk: Float64Array;
  hHead = 0;
  hLen = 0;
  lastHistMs = -Infinity;
  constructor(depth: number, points: number) {
    this.px = new Float64Array(2 * depth);
    this.qty = new Float64Array(2 * depth);
    this.hT = new Float64Array(points);
    this.hBid = new Float64Array(points);
    this.hAsk = new Float64Array(points);
  }
}

/** Samples books on a timer; read the latest sample with `ladder` and `history`. */
export class BookSampler {
  /** The sampled books, in the order given. */
  readonly sources: readonly BookSource[];
  readonly #slots: Slot[];
  readonly #depth: number;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #timer: ReturnType<typeof setInterval> | undefined;
  #seq = 0;

  /** A sampler of `sources`; call `start` to sample on a timer. */
  constructor(sources: readonly BookSource[], options: BookSamplerOptions) {
    this.sources = sources;
    this.#depth = options.depth ?? 10;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#clock = options.clock;
    const points = options.historyPoints ?? 600;
    this.#slots = sources.map(() => new Slot(this.#depth, points));
  }

  /** Sampling passes so far. */
  get seq(): number {
    return this.#seq;
  }

  /** Sample now, then every `intervalMs`. */
  start(): void {
    this.sample();
    this.#timer ??= setInterval(() => this.sample(), this.#intervalMs);
  }

  /** Stop the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sampling pass over every book. No allocation. */
  sample(): void {
    this.#seq++;
    const nowMs = this.#clock.wallNs() / 1e6;
    const d = this.#depth;
    for (let k = 0; k < this.sources.length; k++) {
      const book = this.sources[k]!.book;
      const s = this.#slots[k]!;
      s.updateId = book.updateId;
      s.nb = Math.min(d, book.bids.size);
      for (let i = 0; i < s.nb; i++) {
        s.px[i] = book.bids.priceAt(i);
        s.qty[i] = book.bids.qtyAt(i);
      }
      s.na = Math.min(d, book.asks.size);
      for (let i = 0; i < s.na; i++) {
        s.px[d + i] = book.asks.priceAt(i);
        s.qty[d + i] = book.asks.qtyAt(i);
      }
      if (nowMs - s.lastHistMs >= 1000) {
        s.lastHistMs = nowMs;
        const cap = s.hT.length;
        const at = (s.hHead + s.hLen) % cap;
        s.hT[at] = nowMs;
        s.hBid[at] = s.nb > 0 ? s.px[0]! : NaN;
        s.hAsk[at] = s.na > 0 ? s.px[d]! : NaN;
        if (s.hLen < cap) s.hLen++;
        else s.hHead = (s.hHead + 1) % cap;
      }
    }
  }

  /** Index of the book named `name`, or -1. */
  indexOf(name: string): number {
    return this.sources.findIndex((s) => s.name === name);
  }

  /** Best bid and ask of book `k` as decimal strings ("" when a side is empty). */
  best(k: number): { bid: string; ask: string } {
    const s = this.#slots[k]!;
    const src = this.sources[k]!;
    return {
      bid: s.nb > 0 ? formatFixed(s.px[0]!, src.priceScale) : "",
      ask: s.na > 0 ? formatFixed(s.px[this.#depth]!, src.priceScale) : "",
    };
  }

  /** The latest sample of book `k` as decimal strings. Allocates. */
  ladder(k: number): Ladder {
    const s = this.#slots[k]!;
    const src = this.sources[k]!;
    const d = this.#depth;
    const side = (off: number, n: number): [string, string][] => {
      const out: [string, string][] = [];
      for (let i = 0; i < n; i++) {
        out.push([formatFixed(s.px[off + i]!, src.priceScale), formatFixed(s.qty[off + i]!, src.qtyScale)]);
      }
      return out;
    };
    return { name: src.name, seq: this.#seq, updateId: s.updateId, bids: side(0, s.nb), asks: side(d, s.na) };
  }

  /** The best bid/ask history of book `k`, oldest first. Allocates. */
  history(k: number): BestHistory {
    const s = this.#slots[k]!;
    const p = 10 ** this.sources[k]!.priceScale;
    const out: BestHistory = { tMs: [], bid: [], ask: [] };
    for (let i = 0; i < s.hLen; i++) {
      const j = (s.hHead + i) % s.hT.length;
      out.tMs.push(s.hT[j]!);
      out.bid.push(s.hBid[j]! / p);
      out.ask.push(s.hAsk[j]! / p);
    }
    return out;
  }
}
