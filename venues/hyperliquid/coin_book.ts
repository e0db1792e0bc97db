/**
 * `CoinBook`: everything one Hyperliquid coin keeps — the latest window of each book channel,
 * the book composed from them, the differ that turns each composed book into level changes, and
 * the coin's normalized {@linkcode MarketStream}. Used by `HyperliquidHandler` (one coin, slow
 * `l2Book` only) and `HyperliquidMultiHandler` (many coins, `l2Book`, fast `l2Book`, `bbo`).
 *
 * What each channel can know, and the merge (the composed book is a pure function of the latest
 * message of each channel; every message recomposes it and the differ emits exactly the
 * difference to the previous composed book, so records always rebuild {@linkcode CoinBook.book}):
 * - slow `l2Book`: the top 20 levels per side at its `time`. It is the base.
 * - fast `l2Book` (`"fast":true`): the top 5 levels at its `time`. When its time is at or after
 *   the slow window's, it replaces the slow levels at or better than its worst level on each
 *   side (a slow level inside that range but absent from it is removed); slow levels beyond it
 *   keep their (older) values until the next slow window. A fast side with fewer than 5 levels is
 *   the whole side.
 * - `bbo`: the best bid and ask at its `time`. When its time is at or after every window used
 *   above, it sets the best level of each side and removes the levels better than it (the bbo
 *   proves them gone); a `null` side empties that side. Levels behind it keep their values.
 * - A window older than a deeper one is kept but not used until it is newer again (it never is:
 *   each channel's times only grow); so a new slow window drops older fast/bbo overlays.
 * Precision: the coin starts at its base scale (from the venue's metadata, `meta.ts`; 10^-8 /
 * 10^-8 without one) and {@linkcode CoinBook.rescale} moves it to a finer scale exactly, in place
 * (every window × 10^k; a value that would pass 2^53 drops the windows instead), after which
 * the next message is a snapshot at the new scale.
 * `book.updateId` is the largest `time` in use. The first book message after
 * {@linkcode CoinBook.forget} (connect) or {@linkcode CoinBook.clear} (disconnect) is a snapshot;
 * every later one an update (possibly without levels). No allocation per message.
 * @module
 */
import { L2Book } from "../book.ts";
import { defaultInstruments, type InstrumentTable } from "../../market/instrument.ts";
import { RecordKind } from "../../market/record.ts";
import { MarketStream, recvSecOf, recvSubNsOf, type SubscriberErrorHandler } from "../../market/stream.ts";
import { BookDiffer, ChangeList } from "./diff.ts";
import { HlFrame, SideLevels } from "./frame.ts";
import { HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";
import { overlaySide } from "./_compose.ts";
import { MAX_FIXED, POW10 } from "../decimal.ts";
import type { Decimals } from "../binance/precision.ts";

/** Levels per side of a `"fast":true` l2Book window. */
export const HL_FAST_DEPTH = 5;

/** The book channels a coin can take. */
export const BookSource = {
  /** `l2Book` without `fast`: 20 levels. */
  Slow: 0,
  /** `l2Book` with `"fast":true`: 5 levels. */
  Fast: 1,
  /** `bbo`: the best level of each side. */
  Bbo: 2,
} as const;
/** A value of {@linkcode BookSource}. */
export type BookSource = typeof BookSource[keyof typeof BookSource];

/** `spot` for `PURR/USDC` and `@107` style names, `perp` otherwise (`BTC`, `xyz:MSTR`). */
export function hlMarketOf(coin: string): "spot" | "perp" {
  return coin.includes("/") || coin.startsWith("@") ? "spot" : "perp";
}

/** Options of a {@linkcode CoinBook}. */
export interface CoinBookOptions {
  /** Levels per side of a full slow window (default 20). */
  depth?: number;
  /** The instrument table the coin is registered in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a stream subscriber throws. */
  onSubscriberError?: SubscriberErrorHandler;
  /** The coin's base scale from the venue's metadata (default: none; the coin starts at 8 / 8). */
  decimals?: Decimals;
}

class Window {
  readonly bids = new SideLevels();
  readonly asks = new SideLevels();
  time = 0;
  has = false;
}

const EMPTY = new SideLevels(1);

/** One coin's windows, composed book, differ and stream. */
export class CoinBook {
  /** The coin, as the venue spells it. */
  readonly coin: string;
  /** The coin's UTF-8 bytes (compared against parsed frames without allocating). */
  readonly coinBytes: Uint8Array;
  /** The composed book (see the module doc). */
  readonly book: L2Book = new L2Book(64);
  /** Diffs consecutive composed books; `prevBids`/`prevAsks` are the composed book's levels. */
  readonly differ: BookDiffer;
  /** The coin's normalized stream. */
  readonly stream: MarketStream;
  /** The changes of the last message. */
  readonly changes: ChangeList = new ChangeList();
  /** Book messages applied per {@linkcode BookSource}. */
  readonly applied: Float64Array = new Float64Array(3);
  /** True when the last {@linkcode CoinBook.apply} was a snapshot. */
  snapshot = false;
  /** True from {@linkcode CoinBook.clear} until the next snapshot: the book is not live. */
  stale = false;
  /**
   * The scale the coin may not go below (the venue's metadata; 0 / 0 without): a value too large
   * for the scale in force is parsed again at the finer of this and the wire's decimals.
   */
  base: Decimals = { priceDecimals: 0, qtyDecimals: 0 };
  /** The base scale the venue's metadata gave ({@linkcode CoinBook.setBase}), if any. */
  venue: Decimals | undefined;
  readonly #win = [new Window(), new Window(), new Window()] as const;
  readonly #mid = new HlFrame();
  readonly #comp = new HlFrame();

  /** Register `coin` (`spot` or `perp`, see {@linkcode hlMarketOf}) and build its stream. */
  constructor(coin: string, options: CoinBookOptions = {}) {
    this.coin = coin;
    this.coinBytes = new TextEncoder().encode(coin);
    this.differ = new BookDiffer(options.depth);
    const inst = (options.instruments ?? defaultInstruments)
      .add("hyperliquid", hlMarketOf(coin), coin, HL_PRICE_SCALE, HL_SIZE_SCALE);
    this.stream = new MarketStream(inst, this.book, options.onSubscriberError);
    if (options.decimals) this.setBase(options.decimals);
  }

  /** The scale in force (the instrument's). */
  get decimals(): Decimals {
    return this.stream.instrument;
  }

  /** Start at the base scale `d` (the venue's metadata). Before any message: no rescale. */
  setBase(d: Decimals): void {
    this.base = { priceDecimals: d.priceDecimals, qtyDecimals: d.qtyDecimals };
    this.venue = this.base;
    const inst = this.stream.instrument;
    inst.priceDecimals = d.priceDecimals;
    inst.qtyDecimals = d.qtyDecimals;
  }

  /**
   * Move the coin to the scale `d`. Finer on both sides: every window is multiplied exactly in
   * place and kept (true); otherwise (coarser, or a value that would pass 2^53) the windows are
   * dropped (false). Either way the next message is a snapshot at `d`.
   */
  rescale(d: Decimals): boolean {
    const inst = this.stream.instrument;
    const kp = d.priceDecimals - inst.priceDecimals, kq = d.qtyDecimals - inst.qtyDecimals;
    let kept = kp >= 0 && kq >= 0;
    for (const w of this.#win) {
      if (kept && w.has) kept = scaleSide(w.bids, kp, kq) && scaleSide(w.asks, kp, kq);
    }
    if (!kept) { for (const w of this.#win) w.has = false; }
    inst.priceDecimals = d.priceDecimals;
    inst.qtyDecimals = d.qtyDecimals;
    this.differ.reset();
    return kept;
  }

  /**
   * Take the frame's window (or bbo) as the latest of `source`, recompose the book, apply the
   * difference and emit it (a snapshot when the book had none). Returns the number of changes.
   */
  apply(source: BookSource, frame: HlFrame, wallNs: number): number {
    const w = this.#win[source];
    w.bids.copyFrom(frame.bids);
    w.asks.copyFrom(frame.asks);
    w.time = frame.time;
    w.has = true;
    this.applied[source]!++;
    this.#compose();
    const snapshot = !this.differ.hasSnapshot;
    const n = this.differ.apply(this.#comp, this.book, this.changes);
    this.snapshot = snapshot;
    if (snapshot) this.stale = false;
    if (this.stream.active) this.#emit(snapshot, n, wallNs);
    return n;
  }

  /** One normalized trade message per trade of the frame (a `trades` message). */
  emitTrades(frame: HlFrame, wallNs: number): void {
    if (!this.stream.active) return;
    const t = frame.trades;
    const sec = recvSecOf(wallNs);
    const sub = recvSubNsOf(wallNs);
    for (let i = 0; i < t.count; i++) {
      const tid = t.tid[i]!;
      this.stream.trade(t.px[i]!, t.sz[i]!, t.side[i]! > 0, tid === tid ? tid : 0, t.time[i]!, sec, sub);
    }
  }

  /** Forget every window: the next book message is a snapshot (a new connection). No record. */
  forget(): void {
    for (const w of this.#win) w.has = false;
    this.differ.reset();
  }

  /**
   * Forget every window, mark the book stale and emit a `clear` with `reason` (a disconnect, a
   * silent channel, a value it cannot hold). The book keeps its last levels (written as
   * `"stale":true` by `--book-out`). A book already cleared since its last snapshot gets no
   * second `clear`.
   */
  clear(reason: number, wallNs: number): void {
    const again = this.stale;
    this.forget();
    this.stale = true;
    if (again) return;
    this.stream.clear(reason, 0, recvSecOf(wallNs), recvSubNsOf(wallNs));
  }

  // The composed book into #comp (see the module doc).
  #compose(): void {
    const [slow, fast, bbo] = this.#win;
    const c = this.#comp;
    let t = slow.has ? slow.time : -Infinity;
    let bids = slow.has ? slow.bids : EMPTY, asks = slow.has ? slow.asks : EMPTY;
    if (fast.has && fast.time >= t) {
      overlaySide(bids, fast.bids, HL_FAST_DEPTH, true, this.#mid.bids);
      overlaySide(asks, fast.asks, HL_FAST_DEPTH, false, this.#mid.asks);
      bids = this.#mid.bids;
      asks = this.#mid.asks;
      t = fast.time;
    }
    if (bbo.has && bbo.time >= t) {
      overlaySide(bids, bbo.bids, 1, true, c.bids);
      overlaySide(asks, bbo.asks, 1, false, c.asks);
      t = bbo.time;
    } else {
      c.bids.copyFrom(bids);
      c.asks.copyFrom(asks);
    }
    c.time = t;
  }

  // The whole book as a snapshot, else the level changes of this message.
  #emit(snapshot: boolean, n: number, wallNs: number): void {
    const s = this.stream;
    const sec = recvSecOf(wallNs);
    const sub = recvSubNsOf(wallNs);
    const id = this.book.updateId;
    if (snapshot) return s.snapshot(id, id, sec, sub);
    const c = this.changes;
    s.beginBook(RecordKind.Update, id, id, sec, sub);
    for (let i = 0; i < n; i++) s.level(c.isBid[i] === 1, c.px[i]!, c.qty[i]!);
    s.end();
  }
}

// Multiply a side's prices by 10^kp and sizes by 10^kq in place; false when a value passes 2^53.
function scaleSide(side: SideLevels, kp: number, kq: number): boolean {
  const fp = POW10[kp]!, fq = POW10[kq]!;
  for (let i = 0; i < side.count; i++) {
    const px = side.px[i]! * fp, sz = side.sz[i]! * fq;
    if (px > MAX_FIXED || sz > MAX_FIXED) return false;
    side.px[i] = px;
    side.sz[i] = sz;
  }
  return true;
}
