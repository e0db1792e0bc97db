/**
 * L3 inference: each price level keeps a FIFO queue of inferred orders, driven by L2 level
 * changes (previous and new quantity, as `venues/book.ts` reports them).
 *
 * Contract:
 * - An increase adds one order of the difference at the tail (`Add`).
 * - A decrease of `d` with `fill` of it attributed to trades (a {@linkcode FillAttribution}
 *   decides, see `classify.ts`) takes `fill` from the head of the queue (`Fill` events, oldest first), then
 *   cancels `d - fill` by the {@linkcode CancelModel}: `tail` (newest first, the default),
 *   `head` (oldest first) or `proportional` (every order shrinks in proportion, in whole lots of
 *   the instrument, the rounding remainder taken from the tail). The lot is the GCD of every
 *   level quantity and fill seen ({@linkcode L3Book.lot}), so an order is never cut to a fraction
 *   of a contract and a small cancel does not become one tiny event per order. A level that drops
 *   to 0 empties its queue.
 * - Snapshots seed one order per level (`Snapshot`); `clear()` drops everything (`Clear` per side);
 *   `dropLevel()` drops one level whose fate is unknown (a Hyperliquid window `Exit`): one `Clear`
 *   per order, carrying the order id and price, never a `Cancel`.
 * - Invariant, after every event: the orders of a level sum to its quantity (`levelQtyAfter`),
 *   checked by {@linkcode L3Book.checkInvariant}.
 * - Storage: orders and levels live in preallocated typed-array pools with free lists, levels are
 *   found through a {@linkcode PriceTable} (a direct array on the detected tick near the first
 *   prices, a hash table elsewhere): nothing allocates per event (pools double when full).
 * - Events go to the {@linkcode EventSink} through one reused {@linkcode InferredEvent}; the caller
 *   sets its context (update id, times) on {@linkcode L3Book.ev} before each update.
 * @module
 */
import { type EventSink, InferredEvent, InferredKind, type Side } from "./schema.ts";
import { PriceTable } from "./_price_table.ts";
import { growF, growI } from "./_grow.ts";

/** Decides how much of a level decrease traded (the rest is cancelled). */
export interface FillAttribution {
  /** The filled part (0..`decrease`) of a decrease of `decrease` at `price` on `side`. */
  fillFor(side: Side, price: number, decrease: number): number;
  /**
   * Optional fast form of {@linkcode FillAttribution.fillFor}: the same answer for side `ev.side`,
   * price `ev.price` and decrease `ev.qty` (passing the event avoids boxing the doubles);
   * `ev.levelQtyAfter` holds the level's quantity after the whole decrease, `ev.updateId` and
   * `ev.eventTimeMs` the update's.
   */
  fillForEvent?(ev: InferredEvent): number;
}

/** Attributes nothing to trades: every decrease is a cancel. */
export const NO_FILLS: FillAttribution = { fillFor: () => 0 };

/** Where cancelled quantity is taken from in a level's queue. */
export type CancelModel = "tail" | "head" | "proportional";

const NIL = -1;

/** The L3 state of a book plus the event emitter. */
export class L3Book {
  /** The event out-object; set updateId / eventTimeMs / recvSec / recvSubNs before each update. */
  readonly ev: InferredEvent = new InferredEvent();
  /** The cancel model. */
  readonly cancelModel: CancelModel;
  /** Events emitted so far (also the next `seq`). */
  seq = 0;
  #sink: EventSink;
  #counts: number[];
  #nextOrderId = 1;
  // Order pool.
  #oid: Float64Array;
  #oqty: Float64Array;
  #next: Int32Array;
  #prev: Int32Array;
  #freeOrder = NIL;
  #orderTop = 0;
  // Level pool.
  #head: Int32Array;
  #tail: Int32Array;
  #lqty: Float64Array;
  #freeLevel = NIL;
  #levelTop = 0;
  #tables: [PriceTable, PriceTable] = [new PriceTable(), new PriceTable()];
  #scratch = new Float64Array(64);
  // Operands of the private helpers kept in fields, not arguments (a double argument may be boxed).
  #want = 0; // quantity still to add/take
  #lot = 0; // GCD of the quantities seen (proportional model only; 0 = none yet)
  // change()'s level as a one-level diff side (for #changeLevels).
  #onePx = new Float64Array(1);
  #oneQty = new Float64Array(1);

  /** Emit into `sink`; pools start at `capacity` orders and levels. */
  constructor(
    sink: EventSink,
    opts: {
      cancelModel?: CancelModel;
      capacity?: number;
      /** Event counters by {@linkcode InferredKind}, incremented per event (e.g. `ReplayStats.events`). */
      counts?: number[];
    } = {},
  ) {
    this.#sink = sink;
    this.#counts = opts.counts ?? [0, 0, 0, 0, 0];
    this.cancelModel = opts.cancelModel ?? "tail";
    const n = opts.capacity ?? 4096;
    this.#oid = new Float64Array(n);
    this.#oqty = new Float64Array(n);
    this.#next = new Int32Array(n);
    this.#prev = new Int32Array(n);
    this.#head = new Int32Array(n);
    this.#tail = new Int32Array(n);
    this.#lqty = new Float64Array(n);
  }

  /**
   * The instrument's lot as inferred so far: the GCD of every level quantity and fill seen, × 10^8
   * (0 before the first; tracked for the `proportional` model only).
   */
  get lot(): number {
    return this.#lot;
  }

  /** Number of levels on `side`. */
  levels(side: Side): number {
    return this.#tables[side].size;
  }

  /** The level's quantity as the L3 state holds it (0 when absent). */
  levelQty(side: Side, price: number): number {
    const l = this.#tables[side].get(price);
    return l === NIL ? 0 : this.#lqty[l]!;
  }

  /** Quantities of the level's orders, head first (allocates; for tests). */
  queue(side: Side, price: number): number[] {
    const out: number[] = [];
    const l = this.#tables[side].get(price);
    if (l === NIL) return out;
    for (let o = this.#head[l]!; o !== NIL; o = this.#next[o]!) out.push(this.#oqty[o]!);
    return out;
  }

  /** Seed a level from a snapshot: one order of `qty` (emits `Snapshot`). The level must be absent. */
  snapshotLevel(side: Side, price: number, qty: number): void {
    if (qty <= 0) return;
    const ev = this.ev;
    ev.side = side;
    ev.price = price;
    const table = this.#tables[side];
    table.key = price;
    if (table.find() !== NIL) {
      // Contract breach (the level must be absent): as before, the new level replaces it.
      table.deleteKey();
      table.find();
    }
    const l = this.#level(table);
    if (this.cancelModel === "proportional") this.#lot = gcd(this.#lot, qty);
    this.#want = qty;
    this.#push(l, InferredKind.Snapshot);
  }

  /** Drop every order (a resync): one `Clear` event per side with the quantity it held. */
  clear(): void {
    for (let s = 0; s < 2; s++) {
      const side = s as Side;
      let total = 0;
      const t = this.#tables[side];
      t.forEach((_p, l) => (total += this.#lqty[l]!));
      t.clear();
      const ev = this.ev;
      ev.side = side;
      ev.price = 0;
      this.#send(InferredKind.Clear, 0, total, 0);
    }
    this.#freeOrder = NIL;
    this.#orderTop = 0;
    this.#freeLevel = NIL;
    this.#levelTop = 0;
  }

  /**
   * Forget the level at `price` without saying why (it left the venue's visible window): one
   * `Clear` event per order, head first, each with the order's id, the price, the order's
   * quantity and the level's quantity after it (0 after the last). No-op when the level is absent.
   */
  dropLevel(side: Side, price: number): void {
    const table = this.#tables[side];
    table.key = price;
    const l = table.find();
    if (l === NIL) return;
    const ev = this.ev;
    ev.side = side;
    ev.price = price;
    while (this.#head[l] !== NIL) {
      const o = this.#head[l]!;
      this.#want = this.#oqty[o]!;
      this.#take(l, o, InferredKind.Clear);
    }
    this.#freeLevelSlot(side, l);
  }

  /**
   * Set the level at `price` to `newQty` (0 deletes it), the L2 change a diff made. For a
   * decrease, `attr.fillFor` says how much of it traded (clamped to the decrease). Emits the
   * inferred events.
   */
  change(side: Side, price: number, newQty: number, attr: FillAttribution): void {
    const px = this.#onePx;
    const qty = this.#oneQty;
    px[0] = price;
    qty[0] = newQty;
    this.#changeLevels(side, px, qty, 1, attr);
  }

  /**
   * {@linkcode L3Book.change} for the first `n` levels of `px`/`qty` (a diff's side, in order):
   * same events, same order. The hot path of the replay: prices and quantities stay in typed
   * arrays and fields (a double passed as a call argument may be boxed, i.e. allocated).
   */
  changeLevels(side: Side, px: Float64Array, qty: Float64Array, n: number, attr: FillAttribution): void {
    this.ev.side = side;
    this.#changeLevels(side, px, qty, n, attr);
  }

  // The body of change() and changeLevels(): find the level, skip a no-op, else emit its events
  // through #push/#take (operands in fields, so no double is passed boxed).
  #changeLevels(side: Side, px: Float64Array, qty: Float64Array, n: number, attr: FillAttribution): void {
    const table = this.#tables[side];
    const ev = this.ev;
    for (let i = 0; i < n; i++) {
      const newQty = qty[i]!;
      const price = px[i]!;
      table.key = price;
      let l = table.find();
      const have = l === NIL ? 0 : this.#lqty[l]!;
      if (newQty === have || (l === NIL && newQty < have)) continue;
      ev.side = side;
      ev.price = price;
      if (l === NIL) l = this.#level(table);
      if (this.cancelModel === "proportional" && newQty > 0) this.#lot = gcd(this.#lot, newQty);
      if (newQty > have) {
        // An increase: one new order of the difference at the tail (`Add`).
        this.#want = newQty - have;
        this.#push(l, InferredKind.Add);
        continue;
      }
      // A decrease: fills from the head, then the cancel model takes the rest.
      const d = have - newQty;
      ev.qty = d;
      ev.levelQtyAfter = newQty; // what the attribution sees; each event then sets its own
      const f = attr.fillForEvent !== undefined ? attr.fillForEvent(ev) : attr.fillFor(side, price, d);
      this.#want = f < d ? f : d;
      if (this.#want > 0 && this.cancelModel === "proportional") this.#lot = gcd(this.#lot, this.#want);
      while (this.#want > 0) this.#take(l, this.#head[l]!, InferredKind.Fill);
      const cancel = this.#lqty[l]! - newQty;
      if (cancel > 0) {
        if (this.cancelModel === "proportional") this.#cancelProportional(l, cancel);
        else {
          const tail = this.cancelModel === "tail";
          this.#want = cancel;
          while (this.#want > 0) this.#take(l, tail ? this.#tail[l]! : this.#head[l]!, InferredKind.Cancel);
        }
      }
      if (this.#lqty[l] === 0) this.#freeLevelSlot(side, l);
    }
  }

  /** True when every level's orders sum to its quantity and match `expect(side, price)` when given. */
  checkInvariant(expect?: (side: Side, price: number) => number): boolean {
    let ok = true;
    for (let s = 0; s < 2; s++) {
      this.#tables[s]!.forEach((price, l) => {
        let sum = 0;
        for (let o = this.#head[l]!; o !== NIL; o = this.#next[o]!) sum += this.#oqty[o]!;
        if (sum !== this.#lqty[l] || sum <= 0) ok = false;
        if (expect && expect(s as Side, price) !== sum) ok = false;
      });
    }
    return ok;
  }

  // Take up to #want from order `o` of level `l` (at ev.side/ev.price); emits; frees the order
  // when empty; lowers #want by the amount taken.
  #take(l: number, o: number, kind: InferredKind): void {
    const q = this.#oqty[o]!;
    const max = this.#want;
    const take = q < max ? q : max;
    this.#oqty[o] = q - take;
    const after = this.#lqty[l]! - take;
    this.#lqty[l] = after;
    this.#want = max - take;
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = this.#oid[o]!;
    ev.qty = take;
    ev.levelQtyAfter = after;
    this.#counts[kind]!++;
    this.#sink.write(ev);
    if (q === take) this.#unlink(l, o);
  }

  // Split `cancel` over the orders of level `l` in proportion to their sizes, in whole lots.
  #cancelProportional(l: number, cancel: number): void {
    const total = this.#lqty[l]!;
    const lot = this.#lot > 0 ? this.#lot : 1;
    let n = 0;
    for (let o = this.#head[l]!; o !== NIL; o = this.#next[o]!) n++;
    if (this.#scratch.length < n) this.#scratch = new Float64Array(n * 2);
    const cut = this.#scratch;
    let sum = 0;
    let i = 0;
    for (let o = this.#head[l]!; o !== NIL; o = this.#next[o]!, i++) {
      const q = this.#oqty[o]!;
      const c = Math.floor(((cancel / lot) * q) / total) * lot;
      const take = c < q ? c : q;
      cut[i] = take;
      sum += take;
    }
    // Rounding remainder from the tail (or, should floors overshoot, give back from the head).
    let r = cancel - sum;
    i = n - 1;
    for (let o = this.#tail[l]!; o !== NIL && r > 0; o = this.#prev[o]!, i--) {
      const room = this.#oqty[o]! - cut[i]!;
      const add = room < r ? room : r;
      cut[i] = cut[i]! + add;
      r -= add;
    }
    i = 0;
    for (let o = this.#head[l]!; o !== NIL && r < 0; o = this.#next[o]!, i++) {
      const back = cut[i]! < -r ? cut[i]! : -r;
      cut[i] = cut[i]! - back;
      r += back;
    }
    i = 0;
    let o = this.#head[l]!;
    while (o !== NIL) {
      const nx = this.#next[o]!;
      if (cut[i]! > 0) {
        this.#want = cut[i]!;
        this.#take(l, o, InferredKind.Cancel);
      }
      o = nx;
      i++;
    }
  }

  // Emit a `kind` event at ev.side/ev.price (clears: no order).
  #send(kind: InferredKind, orderId: number, qty: number, after: number): void {
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = orderId;
    ev.qty = qty;
    ev.levelQtyAfter = after;
    this.#counts[kind]!++;
    this.#sink.write(ev);
  }

  // A new empty level for ev.price (= `table`'s key, whose find() just returned NIL).
  #level(table: PriceTable): number {
    let l = this.#freeLevel;
    if (l !== NIL) this.#freeLevel = this.#head[l]!;
    else {
      if (this.#levelTop === this.#head.length) this.#growLevels();
      l = this.#levelTop++;
    }
    this.#head[l] = NIL;
    this.#tail[l] = NIL;
    this.#lqty[l] = 0;
    table.insertFound(l); // right after the find() of ev.price that missed
    return l;
  }

  // Free level `l` at ev.price (= the side table's key).
  #freeLevelSlot(side: Side, l: number): void {
    this.#tables[side].deleteKey(); // key = ev.price, set by the find() of this update
    this.#head[l] = this.#freeLevel;
    this.#freeLevel = l;
  }

  // Append a new order of #want at the tail of level `l` (at ev.side/ev.price); emits `kind`.
  #push(l: number, kind: InferredKind): void {
    let o = this.#freeOrder;
    if (o !== NIL) this.#freeOrder = this.#next[o]!;
    else {
      if (this.#orderTop === this.#oid.length) this.#growOrders();
      o = this.#orderTop++;
    }
    const qty = this.#want;
    const id = this.#nextOrderId++;
    this.#oid[o] = id;
    this.#oqty[o] = qty;
    const t = this.#tail[l]!;
    this.#prev[o] = t;
    this.#next[o] = NIL;
    if (t === NIL) this.#head[l] = o;
    else this.#next[t] = o;
    this.#tail[l] = o;
    const after = this.#lqty[l]! + qty;
    this.#lqty[l] = after;
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = id;
    ev.qty = qty;
    ev.levelQtyAfter = after;
    this.#counts[kind]!++;
    this.#sink.write(ev);
  }

  #unlink(l: number, o: number): void {
    const p = this.#prev[o]!;
    const n = this.#next[o]!;
    if (p === NIL) this.#head[l] = n;
    else this.#next[p] = n;
    if (n === NIL) this.#tail[l] = p;
    else this.#prev[n] = p;
    this.#next[o] = this.#freeOrder;
    this.#freeOrder = o;
  }

  #growOrders(): void {
    const n = this.#oid.length * 2;
    this.#oid = growF(this.#oid, n);
    this.#oqty = growF(this.#oqty, n);
    this.#next = growI(this.#next, n);
    this.#prev = growI(this.#prev, n);
  }

  #growLevels(): void {
    const n = this.#head.length * 2;
    this.#head = growI(this.#head, n);
    this.#tail = growI(this.#tail, n);
    this.#lqty = growF(this.#lqty, n);
  }
}

// Greatest common divisor of two non-negative integers held in doubles (exact below 2^53).
function gcd(a: number, b: number): number {
  while (b > 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
