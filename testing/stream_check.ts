/**
 * Test support: check a normalized stream against its own book after every message — the
 * records through a {@linkcode BookReplica}, the JSON form through a book of its own, and the
 * `seq` counters — collecting failures instead of throwing inside the handler.
 * @module
 */
import assert from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { parseFixed } from "../venues/decimal.ts";
import type { BookView } from "../market/book_view.ts";
import { formatMessageJson, type JsonMessage } from "../market/json.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import { BookReplica, ReplicaResult } from "../market/replica.ts";
import type { MarketStream } from "../market/stream.ts";

/** Assert `got` holds exactly the levels and update id of `want`. */
export function sameBook(got: L2Book, want: L2Book, what: string): void {
  for (const isBid of [true, false]) {
    const g = got.side(isBid);
    const w = want.side(isBid);
    assert.equal(g.size, w.size, `${what}: ${isBid ? "bid" : "ask"} depth`);
    for (let i = 0; i < w.size; i++) {
      assert.equal(g.priceAt(i), w.priceAt(i), `${what}: price ${i}`);
      assert.equal(g.qtyAt(i), w.qtyAt(i), `${what}: qty ${i}`);
    }
  }
  assert.equal(got.updateId, want.updateId, `${what}: update id`);
}

/** Apply one JSON message to `book` (8-decimal instruments). */
export function applyJson(m: JsonMessage, book: L2Book): void {
  if (m.kind === "snapshot" || m.kind === "clear") book.clear();
  for (const [side, levels] of [[true, m.bids], [false, m.asks]] as const) {
    for (const [p, q] of levels ?? []) book.side(side).set(parseFixed(p, 8), parseFixed(q, 8));
  }
  if (m.kind !== "trade") book.updateId = m.kind === "clear" ? 0 : m.update_id;
}

/** What {@linkcode checkEveryMessage} saw. */
export interface Checked {
  messages: number;
  snapshots: number;
  clears: number;
  updates: number;
  trades: number;
  failures: string[];
}

/**
 * Subscribe to `h`: after every message, the replica fed the records, the book fed the JSON
 * form, and the handler's own book must agree; seq must run 1, 2, 3… per counter.
 */
export function checkEveryMessage(h: { stream: MarketStream; book: L2Book }): Checked {
  const c: Checked = { messages: 0, snapshots: 0, clears: 0, updates: 0, trades: 0, failures: [] };
  const replica = new BookReplica(h.stream.instrument.id);
  const fromJson = new L2Book();
  let lastBook = 0;
  let lastTrade = 0;
  h.stream.subscribe((b: RecordBatch, view: BookView) => {
    try {
      c.messages++;
      const kind = b.messageKind;
      const seq = b.seq;
      if (kind === RecordKind.Trade) {
        c.trades++;
        assert.equal(seq, ++lastTrade, "trade seq");
      } else {
        assert.equal(seq, ++lastBook, "book seq");
        if (kind === RecordKind.Snapshot) c.snapshots++;
        else if (kind === RecordKind.Clear) c.clears++;
        else c.updates++;
      }
      assert.notEqual(replica.apply(b), ReplicaResult.Ignored);
      const m = JSON.parse(formatMessageJson(b.view, b.count, h.stream.instrument)) as JsonMessage;
      assert.equal(m.seq, seq);
      assert.equal(m.symbol, h.stream.instrument.symbol);
      applyJson(m, fromJson);
      if (kind !== RecordKind.Trade && view.valid) {
        sameBook(replica.book, h.book, `records, message ${c.messages}`);
        sameBook(fromJson, h.book, `JSON, message ${c.messages}`);
        assert.equal(view.bestBid(), h.book.bids.bestPrice());
        assert.equal(view.qtyAtPrice(false, view.bestAsk()), h.book.asks.bestQty());
      }
      assert.equal(replica.valid, view.valid, "the replica is valid exactly when the book is");
    } catch (e) {
      c.failures.push(String(e));
    }
  });
  return c;
}
