/**
 * `FastDepthMarket`: one symbol's cheap synthetic depth for load benchmarks — a fixed ladder of
 * `levels` prices per side around a mid (bids below, asks above: the book never crosses), each
 * frame setting 1..`maxChanges` distinct levels (one update id each) to a quantity from a small
 * table (1 in 8 a removal). Frames are built by concatenating precomputed strings (price and
 * quantity fragments), so a simulator can produce tens of thousands of Binance spot
 * `depthUpdate` payloads per second on one core; {@linkcode SyntheticMarket} (orders, queues,
 * trades) is the realistic one, at a few thousand frames per second.
 *
 * `E` is whatever the caller passes (the fast simulator writes its send time there, in µs).
 * The truth book is an {@linkcode L2Book} at `priceScale`/`qtyScale`. Deterministic for a seed.
 * Allocates per frame (strings): a simulator, not a hot path of the project.
 * @module
 */
import { L2Book } from "../../venues/book.ts";
import { mulberry32 } from "../../venues/backoff.ts";
import { sideJson, wire } from "./market.ts";

/** Options of {@linkcode FastDepthMarket}. */
export interface FastDepthOptions {
  /** Upper-case symbol. */
  symbol: string;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Mid price in ticks of 0.01 (default 10_000 = 100.00). */
  midTicks?: number;
  /** Price levels per side (default 40). */
  levels?: number;
  /** At most this many levels change per frame, at least 1 (default 8). */
  maxChanges?: number;
  /** Update id before the first frame (default 1_000_000). */
  startUpdateId?: number;
}

const PRICE_SCALE = 2; // tick 0.01
const QTY_SCALE = 3; // lot 0.001
const QTY_TABLE = 64; // quantities 0.001 × (1..64): the integer at QTY_SCALE is the table index

/** One symbol of the fast simulator. */
export class FastDepthMarket {
  /** Upper-case symbol. */
  readonly symbol: string;
  /** The true book; `updateId` is the last id produced (sent or skipped). */
  readonly book = new L2Book(128);
  /** Prices are integers × 10^priceScale. */
  readonly priceScale = PRICE_SCALE;
  /** Quantities are integers × 10^qtyScale. */
  readonly qtyScale = QTY_SCALE;
  /** The price tick as a decimal string (its `exchangeInfo` PRICE_FILTER). */
  readonly tick = "0.01";
  /** The quantity lot as a decimal string (its LOT_SIZE). */
  readonly lot = "0.001";
  readonly #rng: () => number;
  readonly #levels: number;
  readonly #maxChanges: number;
  readonly #bidPx: number[] = [];
  readonly #askPx: number[] = [];
  readonly #bidHead: string[] = []; // `["99.99000000","`
  readonly #askHead: string[] = [];
  readonly #qtyTail: string[] = []; // `0.00100000"]`, index 0 = removal
  readonly #head: string; // `,"s":"SYM","U":`
  readonly #picked: number[] = [];

  /** Build the ladder and seed every level with a quantity. */
  constructor(o: FastDepthOptions) {
    this.symbol = o.symbol;
    this.#rng = mulberry32(o.seed ?? 1);
    this.#levels = o.levels ?? 40;
    this.#maxChanges = Math.max(1, Math.min(o.maxChanges ?? 8, this.#levels));
    const mid = o.midTicks ?? 10_000;
    if (!(Number.isSafeInteger(mid) && mid > this.#levels)) {
      throw new RangeError("midTicks must exceed levels");
    }
    for (let q = 0; q <= QTY_TABLE; q++) this.#qtyTail.push(`${wire(q, QTY_SCALE)}"]`);
    for (let i = 1; i <= this.#levels; i++) {
      this.#bidPx.push(mid - i);
      this.#askPx.push(mid + i);
      this.#bidHead.push(`["${wire(mid - i, PRICE_SCALE)}","`);
      this.#askHead.push(`["${wire(mid + i, PRICE_SCALE)}","`);
      this.book.bids.set(mid - i, 1 + Math.floor(this.#rng() * QTY_TABLE));
      this.book.asks.set(mid + i, 1 + Math.floor(this.#rng() * QTY_TABLE));
    }
    this.book.updateId = o.startUpdateId ?? 1_000_000;
    this.#head = `,"s":"${this.symbol}","U":`;
  }

  /**
   * Produce the next frame with event time `E`: the truth book moves; returns the raw
   * `depthUpdate` payload (the caller may drop it: a `skip_update` gap).
   */
  next(E: number): string {
    const rng = this.#rng;
    const n = 1 + Math.floor(rng() * this.#maxChanges);
    const U = this.book.updateId + 1;
    const picked = this.#picked;
    picked.length = 0;
    let b = "";
    let a = "";
    for (let k = 0; k < n; k++) {
      const bid = rng() < 0.5;
      // Skewed to the top of the book; distinct levels within a frame.
      let i = Math.floor(this.#levels * rng() * rng());
      const key = (j: number): number => (bid ? j : -1 - j);
      while (picked.includes(key(i))) i = (i + 1) % this.#levels;
      picked.push(key(i));
      const q = rng() < 0.125 ? 0 : 1 + Math.floor(rng() * QTY_TABLE);
      const px = bid ? this.#bidPx[i]! : this.#askPx[i]!;
      this.book.side(bid).set(px, q);
      const level = (bid ? this.#bidHead[i]! : this.#askHead[i]!) + this.#qtyTail[q]!;
      if (bid) b = b === "" ? level : b + "," + level;
      else a = a === "" ? level : a + "," + level;
    }
    this.book.updateId = U + n - 1;
    return `{"e":"depthUpdate","E":${E}${this.#head}${U},"u":${this.book.updateId},"b":[${b}],"a":[${a}]}`;
  }

  /** The REST `/api/v3/depth` body of the true book, best `limit` levels per side. Allocates. */
  snapshotJson(limit: number): string {
    const ps = PRICE_SCALE;
    const qs = QTY_SCALE;
    return `{"lastUpdateId":${this.book.updateId},"bids":${sideJson(this.book, true, limit, ps, qs)},"asks":${
      sideJson(this.book, false, limit, ps, qs)
    }}`;
  }
}
