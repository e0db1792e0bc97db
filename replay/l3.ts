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
 *   checked by `checkInvariant`.
 * - Storage (`_order_queues.ts`, inherited: levels, queues, queries): typed-array pools with free
 *   lists, levels found through a `PriceTable` per side: nothing allocates per event.
 * - Events go to the {@linkcode EventSink} through one reused {@linkcode InferredEvent}; the caller
 *   sets its context (update id, times) on {@linkcode L3Book.ev} before each update.
 * @module
 */
import { type EventSink, InferredKind, type Side } from "./schema.ts";
import type { FillAttribution } from "./_fill_attribution.ts";
import { gcd, NIL, proportionalCuts } from "./_order_queues.ts";
import { EventQueues } from "./_l3_events.ts";

export { type FillAttribution, NO_FILLS } from "./_fill_attribution.ts";

/** Where cancelled quantity is taken from in a level's queue. */
export type CancelModel = "tail" | "head" | "proportional";

/**
 * The L3 state of a book plus the event emitter. The queues and their event-emitting operations
 * are inherited (`_l3_events.ts`, `_order_queues.ts`): the hot loops read the pools as fields of
 * this object.
 */
export class L3Book extends EventQueues {
  /** The cancel model. */
  readonly cancelModel: CancelModel;
  #scratch = new Float64Array(64);
  #lot = 0; // GCD of the quantities seen (proportional model only; 0 = none yet)
  // change()'s level as a one-level diff side (for #changeLevels).
  #onePx = new Float64Array(1);
  #oneQty = new Float64Array(1);
  // changeLevelsAt()'s levels, gathered (the one loop reads two plain arrays: measured faster).
  #atPx = new Float64Array(64);
  #atQty = new Float64Array(64);

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
    super(sink, opts.capacity ?? 4096, opts.counts ?? [0, 0, 0, 0, 0]);
    this.cancelModel = opts.cancelModel ?? "tail";
  }

  /**
   * The instrument's lot as inferred so far: the GCD of every level quantity and fill seen, × 10^8
   * (0 before the first; tracked for the `proportional` model only).
   */
  get lot(): number {
    return this.#lot;
  }

  /** Seed a level from a snapshot: one order of `qty` (emits `Snapshot`). The level must be absent. */
  snapshotLevel(side: Side, price: number, qty: number): void {
    if (qty <= 0) return;
    const ev = this.ev;
    ev.side = side;
    ev.price = price;
    const table = this.tables[side];
    table.key = price;
    if (table.find() !== NIL) {
      // Contract breach (the level must be absent): as before, the new level replaces it.
      table.deleteKey();
      table.find();
    }
    const l = this.level(table);
    if (this.cancelModel === "proportional") this.#lot = gcd(this.#lot, qty);
    this.want = qty;
    this.push(l, InferredKind.Snapshot);
  }

  /** Drop every order (a resync): one `Clear` event per side with the quantity it held. */
  clear(): void {
    for (let s = 0; s < 2; s++) {
      const side = s as Side;
      let total = 0;
      const t = this.tables[side];
      t.forEach((_p, l) => (total += this.lqty[l]!));
      t.clear();
      const ev = this.ev;
      ev.side = side;
      ev.price = 0;
      this.send(InferredKind.Clear, 0, total, 0);
    }
    this.reset();
  }

  /**
   * Forget the level at `price` without saying why (it left the venue's visible window): one
   * `Clear` event per order, head first, each with the order's id, the price, the order's
   * quantity and the level's quantity after it (0 after the last). No-op when the level is absent.
   */
  dropLevel(side: Side, price: number): void {
    const table = this.tables[side];
    table.key = price;
    const l = table.find();
    if (l === NIL) return;
    const ev = this.ev;
    ev.side = side;
    ev.price = price;
    while (this.head[l] !== NIL) {
      const o = this.head[l]!;
      this.want = this.oqty[o]!;
      this.take(l, o, InferredKind.Clear);
    }
    this.freeLevelSlot(side, l);
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

  /**
   * {@linkcode L3Book.changeLevels} for `n` levels interleaved in words: level `i`'s price at
   * `words[pxAt + i × stride]`, its quantity at `words[qtyAt + i × stride]` (e.g. the records of a
   * `RecordBatch`, 8 words each). Same events, same order; the levels are gathered into two
   * reused arrays first (no allocation once they are large enough).
   */
  changeLevelsAt(
    side: Side,
    words: Float64Array,
    pxAt: number,
    qtyAt: number,
    stride: number,
    n: number,
    attr: FillAttribution,
  ): void {
    if (this.#atPx.length < n) {
      this.#atPx = new Float64Array(n * 2);
      this.#atQty = new Float64Array(n * 2);
    }
    const px = this.#atPx;
    const qty = this.#atQty;
    for (let i = 0; i < n; i++, pxAt += stride, qtyAt += stride) {
      px[i] = words[pxAt]!;
      qty[i] = words[qtyAt]!;
    }
    this.ev.side = side;
    this.#changeLevels(side, px, qty, n, attr);
  }

  // The body of change() and changeLevels(): find the level, skip a no-op, else emit its events
  // through #push/#take (operands in fields, so no double is passed boxed). Level i: price px[i],
  // quantity qty[i] (plain indexes: a strided form of this loop measured 1.5% more replay CPU).
  #changeLevels(side: Side, px: Float64Array, qty: Float64Array, n: number, attr: FillAttribution): void {
    const table = this.tables[side];
    const ev = this.ev;
    for (let i = 0; i < n; i++) {
      const newQty = qty[i]!;
      const price = px[i]!;
      table.key = price;
      let l = table.find();
      const have = l === NIL ? 0 : this.lqty[l]!;
      if (newQty === have || (l === NIL && newQty < have)) continue;
      ev.side = side;
      ev.price = price;
      if (l === NIL) l = this.level(table);
      if (this.cancelModel === "proportional" && newQty > 0) this.#lot = gcd(this.#lot, newQty);
      if (newQty > have) {
        // An increase: one new order of the difference at the tail (`Add`).
        this.want = newQty - have;
        this.push(l, InferredKind.Add);
        continue;
      }
      // A decrease: fills from the head, then the cancel model takes the rest.
      const d = have - newQty;
      ev.qty = d;
      ev.levelQtyAfter = newQty; // what the attribution sees; each event then sets its own
      const f = attr.fillForEvent !== undefined ? attr.fillForEvent(ev) : attr.fillFor(side, price, d);
      this.want = f < d ? f : d;
      if (this.want > 0 && this.cancelModel === "proportional") this.#lot = gcd(this.#lot, this.want);
      while (this.want > 0) this.take(l, this.head[l]!, InferredKind.Fill);
      const cancel = this.lqty[l]! - newQty;
      if (cancel > 0) {
        if (this.cancelModel === "proportional") this.#cancelProportional(l, cancel);
        else {
          const tail = this.cancelModel === "tail";
          this.want = cancel;
          while (this.want > 0) this.take(l, tail ? this.tail[l]! : this.head[l]!, InferredKind.Cancel);
        }
      }
      if (this.lqty[l] === 0) this.freeLevelSlot(side, l);
    }
  }

  // Split `cancel` over the orders of level `l` in proportion to their sizes, in whole lots.
  #cancelProportional(l: number, cancel: number): void {
    const cut = this.#scratch = proportionalCuts(
      this,
      l,
      cancel,
      this.#lot > 0 ? this.#lot : 1,
      this.#scratch,
    );
    let i = 0;
    let o = this.head[l]!;
    while (o !== NIL) {
      const nx = this.next[o]!;
      if (cut[i]! > 0) {
        this.want = cut[i]!;
        this.take(l, o, InferredKind.Cancel);
      }
      o = nx;
      i++;
    }
  }
}
