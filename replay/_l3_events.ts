/**
 * Private: the order queues of L3 inference (`_order_queues.ts`) with the operations that emit
 * {@linkcode InferredEvent}s — take from an order, append an order, a level's slot in and out —
 * through one reused event into an {@linkcode EventSink}. `L3Book` (`l3.ts`) extends it with the
 * inference rules; the operands of these operations are fields (a double passed as an argument
 * to a call that is not inlined may be boxed), the event's side and price are set by the caller.
 * No allocation per event (the pools double when full).
 * @module
 */
import { type EventSink, InferredEvent, type InferredKind, type Side } from "./schema.ts";
import type { PriceTable } from "./_price_table.ts";
import { NIL, OrderQueues } from "./_order_queues.ts";

/** Order queues whose operations emit events (see the module doc). */
export class EventQueues extends OrderQueues {
  /** The event out-object; set updateId / eventTimeMs / recvSec / recvSubNs before each update. */
  readonly ev: InferredEvent = new InferredEvent();
  /** Events emitted so far (also the next `seq`). */
  seq = 0;
  /** Where events go. */
  protected readonly sink: EventSink;
  /** Event counters by kind. */
  protected readonly counts: number[];
  /** The id of the next order. */
  protected nextOrderId = 1;
  /** The operand of `take` / `push`: quantity still to take / to add. */
  protected want = 0;

  /** Emit into `sink`, count into `counts`; pools start at `capacity` orders and levels. */
  constructor(sink: EventSink, capacity: number, counts: number[]) {
    super(capacity);
    this.want = 0.5; // a double from the start (see `InferredEvent`'s constructor)
    this.want = 0;
    this.sink = sink;
    this.counts = counts;
  }

  /**
   * Take up to `want` from order `o` of level `l` (at ev.side/ev.price); emits; frees the order
   * when empty; lowers `want` by the amount taken.
   */
  protected take(l: number, o: number, kind: InferredKind): void {
    const q = this.oqty[o]!;
    const max = this.want;
    const take = q < max ? q : max;
    this.oqty[o] = q - take;
    const after = this.lqty[l]! - take;
    this.lqty[l] = after;
    this.want = max - take;
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = this.oid[o]!;
    ev.qty = take;
    ev.levelQtyAfter = after;
    this.counts[kind]!++;
    this.sink.write(ev);
    if (q === take) this.unlink(l, o);
  }

  /** Emit a `kind` event at ev.side/ev.price (clears: no order). */
  protected send(kind: InferredKind, orderId: number, qty: number, after: number): void {
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = orderId;
    ev.qty = qty;
    ev.levelQtyAfter = after;
    this.counts[kind]!++;
    this.sink.write(ev);
  }

  /** A new empty level for ev.price (= `table`'s key, whose find() just returned NIL). */
  protected level(table: PriceTable): number {
    const l = this.newLevel();
    table.insertFound(l); // right after the find() of ev.price that missed
    return l;
  }

  /** Free level `l` at ev.price (= the side table's key). */
  protected freeLevelSlot(side: Side, l: number): void {
    this.tables[side].deleteKey(); // key = ev.price, set by the find() of this update
    this.freeLevel(l);
  }

  /**
   * Append a new order of `want` at the tail of level `l` (at ev.side/ev.price); emits `kind`.
   * The order slot is taken here, inline (a call into the pool would not be inlined).
   */
  protected push(l: number, kind: InferredKind): void {
    let o = this.freeOrder;
    if (o !== NIL) this.freeOrder = this.next[o]!;
    else {
      if (this.orderTop === this.oid.length) this.growOrders();
      o = this.orderTop++;
    }
    const qty = this.want;
    const id = this.nextOrderId++;
    this.oid[o] = id;
    this.oqty[o] = qty;
    const t = this.tail[l]!;
    this.prev[o] = t;
    this.next[o] = NIL;
    if (t === NIL) this.head[l] = o;
    else this.next[t] = o;
    this.tail[l] = o;
    const after = this.lqty[l]! + qty;
    this.lqty[l] = after;
    const ev = this.ev;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.orderId = id;
    ev.qty = qty;
    ev.levelQtyAfter = after;
    this.counts[kind]!++;
    this.sink.write(ev);
  }
}
