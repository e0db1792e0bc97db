/**
 * Event writers: JSONL (machine-readable, integer ticks/lots as in the schema), text (for
 * stdout, decimal prices) and bincode (see `bincode.ts`). All write bytes in place into a
 * preallocated {@linkcode OutBuffer}: no strings are built per event.
 *
 * JSONL line (keys as in the Rust struct, receive time exact):
 * `{"seq":0,"update_id":35346513512,"event_time_ms":0,"recv_time_ns":1723161254036052868,"side":"bid","kind":"snapshot","order_id":1,"price_ticks":268380000000,"qty_lots":302920000,"level_qty_after":302920000,"price_decimals":8,"qty_decimals":8}`
 *
 * Text line: `0 u=35346513512 E=0 t=1723161254.036052868 bid snapshot #1 2683.80000000 x 3.02920000 -> 3.02920000`
 * @module
 */
import type { ByteTarget, OutBuffer } from "./out_buffer.ts";
import { BincodeWriter } from "./bincode.ts";
import { BufferedWriter } from "./_buffered_writer.ts";
import { POW10 } from "../venues/decimal.ts";
import { type EventSink, type InferredEvent, KIND_NAMES, SIDE_NAMES } from "./schema.ts";

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);

const J_SEQ = b('{"seq":');
const J_U = b(',"update_id":');
const J_E = b(',"event_time_ms":');
const J_RECV = b(',"recv_time_ns":');
const J_SIDE = b(',"side":"');
const J_KIND = b('","kind":"');
const J_OID = b('","order_id":');
const J_PX = b(',"price_ticks":');
const J_QTY = b(',"qty_lots":');
const J_LVL = b(',"level_qty_after":');
const J_PD = b(',"price_decimals":');
const J_QD = b(',"qty_decimals":');
const J_END = b("}\n");
const SIDES: readonly Uint8Array[] = SIDE_NAMES.map(b);
const KINDS: readonly Uint8Array[] = KIND_NAMES.map(b);

/** Write the exact receive time in ns as decimal digits (seconds, then 9 digits; "0" when unknown). */
function recvDigits(out: OutBuffer, ev: InferredEvent): void {
  if (ev.recvSec === 0) out.uint(ev.recvSubNs);
  else {
    out.uint(ev.recvSec);
    out.padded(ev.recvSubNs, 9);
  }
}

/** JSONL writer (one JSON object per event and line). No allocation per event. */
export class JsonlWriter extends BufferedWriter {
  /** Format one event. */
  override write(ev: InferredEvent): void {
    const o = this.out;
    o.ensure(320);
    o.bytes(J_SEQ);
    o.uint(ev.seq);
    o.bytes(J_U);
    o.uint(ev.updateId);
    o.bytes(J_E);
    o.uint(ev.eventTimeMs);
    o.bytes(J_RECV);
    recvDigits(o, ev);
    o.bytes(J_SIDE);
    o.bytes(SIDES[ev.side]!);
    o.bytes(J_KIND);
    o.bytes(KINDS[ev.kind]!);
    o.bytes(J_OID);
    o.uint(ev.orderId);
    o.bytes(J_PX);
    o.uint(ev.price);
    o.bytes(J_QTY);
    o.uint(ev.qty);
    o.bytes(J_LVL);
    o.uint(ev.levelQtyAfter);
    o.bytes(J_PD);
    o.uint(ev.priceDecimals);
    o.bytes(J_QD);
    o.uint(ev.qtyDecimals);
    o.bytes(J_END);
    this.count++;
  }
}

const T_U = b(" u=");
const T_E = b(" E=");
const T_T = b(" t=");
const T_ID = b(" #");
const T_X = b(" x ");
const T_TO = b(" -> ");

/** Human-readable text writer for stdout (decimal prices). No allocation per event. */
export class TextWriter extends BufferedWriter {
  /** Format one event. */
  override write(ev: InferredEvent): void {
    const o = this.out;
    o.ensure(256);
    o.uint(ev.seq);
    o.bytes(T_U);
    o.uint(ev.updateId);
    o.bytes(T_E);
    o.uint(ev.eventTimeMs);
    o.bytes(T_T);
    o.uint(ev.recvSec);
    o.byte(46);
    o.padded(ev.recvSubNs, 9);
    o.byte(32);
    o.bytes(SIDES[ev.side]!);
    o.byte(32);
    o.bytes(KINDS[ev.kind]!);
    o.bytes(T_ID);
    o.uint(ev.orderId);
    o.byte(32);
    const pd = ev.priceDecimals;
    const qd = ev.qtyDecimals;
    o.fixed(ev.price, pd, POW10[pd]!);
    o.bytes(T_X);
    o.fixed(ev.qty, qd, POW10[qd]!);
    o.bytes(T_TO);
    o.fixed(ev.levelQtyAfter, qd, POW10[qd]!);
    o.byte(10);
    this.count++;
  }
}

/** Output formats of `deno task replay`. */
export type OutFormat = "stdout" | "jsonl" | "bincode";

/** A writer of any format: an {@linkcode EventSink} that can be flushed. */
export interface EventWriter extends EventSink {
  /** Events written. */
  readonly count: number;
  /** The output buffer (for byte counts). */
  readonly out: OutBuffer;
  /** Flush buffered bytes to the target. */
  flush(): void;
}

/** The writer for `format` over `target` ("stdout" is the text form; it may target any file). */
export function createWriter(format: OutFormat, target: ByteTarget, capacity?: number): EventWriter {
  switch (format) {
    case "jsonl":
      return new JsonlWriter(target, capacity);
    case "bincode":
      return new BincodeWriter(target, capacity);
    case "stdout":
      return new TextWriter(target, capacity);
  }
}
