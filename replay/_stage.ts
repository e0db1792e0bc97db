/**
 * Private: the L3 side of the Binance replay as the driver (`replay.ts`) sees it. The driver
 * reads, parses and keeps BookSync + L2 book, and tells an {@linkcode L3Stage} what happened;
 * the stage runs L3 inference, fill attribution and the event sink.
 *
 * Two stages, one contract: {@linkcode LocalStage} runs L3 on the calling thread;
 * `PipeStage` (`_pipe_stage.ts`) ships the same calls through an SPSC ring to a Worker, where a
 * `LocalStage` replays them. Both give the same events in the same order, byte for byte.
 *
 * Event context: every event carries the receive time last given to
 * {@linkcode L3Stage.setRecv}; diffs and resyncs carry their `u` and `E`; snapshot events
 * carry the synced book's update id, `E` = 0 and the receive time given to `snapshot`, which
 * then stays current (as `setRecv`) until the next `setRecv`.
 * @module
 */
import type { L2Book } from "../venues/book.ts";
import type { DepthDiff } from "../venues/binance/types.ts";
import { type CancelModel, L3Book } from "./l3.ts";
import { Attribution } from "./classify.ts";
import { TradeWindow, type TradeWindowOptions } from "./trade_window.ts";
import { type EventSink, Side } from "./schema.ts";
import type { TradeTarget } from "./_trade_feed.ts";
import { clearL3, snapshotBook } from "./_driver.ts";

/** What a stage reports when the replay ends. */
export interface StageTotals {
  /** Events by `InferredKind`. */
  events: number[];
  /** Trade quantity matched to decreases, lots (0 without trades). */
  tradeQtyMatched: number;
  /** Trade quantity never matched, lots (0 without trades). */
  tradeQtyUnmatched: number;
}

/** The L3 side of a replay (see the module contract). Calls come in input order. */
export interface L3Stage {
  /** Where the trade feed puts trades (undefined: no trades, the no-trades heuristic decides). */
  readonly trades: TradeTarget | undefined;
  /** The receive time of the events from now on. */
  setRecv(sec: number, subNs: number): void;
  /**
   * A diff applied to the book: its level changes become events. `bb0`/`ba0` and `bb1`/`ba1`
   * are the best prices before and after it (the no-trades heuristic). Ends the trade window's
   * update.
   */
  applied(d: DepthDiff, bb0: number, ba0: number, bb1: number, ba1: number): void;
  /** The book was discarded at diff (`lastId`, `eventTimeMs`): `Clear`s, pending trades dropped. */
  resync(lastId: number, eventTimeMs: number): void;
  /** A depth frame that changed nothing (skipped or buffered): ends the trade window's update. */
  unchanged(): void;
  /** `book` was just synced from a snapshot: `Clear`s if anything was held, then `Snapshot`s. */
  snapshot(book: L2Book, recvSec: number, recvSubNs: number): void;
  /** The input ended: pending trades expire; returns the totals (after every event is written). */
  finish(): Promise<StageTotals>;
}

/** Runs L3 inference on this thread into an {@linkcode EventSink}. */
export class LocalStage implements L3Stage {
  /** The trade window (undefined without trades). */
  readonly trades: TradeWindow | undefined;
  readonly #l3: L3Book;
  readonly #attr = new Attribution();
  readonly #events: number[];

  /**
   * Emit into `sink`; count events into `events` (by kind, e.g. `ReplayStats.events`); match
   * trades in the time window `tradeWindow`; events state `scale` (default 8 / 8).
   */
  constructor(
    sink: EventSink,
    cancelModel: CancelModel,
    useTrades: boolean,
    events: number[],
    tradeWindow?: TradeWindowOptions,
    scale?: { priceDecimals: number; qtyDecimals: number },
  ) {
    this.#events = events;
    this.#l3 = new L3Book(sink, { cancelModel, counts: events });
    // Every event states the instrument's scale its integers are at.
    if (scale) {
      this.#l3.ev.priceDecimals = scale.priceDecimals;
      this.#l3.ev.qtyDecimals = scale.qtyDecimals;
    }
    this.trades = useTrades ? new TradeWindow(1024, tradeWindow) : undefined;
    this.#attr.window = this.trades;
  }

  setRecv(sec: number, subNs: number): void {
    const ev = this.#l3.ev;
    ev.recvSec = sec;
    ev.recvSubNs = subNs;
  }

  applied(d: DepthDiff, bb0: number, ba0: number, bb1: number, ba1: number): void {
    const attr = this.#attr;
    attr.bb0 = bb0;
    attr.ba0 = ba0;
    attr.bb1 = bb1;
    attr.ba1 = ba1;
    attr.twoSided = d.nBids > 0 && d.nAsks > 0;
    attr.singleEvent = d.firstId === d.lastId;
    const l3 = this.#l3;
    l3.ev.updateId = d.lastId;
    l3.ev.eventTimeMs = d.eventTimeMs;
    this.trades?.setTime(d.eventTimeMs);
    // The diff's quantities in order are exactly what BookSync set (a repeated price ends at
    // its last quantity in both), so no second book lookup is needed.
    l3.changeLevels(Side.Bid, d.bidPx, d.bidQty, d.nBids, attr);
    l3.changeLevels(Side.Ask, d.askPx, d.askQty, d.nAsks, attr);
    const w = this.trades;
    if (w !== undefined && w.size > 0) {
      for (let i = 0; i < d.nBids; i++) w.seen(Side.Bid, d.bidPx[i]!);
      for (let i = 0; i < d.nAsks; i++) w.seen(Side.Ask, d.askPx[i]!);
    }
    this.trades?.endUpdate();
  }

  resync(lastId: number, eventTimeMs: number): void {
    const l3 = this.#l3;
    l3.ev.updateId = lastId;
    l3.ev.eventTimeMs = eventTimeMs;
    clearL3(l3);
    this.trades?.clear();
    this.trades?.endUpdate();
  }

  unchanged(): void {
    this.trades?.endUpdate();
  }

  snapshot(book: L2Book, recvSec: number, recvSubNs: number): void {
    const l3 = this.#l3;
    clearL3(l3);
    const ev = l3.ev;
    ev.updateId = book.updateId;
    ev.eventTimeMs = 0;
    ev.recvSec = recvSec;
    ev.recvSubNs = recvSubNs;
    snapshotBook(l3, book);
  }

  finish(): Promise<StageTotals> {
    const w = this.trades;
    w?.clear();
    return Promise.resolve({
      events: this.#events,
      tradeQtyMatched: w?.matchedQty ?? 0,
      tradeQtyUnmatched: w?.unmatchedQty ?? 0,
    });
  }
}
