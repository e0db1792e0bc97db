/**
 * Private: the storage of L3 inference (`l3.ts`) — price levels, each a FIFO queue of orders,
 * in preallocated typed-array pools with free lists (nothing allocates per event; the pools
 * double when full), the level of each price found through a {@linkcode PriceTable} per side
 * (a direct array on the detected tick near the first prices, a hash table elsewhere), and the
 * queries on them. `L3Book` extends it (through `_l3_events.ts`), so its hot loops read the
 * pools as fields of the same object and append an order inline (the pool's state is
 * `protected` for that); re-read the arrays after an allocation (growth replaces them).
 * @module
 */
import { growF, growI } from "./_grow.ts";
import { PriceTable } from "./_price_table.ts";
import type { Side } from "./schema.ts";

/** No order / no level. */
export const NIL = -1;

/** Levels with FIFO queues of orders (see the module doc). */
export class OrderQueues {
  /** Order id, by order slot. */
  oid: Float64Array;
  /** Order quantity, by order slot. */
  oqty: Float64Array;
  /** Next (newer) order of the same level, by order slot. */
  next: Int32Array;
  /** Previous (older) order of the same level, by order slot. */
  prev: Int32Array;
  /** Oldest order, by level slot. */
  head: Int32Array;
  /** Newest order, by level slot. */
  tail: Int32Array;
  /** The level's quantity (the sum of its orders), by level slot. */
  lqty: Float64Array;
  /** The level slot of each price, by side. */
  protected readonly tables: [PriceTable, PriceTable] = [new PriceTable(), new PriceTable()];
  /** First free order slot (a list through `next`), or NIL. */
  protected freeOrder = NIL;
  /** Order slots ever used (the next never-used slot). */
  protected orderTop = 0;
  #freeLevel = NIL;
  #levelTop = 0;

  /** Pools of `capacity` orders and levels to start with. */
  constructor(capacity: number) {
    this.oid = new Float64Array(capacity);
    this.oqty = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.lqty = new Float64Array(capacity);
  }

  /** Drop every level and order. */
  reset(): void {
    this.freeOrder = NIL;
    this.orderTop = 0;
    this.#freeLevel = NIL;
    this.#levelTop = 0;
  }

  /** A new empty level slot. */
  newLevel(): number {
    let l = this.#freeLevel;
    if (l !== NIL) this.#freeLevel = this.head[l]!;
    else {
      if (this.#levelTop === this.head.length) this.#growLevels();
      l = this.#levelTop++;
    }
    this.head[l] = NIL;
    this.tail[l] = NIL;
    this.lqty[l] = 0;
    return l;
  }

  /** Free level slot `l` (its orders must be gone). */
  freeLevel(l: number): void {
    this.head[l] = this.#freeLevel;
    this.#freeLevel = l;
  }

  /** Remove order `o` from level `l` and free its slot. */
  unlink(l: number, o: number): void {
    const p = this.prev[o]!;
    const n = this.next[o]!;
    if (p === NIL) this.head[l] = n;
    else this.next[p] = n;
    if (n === NIL) this.tail[l] = p;
    else this.prev[n] = p;
    this.next[o] = this.freeOrder;
    this.freeOrder = o;
  }

  /** Orders of level `l`. */
  count(l: number): number {
    let n = 0;
    for (let o = this.head[l]!; o !== NIL; o = this.next[o]!) n++;
    return n;
  }

  /** Number of levels on `side`. */
  levels(side: Side): number {
    return this.tables[side].size;
  }

  /** The level's quantity as the L3 state holds it (0 when absent). */
  levelQty(side: Side, price: number): number {
    const l = this.tables[side].get(price);
    return l === NIL ? 0 : this.lqty[l]!;
  }

  /** Quantities of the level's orders, head first (allocates; for tests). */
  queue(side: Side, price: number): number[] {
    const out: number[] = [];
    const l = this.tables[side].get(price);
    if (l === NIL) return out;
    for (let o = this.head[l]!; o !== NIL; o = this.next[o]!) out.push(this.oqty[o]!);
    return out;
  }

  /** True when every level's orders sum to its quantity and match `expect(side, price)` when given. */
  checkInvariant(expect?: (side: Side, price: number) => number): boolean {
    let ok = true;
    for (let s = 0; s < 2; s++) {
      this.tables[s]!.forEach((price, l) => {
        let sum = 0;
        for (let o = this.head[l]!; o !== NIL; o = this.next[o]!) sum += this.oqty[o]!;
        if (sum !== this.lqty[l] || sum <= 0) ok = false;
        if (expect && expect(s as Side, price) !== sum) ok = false;
      });
    }
    return ok;
  }

  /** Double the order pool (keeping every order). */
  protected growOrders(): void {
    const n = this.oid.length * 2;
    this.oid = growF(this.oid, n);
    this.oqty = growF(this.oqty, n);
    this.next = growI(this.next, n);
    this.prev = growI(this.prev, n);
  }

  #growLevels(): void {
    const n = this.head.length * 2;
    this.head = growI(this.head, n);
    this.tail = growI(this.tail, n);
    this.lqty = growF(this.lqty, n);
  }
}

/**
 * The proportional cancel of `cancel` from level `l` of `q` (total `lqty[l]`): each order's cut,
 * head first, into `cut` (grown as needed; returned): in proportion to its size in whole `lot`s,
 * the rounding remainder taken from the tail (or, should floors overshoot, given back from the
 * head). Pure: `q` is not changed.
 */
export function proportionalCuts(
  q: OrderQueues,
  l: number,
  cancel: number,
  lot: number,
  cut: Float64Array<ArrayBuffer>,
): Float64Array<ArrayBuffer> {
  const total = q.lqty[l]!;
  const n = q.count(l);
  if (cut.length < n) cut = new Float64Array(n * 2);
  let sum = 0;
  let i = 0;
  for (let o = q.head[l]!; o !== NIL; o = q.next[o]!, i++) {
    const s = q.oqty[o]!;
    const c = Math.floor(((cancel / lot) * s) / total) * lot;
    const take = c < s ? c : s;
    cut[i] = take;
    sum += take;
  }
  let r = cancel - sum;
  i = n - 1;
  for (let o = q.tail[l]!; o !== NIL && r > 0; o = q.prev[o]!, i--) {
    const room = q.oqty[o]! - cut[i]!;
    const add = room < r ? room : r;
    cut[i] = cut[i]! + add;
    r -= add;
  }
  i = 0;
  for (let o = q.head[l]!; o !== NIL && r < 0; o = q.next[o]!, i++) {
    const back = cut[i]! < -r ? cut[i]! : -r;
    cut[i] = cut[i]! - back;
    r += back;
  }
  return cut;
}

/** Greatest common divisor of two non-negative integers held in doubles (exact below 2^53). */
export function gcd(a: number, b: number): number {
  while (b > 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
