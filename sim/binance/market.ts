/**
 * A seeded synthetic L3 order flow shaped like Binance spot, for the simulator and tests.
 *
 * Individual orders (with ids) are added, cancelled from anywhere in a level's queue, and filled
 * by trades FIFO from the head of the best level (the taker side is random). Each order event
 * gets its own update id; {@linkcode SyntheticMarket.step} advances one batch (default 100 ms) and
 * returns the Binance-shaped depth diff (`U` = first, `u` = last update id of the batch, absolute
 * level quantities as 8-decimal strings), the `@trade` payloads, and ground-truth order events
 * (one JSON line each). The aggregated truth book is a {@linkcode L2Book} on integers scaled by
 * the tick's and the lot's decimals (`priceScale`, `qtyScale`).
 * Deterministic for a seed. Allocates freely (not a hot path).
 * The options and batch shapes live in `_market_types.ts` and the Binance wire formatting
 * (`wire`, `depthPayload`, `levelsJson`, `sideJson`) in `_market_frames.ts`; both are re-exported here.
 * @module
 */
import { L2Book } from "../../venues/book.ts";
import { parseFixed, significantDecimals } from "../../venues/decimal.ts";
import { mulberry32 } from "../../venues/backoff.ts";
import { depthPayload, sideJson, wire } from "./_market_frames.ts";
import { FUTURES_ID_JUMP, type MarketBatch, type MarketOptions, newBatch } from "./_market_types.ts";

export { depthPayload, levelsJson, MARKET_SCALE, sideJson, wire } from "./_market_frames.ts";
export { FUTURES_ID_JUMP, type MarketBatch, type MarketOptions, PEPE_MARKET } from "./_market_types.ts";

interface Order {
  id: number;
  bid: boolean;
  price: number;
  qty: number;
}

/** The synthetic market. */
export class SyntheticMarket {
  /** Upper-case symbol. */
  readonly symbol: string;
  /** The aggregated book after the last step; `updateId` is the last update id. */
  readonly book = new L2Book(256);
  /** Event time of the last batch, ms. */
  timeMs: number;
  /** True when shaped like USD-M futures (`MarketOptions.futures`). */
  readonly futures: boolean;
  #lastU: number; // u of the last depth event (futures pu)
  /** Prices are integers × 10^priceScale (the tick's decimals, trailing zeros trimmed). */
  readonly priceScale: number;
  /** Quantities are integers × 10^qtyScale (the lot's decimals). */
  readonly qtyScale: number;
  /** The tick as a decimal string. */
  readonly tick: string;
  /** The lot as a decimal string. */
  readonly lot: string;
  readonly #rng: () => number;
  readonly #tick: number;
  readonly #lot: number;
  readonly #orderLots: number;
  readonly #batchMs: number;
  readonly #events: number;
  readonly #target: number;
  readonly #orders = new Map<number, Order>();
  readonly #live: number[] = [];
  readonly #livePos = new Map<number, number>();
  readonly #queues = [new Map<number, number[]>(), new Map<number, number[]>()]; // [asks, bids]
  #nextOrderId = 1;
  #nextTradeId = 1;
  #mid: number;

  /** Build and seed the market (the seeding events are not reported). */
  constructor(opts: MarketOptions = {}) {
    this.symbol = opts.symbol ?? "BTCUSDT";
    this.#rng = mulberry32(opts.seed ?? 1);
    this.tick = opts.tick ?? "0.01";
    this.lot = opts.lot ?? "0.00001";
    this.priceScale = significantDecimals(this.tick);
    this.qtyScale = significantDecimals(this.lot);
    this.#tick = parseFixed(this.tick, this.priceScale);
    this.#lot = parseFixed(this.lot, this.qtyScale);
    this.#orderLots = opts.orderLots ?? 200;
    const mid = parseFixed(opts.mid ?? "60000.00", this.priceScale);
    if (!(this.#tick > 0 && this.#lot > 0 && mid > 0)) throw new RangeError("bad mid/tick/lot");
    if (!(Number.isSafeInteger(this.#orderLots) && this.#orderLots >= 1)) {
      throw new RangeError("bad orderLots");
    }
    this.#mid = Math.round(mid / this.#tick) * this.#tick;
    this.timeMs = opts.startMs ?? 1_700_000_000_000;
    this.#batchMs = opts.batchMs ?? 100;
    this.#events = opts.eventsPerBatch ?? 8;
    this.#target = opts.targetOrders ?? 400;
    this.book.updateId = opts.startUpdateId ?? 1_000_000;
    this.futures = opts.futures === true;
    this.#lastU = this.book.updateId;
    const levels = opts.initialLevels ?? 40;
    const scratch = newBatch(0);
    for (let i = 1; i <= levels; i++) {
      for (let k = 0; k < 3; k++) {
        this.#add(true, this.#mid - i * this.#tick, this.#randQty(), scratch);
        this.#add(false, this.#mid + i * this.#tick, this.#randQty(), scratch);
      }
    }
  }

  /** Number of live orders. */
  get orderCount(): number {
    return this.#live.length;
  }

  /** Advance one batch and return what happened in it. */
  step(): MarketBatch {
    this.timeMs += this.#batchMs;
    const batch = newBatch(this.timeMs);
    const before = this.book.updateId;
    if (this.futures) this.book.updateId += FUTURES_ID_JUMP;
    batch.U = this.book.updateId + 1;
    const n = Math.floor(this.#rng() * (2 * this.#events + 1));
    for (let i = 0; i < n; i++) this.#event(batch);
    batch.u = this.book.updateId;
    if (batch.u >= batch.U) {
      if (this.futures) {
        batch.pu = this.#lastU;
        this.#lastU = batch.u;
      }
      batch.depth = this.#depthJson(batch);
    } else this.book.updateId = before; // no event: no id is used (a snapshot id is always some u)
    return batch;
  }

  /** The REST `/api/v3/depth` body for the current book, best `limit` levels per side. */
  snapshotJson(limit: number): string {
    const et = this.futures ? `,"E":${this.timeMs},"T":${this.timeMs}` : "";
    const ps = this.priceScale;
    const qs = this.qtyScale;
    return `{"lastUpdateId":${this.book.updateId}${et},"bids":${
      sideJson(this.book, true, limit, ps, qs)
    },"asks":${sideJson(this.book, false, limit, ps, qs)}}`;
  }

  #event(batch: MarketBatch): void {
    const r = this.#rng();
    const crowd = this.#live.length / this.#target;
    const pAdd = crowd < 0.5 ? 0.8 : crowd > 1.5 ? 0.2 : 0.5;
    if (r < pAdd || this.#live.length < 10) this.#randomAdd(batch);
    else if (r < pAdd + (1 - pAdd) * 0.75) this.#randomCancel(batch);
    else this.#randomTrade(batch);
  }

  #randQty(): number {
    return (1 + Math.floor(this.#rng() * this.#orderLots)) * this.#lot;
  }

  #randomAdd(batch: MarketBatch): void {
    const bid = this.#rng() < 0.5;
    const bb = this.book.bids.bestPrice();
    const ba = this.book.asks.bestPrice();
    // Distance from the touch: geometric-like, mostly near the top, sometimes inside the spread.
    const dist = Math.floor(-Math.log(1 - this.#rng()) * 6);
    let price: number;
    if (bid) {
      const ref = Number.isNaN(bb) ? this.#mid - this.#tick : bb;
      price = ref + this.#tick - dist * this.#tick;
      if (!Number.isNaN(ba) && price >= ba) price = ba - this.#tick;
    } else {
      const ref = Number.isNaN(ba) ? this.#mid + this.#tick : ba;
      price = ref - this.#tick + dist * this.#tick;
      if (!Number.isNaN(bb) && price <= bb) price = bb + this.#tick;
    }
    if (price <= 0) price = this.#tick;
    this.#add(bid, price, this.#randQty(), batch);
  }

  #randomCancel(batch: MarketBatch): void {
    const id = this.#live[Math.floor(this.#rng() * this.#live.length)];
    if (id === undefined) return;
    const o = this.#orders.get(id)!;
    this.#remove(o);
    this.#changed(o.bid, o.price, batch);
    batch.truth.push(this.#truthLine(batch.E, "cancel", o.bid, o.price, o.qty, o.id));
  }

  #randomTrade(batch: MarketBatch): void {
    const takerBuys = this.#rng() < 0.5;
    const side = takerBuys ? this.book.asks : this.book.bids; // maker side
    if (side.size < 2) return;
    let want = this.#randQty() * (1 + Math.floor(this.#rng() * 3));
    const price = side.bestPrice();
    const queue = this.#queues[takerBuys ? 0 : 1]!.get(price)!;
    while (want > 0 && queue.length > 0) {
      const o = this.#orders.get(queue[0]!)!;
      const fill = Math.min(want, o.qty);
      want -= fill;
      this.book.updateId++;
      batch.truth.push(this.#truthLine(batch.E, "fill", o.bid, price, fill, o.id));
      batch.trades.push(
        `{"e":"trade","E":${batch.E},"s":"${this.symbol}","t":${this.#nextTradeId++},"p":"${
          wire(price, this.priceScale)
        }","q":"${wire(fill, this.qtyScale)}","T":${batch.E},"m":${!takerBuys},"M":true}`,
      );
      if (fill === o.qty) this.#remove(o, true);
      else {
        o.qty -= fill;
        side.set(price, side.get(price) - fill);
      }
      this.#changed(o.bid, price, batch);
    }
    this.#mid = price;
  }

  #add(bid: boolean, price: number, qty: number, batch: MarketBatch): void {
    const o: Order = { id: this.#nextOrderId++, bid, price, qty };
    this.#orders.set(o.id, o);
    this.#livePos.set(o.id, this.#live.length);
    this.#live.push(o.id);
    const qs = this.#queues[bid ? 1 : 0]!;
    let q = qs.get(price);
    if (q === undefined) qs.set(price, q = []);
    q.push(o.id);
    const side = this.book.side(bid);
    side.set(price, side.get(price) + qty);
    this.book.updateId++;
    this.#changed(bid, price, batch);
    batch.truth.push(this.#truthLine(batch.E, "add", bid, price, qty, o.id));
  }

  // Remove an order from every index. `fromHead` is a fill (FIFO); otherwise a cancel
  // anywhere in the queue, which takes its own update id.
  #remove(o: Order, fromHead = false): void {
    this.#orders.delete(o.id);
    const pos = this.#livePos.get(o.id)!;
    const last = this.#live.pop()!;
    if (last !== o.id) {
      this.#live[pos] = last;
      this.#livePos.set(last, pos);
    }
    this.#livePos.delete(o.id);
    const qs = this.#queues[o.bid ? 1 : 0]!;
    const q = qs.get(o.price)!;
    if (fromHead) q.shift();
    else q.splice(q.indexOf(o.id), 1);
    if (q.length === 0) qs.delete(o.price);
    const side = this.book.side(o.bid);
    side.set(o.price, side.get(o.price) - o.qty);
    if (!fromHead) this.book.updateId++;
  }

  #changed(bid: boolean, price: number, batch: MarketBatch): void {
    (bid ? batch.bids : batch.asks).set(price, this.book.side(bid).get(price));
  }

  #depthJson(b: MarketBatch): string {
    return depthPayload(this.symbol, b.E, b.U, b.u, b.pu, b.bids, b.asks, this.priceScale, this.qtyScale);
  }

  #truthLine(E: number, kind: string, bid: boolean, price: number, qty: number, id: number): string {
    return `{"u":${this.book.updateId},"E":${E},"kind":"${kind}","side":"${bid ? "bid" : "ask"}","price":"${
      wire(price, this.priceScale)
    }","qty":"${wire(qty, this.qtyScale)}","orderId":${id}}`;
  }
}
