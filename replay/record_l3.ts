/**
 * The one consumer of every replay: normalized records (`market/record.ts`) of one instrument,
 * whatever the venue, into the trade window, fill attribution, L3 inference (`l3.ts`) and an
 * {@linkcode EventSink}. The venue adapters (`_binance_source.ts`, `_hl_source.ts`) only turn a
 * capture into records; this runs on the replay's thread or in the L3 Worker (`_pipe_worker.ts`).
 *
 * Per message kind, in arrival order:
 * - `trade`: enters the {@linkcode TradeWindow} at its exchange time (the BID flag = the taker
 *   bought, so the ask was consumed). Without trades (`useTrades` false) ignored.
 * - `snapshot`: `Clear` per side when L3 held anything (at the scale it held it), then one
 *   `Snapshot` event per level (a window venue also drops the pending trades: they are in the
 *   snapshot).
 * - `update`: each level's new quantity through `L3Book.change`, bids then asks as sent; the
 *   {@linkcode BookContext} gives the best prices around it and, on a window venue, the bounds
 *   that make a deletion an `Exit` (`dropLevel`: `Clear` per order) and a new level an `Enter`
 *   (`Snapshot`, never an `Add`). The trade window's time: the update's event time, and on a
 *   window venue trades since the previous book are eligible.
 * - `clear`: `Clear`s, pending trades dropped; events carry the venue message that caused it.
 * - Events carry the message's ids, event time, receive time and decimals (per message: an
 *   instrument rescaled mid-replay says so in the events after it).
 * No allocation per message (the level arrays grow only for a bigger message).
 * @module
 */
import { Flag, type RecordBatch, RecordKind } from "../market/record.ts";
import { type CancelModel, L3Book } from "./l3.ts";
import { Attribution } from "./classify.ts";
import { TradeWindow, type TradeWindowOptions } from "./trade_window.ts";
import { type EventSink, Side } from "./schema.ts";
import type { BookContext } from "./_context.ts";
import type { RecordReader, SideLevels, StageTotals } from "./_l3_input.ts";

export type { RecordReader, SideLevels, StageTotals } from "./_l3_input.ts";

/** Options of {@linkcode RecordL3}. */
export interface RecordL3Options {
  /** Cancel model (default "tail"). */
  cancelModel?: CancelModel;
  /** Match trades to decreases (else the no-trades model). */
  useTrades: boolean;
  /** Event counters by kind (e.g. `ReplayStats.events`). */
  events?: number[];
  /** The trade matching window. */
  tradeWindow?: TradeWindowOptions;
}

/** Records of one instrument into L3 events (see the module doc). */
export class RecordL3 {
  /** The trade window (undefined without trades). */
  readonly trades: TradeWindow | undefined;
  /** The L3 state. */
  readonly l3: L3Book;
  readonly #attr = new Attribution();
  readonly #events: number[];
  #bidPx = new Float64Array(256);
  #bidQty = new Float64Array(256);
  #askPx = new Float64Array(256);
  #askQty = new Float64Array(256);
  #prevBookMs = -Infinity; // the previous book message's time (window venues)

  /** Emit into `sink`. */
  constructor(sink: EventSink, o: RecordL3Options) {
    this.#events = o.events ?? [0, 0, 0, 0, 0];
    this.l3 = new L3Book(sink, { cancelModel: o.cancelModel ?? "tail", counts: this.#events });
    this.trades = o.useTrades ? new TradeWindow(1024, o.tradeWindow) : undefined;
    this.#attr.window = this.trades;
  }

  /** One message (`ctx`: its context, for book messages). */
  message(b: RecordReader, ctx: BookContext): void {
    const kind = b.messageKind;
    if (kind === RecordKind.Trade) {
      this.trades?.push(b.price(0), b.qty(0), !b.isBid(0), b.eventTimeMs);
      return;
    }
    const ev = this.l3.ev;
    ev.recvSec = b.recvSec;
    ev.recvSubNs = b.recvSubNs;
    if (kind === RecordKind.Snapshot) return this.#snapshot(b, ctx);
    ev.priceDecimals = b.priceDecimals;
    ev.qtyDecimals = b.qtyDecimals;
    if (kind === RecordKind.Update) this.#update(b, ctx);
    else if (kind === RecordKind.Clear) {
      ev.updateId = ctx.lastId;
      ev.eventTimeMs = b.eventTimeMs;
      this.#clearL3();
      this.dropTrades();
    }
  }

  /**
   * {@linkcode message} of a batch on this thread: an `update` outside a window venue reads its
   * levels in place from the batch's words (no getter per field, no copy); the rest as `message`.
   */
  batch(b: RecordBatch, ctx: BookContext): void {
    if (b.messageKind !== RecordKind.Update || ctx.window) return this.message(b, ctx);
    this.updateAt(b, ctx, b.levelWords, b.flagBytes, 0);
  }

  /**
   * An `update` message outside a window venue (`ctx.window` false) whose records lie contiguous
   * in `words` (float64 view) / `bytes` (byte view of the same memory) from word `w0`, 8 words a
   * record: the header from `b`, the levels read in place. Same events as {@linkcode message}.
   */
  updateAt(b: RecordReader, ctx: BookContext, words: Float64Array, bytes: Uint8Array, w0: number): void {
    const fl = (w0 << 3) + 1; // flags byte of record 0
    const n = (bytes[fl]! & Flag.EMPTY) !== 0 ? 0 : b.count;
    let nb = 0; // bids come first (as every venue adapter emits them)
    while (nb < n && (bytes[fl + (nb << 6)]! & Flag.BID) !== 0) nb++;
    this.updateStrided(b, ctx, words, w0 + 5, 8, nb, n);
  }

  /**
   * An `update` message outside a window venue (`ctx.window` false) of `n` levels, `nb` bids
   * first, whose level `i` has its price at `words[p0 + i × stride]` and its quantity in the word
   * after: the header from `b`, the levels read in place. Same events as {@linkcode message}.
   */
  updateStrided(
    b: RecordReader,
    ctx: BookContext,
    words: Float64Array,
    p0: number,
    stride: number,
    nb: number,
    n: number,
  ): void {
    const l3 = this.l3;
    const w = this.trades;
    const attr = this.#begin(b, ctx);
    attr.twoSided = nb > 0 && nb < n;
    w?.setTime(b.eventTimeMs);
    const a0 = p0 + nb * stride;
    l3.changeLevelsAt(Side.Bid, words, p0, p0 + 1, stride, nb, attr);
    l3.changeLevelsAt(Side.Ask, words, a0, a0 + 1, stride, n - nb, attr);
    if (w !== undefined && w.size > 0) {
      for (let i = 0; i < nb; i++) w.seen(Side.Bid, words[p0 + i * stride]!);
      for (let i = nb; i < n; i++) w.seen(Side.Ask, words[p0 + i * stride]!);
    }
    w?.endUpdate();
  }

  /**
   * An `update` outside a window venue whose header is `b` (its levels are not read there) and
   * whose levels are `lv`: the same events as {@linkcode message} of its records, without the
   * records (the adapter's direct path when nothing else listens to the stream).
   */
  updateLevels(b: RecordReader, ctx: BookContext, lv: SideLevels): void {
    this.#levels(b, ctx, lv.bidPx, lv.bidQty, lv.nBids, lv.askPx, lv.askQty, lv.nAsks);
  }

  // The header of an update (`b`) and its context into the event and the attribution.
  #begin(b: RecordReader, ctx: BookContext): Attribution {
    const ev = this.l3.ev;
    ev.recvSec = b.recvSec;
    ev.recvSubNs = b.recvSubNs;
    ev.priceDecimals = b.priceDecimals;
    ev.qtyDecimals = b.qtyDecimals;
    ev.updateId = b.updateId;
    ev.eventTimeMs = b.eventTimeMs;
    const attr = this.#attr;
    attr.bb0 = ctx.bb0;
    attr.ba0 = ctx.ba0;
    attr.bb1 = ctx.bb1;
    attr.ba1 = ctx.ba1;
    attr.singleEvent = ctx.singleEvent;
    return attr;
  }

  // An update outside a window venue, its sides in arrays.
  #levels(
    b: RecordReader,
    ctx: BookContext,
    bp: Float64Array,
    bq: Float64Array,
    nb: number,
    ap: Float64Array,
    aq: Float64Array,
    na: number,
  ): void {
    const l3 = this.l3;
    const w = this.trades;
    const attr = this.#begin(b, ctx);
    attr.twoSided = nb > 0 && na > 0;
    w?.setTime(b.eventTimeMs);
    l3.changeLevels(Side.Bid, bp, bq, nb, attr);
    l3.changeLevels(Side.Ask, ap, aq, na, attr);
    if (w !== undefined && w.size > 0) {
      for (let i = 0; i < nb; i++) w.seen(Side.Bid, bp[i]!);
      for (let i = 0; i < na; i++) w.seen(Side.Ask, ap[i]!);
    }
    w?.endUpdate();
  }

  /** A venue message that changed nothing: ends the trade window's update. */
  unchanged(): void {
    this.trades?.endUpdate();
  }

  /** Pending trades expire (counted unmatched): the book was discarded. */
  dropTrades(): void {
    this.trades?.clear();
    this.trades?.endUpdate();
  }

  /** The input ended: pending trades expire; the totals. */
  finish(): StageTotals {
    const w = this.trades;
    w?.clear();
    return {
      events: this.#events,
      tradeQtyMatched: w?.matchedQty ?? 0,
      tradeQtyUnmatched: w?.unmatchedQty ?? 0,
    };
  }

  #clearL3(): void {
    const l3 = this.l3;
    if (l3.levels(Side.Bid) + l3.levels(Side.Ask) > 0) l3.clear();
  }

  #snapshot(b: RecordReader, ctx: BookContext): void {
    const l3 = this.l3;
    const ev = l3.ev;
    ev.updateId = b.updateId;
    ev.eventTimeMs = b.eventTimeMs;
    if (ctx.window) {
      this.trades?.clear();
      this.#prevBookMs = b.eventTimeMs;
    }
    this.#clearL3(); // at the scale of what L3 held (an instrument may have been rescaled)
    ev.priceDecimals = b.priceDecimals;
    ev.qtyDecimals = b.qtyDecimals;
    if (b.isEmpty(0)) return;
    const n = b.count;
    for (let i = 0; i < n; i++) l3.snapshotLevel(b.isBid(i) ? Side.Bid : Side.Ask, b.price(i), b.qty(i));
  }

  #update(b: RecordReader, ctx: BookContext): void {
    const n = b.isEmpty(0) ? 0 : b.count;
    // Bids come first (as every venue adapter emits them).
    let nb = 0;
    while (nb < n && b.isBid(nb)) nb++;
    if (!ctx.window) return this.#copied(b, ctx, nb, n - nb);
    const l3 = this.l3;
    const w = this.trades;
    const attr = this.#begin(b, ctx);
    const time = b.eventTimeMs;
    attr.twoSided = nb > 0 && nb < n;
    w?.setTime(time, Math.min(this.#prevBookMs, time - w.beforeMs));
    this.#prevBookMs = time;
    for (let i = 0; i < n; i++) {
      const bid = i < nb;
      const side = bid ? Side.Bid : Side.Ask;
      const px = b.price(i);
      const q = b.qty(i);
      if (q === 0 && (bid ? px < ctx.exitBid : px > ctx.exitAsk)) l3.dropLevel(side, px);
      else if (q > 0 && (bid ? px < ctx.enterBid : px > ctx.enterAsk)) l3.snapshotLevel(side, px, q);
      else l3.change(side, px, q, attr);
      if (w !== undefined && w.size > 0) w.seen(side, px);
    }
    w?.endUpdate();
  }

  // An update outside a window venue read through the getters: its levels copied into arrays.
  #copied(b: RecordReader, ctx: BookContext, nb: number, na: number): void {
    if (nb > this.#bidPx.length) {
      this.#bidPx = new Float64Array(nb * 2);
      this.#bidQty = new Float64Array(nb * 2);
    }
    if (na > this.#askPx.length) {
      this.#askPx = new Float64Array(na * 2);
      this.#askQty = new Float64Array(na * 2);
    }
    const bp = this.#bidPx, bq = this.#bidQty, ap = this.#askPx, aq = this.#askQty;
    for (let i = 0; i < nb; i++) {
      bp[i] = b.price(i);
      bq[i] = b.qty(i);
    }
    for (let i = 0; i < na; i++) {
      ap[i] = b.price(nb + i);
      aq[i] = b.qty(nb + i);
    }
    this.#levels(b, ctx, bp, bq, nb, ap, aq, na);
  }
}
