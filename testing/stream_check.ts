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
import { Off, type RecordBatch, RecordKind } from "../market/record.ts";
import { BookReplica, ReplicaResult } from "../market/replica.ts";
import type { MarketStream } from "../market/stream.ts";

/** The scale of a book: prices × 10^priceDecimals, quantities × 10^qtyDecimals. */
export interface BookScale {
  /** Price decimals. */
  priceDecimals: number;
  /** Quantity decimals. */
  qtyDecimals: number;
}

/** The 8/8 scale (the simulator's wire, replay's default). */
export const SCALE_8: BookScale = { priceDecimals: 8, qtyDecimals: 8 };

/** `v × 10^-from` as an exact decimal string (BigInt: any size), trailing zeros trimmed. */
export function exactDecimal(v: number, from: number): string {
  if (!Number.isSafeInteger(v)) throw new RangeError(`not an exact fixed-point value: ${v}`);
  const s = BigInt(v).toString().padStart(from + 1, "0");
  const int = s.slice(0, s.length - from);
  const frac = s.slice(s.length - from).replace(/0+$/, "");
  return frac === "" ? int : `${int}.${frac}`;
}

/**
 * Assert `got` holds exactly the levels and update id of `want`. With scales, each book's
 * integers are read at its own scale and compared as exact decimals (a book held at the
 * instrument's scale against a truth book at 8 decimals); without, the integers must be equal.
 */
export function sameBook(
  got: L2Book,
  want: L2Book,
  what: string,
  gotScale?: BookScale,
  wantScale?: BookScale,
): void {
  const gs = gotScale ?? wantScale;
  const ws = wantScale ?? gotScale;
  for (const isBid of [true, false]) {
    const g = got.side(isBid);
    const w = want.side(isBid);
    assert.equal(g.size, w.size, `${what}: ${isBid ? "bid" : "ask"} depth`);
    for (let i = 0; i < w.size; i++) {
      if (gs === undefined || ws === undefined) {
        assert.equal(g.priceAt(i), w.priceAt(i), `${what}: price ${i}`);
        assert.equal(g.qtyAt(i), w.qtyAt(i), `${what}: qty ${i}`);
      } else {
        const gp = exactDecimal(g.priceAt(i), gs.priceDecimals);
        assert.equal(gp, exactDecimal(w.priceAt(i), ws.priceDecimals), `${what}: price ${i}`);
        const gq = exactDecimal(g.qtyAt(i), gs.qtyDecimals);
        assert.equal(gq, exactDecimal(w.qtyAt(i), ws.qtyDecimals), `${what}: qty ${i} at ${gp}`);
      }
    }
  }
  assert.equal(got.updateId, want.updateId, `${what}: update id`);
}

/**
 * Apply one JSON message to `book`, whose integers are at `scale` (default 8/8; a message at a
 * finer scale than `scale` fails: pass the record's decimals).
 */
export function applyJson(m: JsonMessage, book: L2Book, scale: BookScale = SCALE_8): void {
  if (m.kind === "snapshot" || m.kind === "clear") book.clear();
  const pd = scale.priceDecimals;
  const qd = scale.qtyDecimals;
  for (const [side, levels] of [[true, m.bids], [false, m.asks]] as const) {
    for (const [p, q] of levels ?? []) {
      const px = parseFixed(p, pd);
      const qty = parseFixed(q, qd);
      if (!(px >= 0 && qty >= 0)) {
        throw new RangeError(`level ${p} x ${q} does not fit 10^-${pd} / 10^-${qd}`);
      }
      book.side(side).set(px, qty);
    }
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
      // The JSON book is held at the decimals the message carries (a rescale comes as a snapshot).
      const scale = { priceDecimals: b.bytes[Off.priceDecimals]!, qtyDecimals: b.bytes[Off.qtyDecimals]! };
      applyJson(m, fromJson, scale);
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
