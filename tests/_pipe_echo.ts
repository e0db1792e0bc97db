/**
 * Test helper: what the L3 consumer is given for one message of the replay pipe, as plain data
 * (`PipeEcho`), built on the adapter's side from a `RecordBatch` and on the Worker's side
 * (`_pipe_echo_worker.ts`) from what the pipe's reader hands over, so the two can be compared.
 * @module
 */
import type { BookContext } from "../replay/_context.ts";

/**
 * One record: its BID and EMPTY flag bits, price, quantity. A message that is one EMPTY record
 * (no level) has none.
 */
export type EchoLevel = [number, number, number];

/** The header fields a message carries across the pipe. */
export interface EchoHeaderFields {
  messageKind: number;
  instrument: number;
  priceDecimals: number;
  qtyDecimals: number;
  reason: number;
  seq: number;
  updateId: number;
  eventTimeMs: number;
  recvSec: number;
  recvSubNs: number;
}

/** One call on the consumer: a message (header, context of a book message, levels) or a control. */
export type PipeEcho =
  | { call: "unchanged" | "dropTrades" }
  | {
    call: "message";
    header: EchoHeaderFields;
    ctx?: EchoContext;
    levels: EchoLevel[];
  };

/** The context fields L3 reads (the window bounds only on a window venue). */
export type EchoContext = Partial<BookContext>;

/** The fields of `c` that travel with a book message (its window bounds only when `c.window`). */
export function echoContext(c: BookContext): EchoContext {
  const o: EchoContext = {
    firstId: c.firstId,
    lastId: c.lastId,
    singleEvent: c.singleEvent,
    bb0: c.bb0,
    ba0: c.ba0,
    bb1: c.bb1,
    ba1: c.ba1,
    window: c.window,
  };
  if (c.window) {
    o.exitBid = c.exitBid;
    o.exitAsk = c.exitAsk;
    o.enterBid = c.enterBid;
    o.enterAsk = c.enterAsk;
  }
  return o;
}

/** A message's echo: `h`'s header fields, a copy of `ctx` (book messages), its levels (none when EMPTY). */
export function echoHeader(h: EchoHeaderFields, ctx: BookContext | undefined, levels: EchoLevel[]): PipeEcho {
  return {
    call: "message",
    header: {
      messageKind: h.messageKind,
      instrument: h.instrument,
      priceDecimals: h.priceDecimals,
      qtyDecimals: h.qtyDecimals,
      reason: h.reason,
      seq: h.seq,
      updateId: h.updateId,
      eventTimeMs: h.eventTimeMs,
      recvSec: h.recvSec,
      recvSubNs: h.recvSubNs,
    },
    ctx: ctx ? echoContext(ctx) : undefined,
    levels,
  };
}
