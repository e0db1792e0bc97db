/**
 * Fill-versus-cancel attribution of a level decrease.
 *
 * With trades: the trades whose trade time `T` falls in the depth update's window (`T <= E` of
 * the update, and not already matched by an earlier update) are held in a {@linkcode TradeWindow};
 * a decrease at price `p` on side `s` is a fill for as much as the unmatched trade quantity at
 * exactly `p` on `s` (protocols.md §2: `m = true` means the taker sold, so a bid was consumed),
 * the rest is a cancel. Trade quantity left unmatched stays for {@linkcode GRACE_UPDATES} more
 * updates (a trade can land in the next depth batch), then is dropped and counted.
 *
 * Without trades, a documented heuristic ({@linkcode heuristicFill}): a decrease is a fill when
 * it happened at the touch — at or better than the side's best price after the update (so the
 * levels a taker swept plus the new top) — while the opposite side's best price did not move in
 * the same update (a re-quote moves both sides; a trade moves only the side it hits).
 * Everything else is a cancel.
 * @module
 */
import { type InferredEvent, Side } from "./schema.ts";

/** Depth updates an unmatched trade stays eligible for after the one whose window it fell in. */
export const GRACE_UPDATES = 1;

/** Trades of the current depth window. Preallocated arrays; no allocation per trade. */
export class TradeWindow {
  #px: Float64Array;
  #qty: Float64Array;
  #side: Uint8Array;
  #age: Uint8Array;
  #n = 0;
  // Per side, the lowest and highest price of the pending trades (a cheap filter for take()).
  #lo = new Float64Array([Infinity, Infinity]);
  #hi = new Float64Array([-Infinity, -Infinity]);
  /** Trades added. */
  trades = 0;
  /** Trade quantity matched to decreases, lots. */
  matchedQty = 0;
  /** Trade quantity that expired unmatched, lots. */
  unmatchedQty = 0;

  /** Room for `capacity` pending trades (grows by doubling). */
  constructor(capacity = 1024) {
    this.#px = new Float64Array(capacity);
    this.#qty = new Float64Array(capacity);
    this.#side = new Uint8Array(capacity);
    this.#age = new Uint8Array(capacity);
  }

  /** Pending trades. */
  get size(): number {
    return this.#n;
  }

  /** Add a trade: `bidConsumed` is the wire's `m` (buyer is maker → the bid side was hit). */
  push(priceTicks: number, qtyLots: number, bidConsumed: boolean): void {
    if (this.#n === this.#px.length) this.#grow();
    const i = this.#n++;
    this.#px[i] = priceTicks;
    this.#qty[i] = qtyLots;
    this.#side[i] = bidConsumed ? Side.Bid : Side.Ask;
    this.#age[i] = 0;
    this.trades++;
    const s = bidConsumed ? Side.Bid : Side.Ask;
    if (priceTicks < this.#lo[s]!) this.#lo[s] = priceTicks;
    if (priceTicks > this.#hi[s]!) this.#hi[s] = priceTicks;
  }

  /** Consume up to `max` of pending trade quantity at (`side`, `price`); returns the amount taken. */
  take(side: Side, price: number, max: number): number {
    // Most decreases are away from where trades printed: reject them without a scan.
    if (price < this.#lo[side]! || price > this.#hi[side]!) return 0;
    return this.#take(side, price, max);
  }

  /** {@linkcode TradeWindow.take} of `ev.qty` at (`ev.side`, `ev.price`) (no boxed arguments). */
  takeEvent(ev: InferredEvent): number {
    const side = ev.side;
    const price = ev.price;
    if (price < this.#lo[side]! || price > this.#hi[side]!) return 0;
    return this.#take(side, price, ev.qty);
  }

  #take(side: Side, price: number, max: number): number {
    let got = 0;
    const n = this.#n;
    for (let i = 0; i < n && got < max; i++) {
      if (this.#px[i] !== price || this.#side[i] !== side) continue;
      const q = this.#qty[i]!;
      if (q === 0) continue;
      const t = q < max - got ? q : max - got;
      this.#qty[i] = q - t;
      got += t;
    }
    this.matchedQty += got;
    return got;
  }

  /** End of a depth update: age the pending trades, dropping the spent and the expired ones. */
  endUpdate(): void {
    let w = 0;
    const n = this.#n;
    if (n === 0) return;
    const lo = this.#lo;
    const hi = this.#hi;
    lo[0] = lo[1] = Infinity;
    hi[0] = hi[1] = -Infinity;
    for (let i = 0; i < n; i++) {
      const q = this.#qty[i]!;
      if (q === 0) continue;
      const age = this.#age[i]! + 1;
      if (age > GRACE_UPDATES) {
        this.unmatchedQty += q;
        continue;
      }
      const p = this.#px[i]!;
      const s = this.#side[i]!;
      this.#px[w] = p;
      this.#qty[w] = q;
      this.#side[w] = s;
      this.#age[w] = age;
      if (p < lo[s]!) lo[s] = p;
      if (p > hi[s]!) hi[s] = p;
      w++;
    }
    this.#n = w;
  }

  /** Drop every pending trade (e.g. at a resync), counting them as unmatched. */
  clear(): void {
    for (let i = 0; i < this.#n; i++) this.unmatchedQty += this.#qty[i]!;
    this.#n = 0;
    this.#lo[0] = this.#lo[1] = Infinity;
    this.#hi[0] = this.#hi[1] = -Infinity;
  }

  #grow(): void {
    const n = this.#px.length * 2;
    const px = new Float64Array(n);
    const qty = new Float64Array(n);
    const side = new Uint8Array(n);
    const age = new Uint8Array(n);
    px.set(this.#px);
    qty.set(this.#qty);
    side.set(this.#side);
    age.set(this.#age);
    this.#px = px;
    this.#qty = qty;
    this.#side = side;
    this.#age = age;
  }
}

/**
 * Fill attribution of one depth update for `L3Book.change`: the {@linkcode TradeWindow} when
 * trades are used, else {@linkcode heuristicFill} with the best prices before (`bb0`, `ba0`) and
 * after (`bb1`, `ba1`) the update, which the caller sets. One instance per replay.
 */
export class Attribution {
  /** The trade window, or undefined for the heuristic. */
  window: TradeWindow | undefined;
  /** Best bid before the update (NaN: empty). */
  bb0 = NaN;
  /** Best ask before the update. */
  ba0 = NaN;
  /** Best bid after the update. */
  bb1 = NaN;
  /** Best ask after the update. */
  ba1 = NaN;
  /** The filled part of a decrease of `d` at `price` on `side`. */
  fillFor(side: Side, price: number, d: number): number {
    if (this.window) return this.window.take(side, price, d);
    return heuristicFill(side, price, d, this.bb0, this.ba0, this.bb1, this.ba1);
  }
  /** {@linkcode Attribution.fillFor} of a decrease of `ev.qty` at (`ev.side`, `ev.price`). */
  fillForEvent(ev: InferredEvent): number {
    if (this.window) return this.window.takeEvent(ev);
    return heuristicFill(ev.side, ev.price, ev.qty, this.bb0, this.ba0, this.bb1, this.ba1);
  }
}

/**
 * The no-trades heuristic: how much of a decrease of `d` at `price` on `side` is a fill, given
 * each side's best price before and after the update (NaN when a side is empty).
 * Returns `d` (all fill) or 0 (all cancel).
 */
export function heuristicFill(
  side: Side,
  price: number,
  d: number,
  bestBidBefore: number,
  bestAskBefore: number,
  bestBidAfter: number,
  bestAskAfter: number,
): number {
  if (side === Side.Bid) {
    if (
      bestAskAfter !== bestAskBefore && !(bestAskAfter !== bestAskAfter && bestAskBefore !== bestAskBefore)
    ) {
      return 0;
    }
    // At or above the new best bid (NaN: the side emptied, everything was at the touch).
    return bestBidAfter !== bestBidAfter || price >= bestBidAfter ? d : 0;
  }
  if (bestBidAfter !== bestBidBefore && !(bestBidAfter !== bestBidAfter && bestBidBefore !== bestBidBefore)) {
    return 0;
  }
  return bestAskAfter !== bestAskAfter || price <= bestAskAfter ? d : 0;
}
