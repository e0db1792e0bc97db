/**
 * Seeded synthetic order book for the Hyperliquid simulator: a deep book (60 levels a side) on
 * a 1.0 price tick whose top 20 levels are published as `l2Book` windows in wire key order.
 * Each step changes a few sizes, adds and removes levels and sometimes moves the mid, so levels
 * leave and re-enter the window while still resting deeper. A `pepe` book is a low-priced coin's:
 * prices in 10^-8 units around 0.00000122 (best ask `"0.00000123"` at the start), sizes of whole
 * coins past 10^11 written with two zero decimals (`"123456789012.00"`), `szDecimals` 0. Allocates
 * (simulator only).
 * @module
 */
import { mulberry32 } from "../../venues/backoff.ts";
import { HL_BOOK_DEPTH } from "../../venues/hyperliquid/types.ts";

const DEEP = 60;

/** The shape of a synthetic market. */
export type SynthShape = "normal" | "pepe";

/** A seeded random-walk book that renders Hyperliquid frames. */
export class SynthBook {
  /** Coin written into frames. */
  readonly coin: string;
  /** The market's shape. */
  readonly shape: SynthShape;
  readonly #rnd: () => number;
  readonly #bids = new Map<number, number>(); // price (whole ticks) -> size in 1e-5 lots
  readonly #asks = new Map<number, number>();
  #mid: number;
  #tid = 1;

  /** A book around `mid` (whole price units; 10^-8 units for `pepe`, default 122) seeded with `seed`. */
  constructor(coin: string, seed: number, mid?: number, shape: SynthShape = "normal") {
    this.coin = coin;
    this.shape = shape;
    this.#rnd = mulberry32(seed);
    mid ??= shape === "pepe" ? 122 : 100_000;
    this.#mid = mid;
    for (let i = 1; i <= DEEP; i++) {
      this.#bids.set(mid - i, this.#size());
      this.#asks.set(mid + i, this.#size());
    }
  }

  /** Mutate the book one step. */
  step(): void {
    const r = this.#rnd;
    for (let k = 0; k < 5; k++) {
      const isBid = r() < 0.5;
      const m = isBid ? this.#bids : this.#asks;
      const off = 1 + Math.floor(r() * 30);
      const px = isBid ? this.#mid - off : this.#mid + off;
      if (px <= 0) continue;
      if (r() < 0.3) m.delete(px);
      else m.set(px, this.#size());
    }
    if (r() < 0.25) {
      this.#mid += r() < 0.5 ? -2 : 2;
      for (const px of this.#bids.keys()) if (px >= this.#mid) this.#bids.delete(px);
      for (const px of this.#asks.keys()) if (px <= this.#mid) this.#asks.delete(px);
      // Refill so the book stays deep.
      for (let i = 1; i <= DEEP; i++) {
        if (this.#mid - i > 0 && !this.#bids.has(this.#mid - i) && r() < 0.5) {
          this.#bids.set(this.#mid - i, this.#size());
        }
        if (!this.#asks.has(this.#mid + i) && r() < 0.5) this.#asks.set(this.#mid + i, this.#size());
      }
    }
  }

  /**
   * The current top-`depth` window (default 20; 5 for a fast window) as an `l2Book` frame;
   * `crossed` adds a bid above the best ask.
   */
  bookFrame(timeMs: number, crossed = false, depth = HL_BOOK_DEPTH): string {
    const bids = top(this.#bids, true);
    const asks = top(this.#asks, false).slice(0, depth);
    if (crossed && asks.length > 0) bids.unshift([asks[0]![0] + 1, 100_000]);
    return `{"channel":"l2Book","data":{"coin":"${this.coin}","time":${timeMs},"levels":[[${
      this.#levels(bids.slice(0, depth))
    }],[${this.#levels(asks)}]]}}`;
  }

  /** The best bid and ask as a `bbo` frame (`null` for an empty side). */
  bboFrame(timeMs: number): string {
    const b = top(this.#bids, true)[0], a = top(this.#asks, false)[0];
    const one = (l: [number, number] | undefined) => (l ? this.#levels([l]) : "null");
    return `{"channel":"bbo","data":{"coin":"${this.coin}","time":${timeMs},"bbo":[${one(b)},${one(a)}]}}`;
  }

  /** A `trades` frame with one trade at the touch. */
  tradesFrame(timeMs: number): string {
    const buy = this.#rnd() < 0.5;
    const side = top(buy ? this.#asks : this.#bids, !buy)[0];
    const px = side ? side[0] : this.#mid;
    const sz = this.shape === "pepe"
      ? 1_000_000 + Math.floor(this.#rnd() * 1e9)
      : 1 + Math.floor(this.#rnd() * 500);
    const tid = this.#tid++;
    return `{"channel":"trades","data":[{"coin":"${this.coin}","side":"${buy ? "B" : "A"}","px":"${
      this.#px(px)
    }",` +
      `"sz":"${this.#sz(sz)}","hash":"0x${"0".repeat(64)}","time":${timeMs},"tid":${tid},` +
      `"users":["0x${"1".repeat(40)}","0x${"2".repeat(40)}"]}]}`;
  }

  #size(): number {
    if (this.shape === "pepe") return 100_000_000_000 + Math.floor(this.#rnd() * 900_000_000_000);
    return 1 + Math.floor(this.#rnd() * 2_000_000); // 0.00001 .. 20 coins
  }

  #levels(side: [number, number][]): string {
    return side.map(([px, sz]) => `{"px":"${this.#px(px)}","sz":"${this.#sz(sz)}","n":${1 + (sz % 7)}}`)
      .join(",");
  }

  // Price text: whole units with ".0"; pepe: 10^-8 units as "0.00000123".
  #px(px: number): string {
    return this.shape === "pepe" ? `0.${String(px).padStart(8, "0")}` : `${px}.0`;
  }

  // Size text: 10^-5 units, Hyperliquid style; pepe: whole coins with ".00".
  #sz(sz: number): string {
    return this.shape === "pepe" ? `${sz}.00` : fmtSize(sz);
  }
}

function top(m: Map<number, number>, desc: boolean): [number, number][] {
  return [...m].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, HL_BOOK_DEPTH);
}

// Size in 1e-5 units, Hyperliquid style: shortest form with at least one decimal.
function fmtSize(v: number): string {
  const int = Math.floor(v / 1e5);
  let frac = String(v % 1e5).padStart(5, "0");
  while (frac.length > 1 && frac.endsWith("0")) frac = frac.slice(0, -1);
  return `${int}.${frac}`;
}
