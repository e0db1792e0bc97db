/**
 * Benchmark-only: the peer libraries of `binance_compare.ts`, each driven the way it drives itself
 * over the real ETHUSDT diffs after the snapshot:
 * - ccxt (npm:ccxt, pro binance): `JSON.parse` (its WebSocket client parses every frame) + the
 *   spot sequence checks of `handleOrderBook` (`safeInteger` U/u, `U - 1 === nonce`) +
 *   `handleOrderBookMessage` (`handleDeltas` → `safeFloat` → `OrderBookSide.store`).
 * - tardis-dev: `JSON.parse` + its binance `book_change` mapper (`normalizeBookChanges`) +
 *   its `OrderBook.update` (red-black trees).
 * Each returns its book's final top (the bench checks every implementation agrees on it).
 * @module
 */
import ccxt from "npm:ccxt@4.5.84";
import { normalizeBookChanges, OrderBook as TardisBook } from "npm:tardis-dev@13.35.3";
import { SYNC_AT } from "./_eth_fixture.ts";

/** A book's best bid and ask with their quantities, as plain numbers. */
export interface Top {
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
}

/** Where a run reports its timed span (name, ms). */
type Timed = (name: string, ms: number) => void;

// deno-lint-ignore no-explicit-any
const ex: any = new (ccxt as any).pro.binance();
/** ccxt's spot path over `diffs[SYNC_AT..]` after `snapshotText`; times it through `record`. */
export function runCcxt(snapshotText: string, diffs: readonly string[], record: Timed): Top {
  const raw = JSON.parse(snapshotText);
  const snapshot = ex.parseOrderBook(raw, "ETH/USDT", undefined, "bids", "asks");
  snapshot.nonce = raw.lastUpdateId;
  const ob = ex.orderBook(snapshot);
  const first = JSON.parse(diffs[SYNC_AT - 1]!).data; // the bridging diff, applied in setup
  ex.handleOrderBookMessage(undefined, first, ob);
  const t0 = performance.now();
  for (let i = SYNC_AT; i < diffs.length; i++) {
    const message = JSON.parse(diffs[i]!).data;
    // handleOrderBook's spot path, minus market lookup and future resolution.
    const nonce = ex.safeInteger(ob, "nonce");
    const U = ex.safeInteger(message, "U");
    const u = ex.safeInteger(message, "u");
    if (U === undefined || u === undefined || u <= nonce || U - 1 !== nonce) {
      throw new Error("ccxt: sequence");
    }
    ex.handleOrderBookMessage(undefined, message, ob);
  }
  record("ccxt", performance.now() - t0);
  return { bid: ob.bids[0][0], bidQty: ob.bids[0][1], ask: ob.asks[0][0], askQty: ob.asks[0][1] };
}

/** tardis-dev's binance path over `diffs[SYNC_AT..]` after `snapshotText`; times it through `record`. */
export function runTardis(snapshotText: string, diffs: readonly string[], record: Timed): Top {
  const local = new Date(0);
  // deno-lint-ignore no-explicit-any
  const mapper: any = normalizeBookChanges("binance", local);
  const ob = new TardisBook();
  for (let i = 0; i < SYNC_AT; i++) for (const bc of mapper.map(JSON.parse(diffs[i]!), local)) ob.update(bc);
  const snapMsg = { stream: "ethusdt@depthSnapshot", generated: true, data: JSON.parse(snapshotText) };
  for (const bc of mapper.map(snapMsg, local)) ob.update(bc);
  const t0 = performance.now();
  for (let i = SYNC_AT; i < diffs.length; i++) {
    for (const bc of mapper.map(JSON.parse(diffs[i]!), local)) ob.update(bc);
  }
  record("tardis", performance.now() - t0);
  const b = ob.bestBid()!;
  const a = ob.bestAsk()!;
  return { bid: b.price, bidQty: b.amount, ask: a.price, askQty: a.amount };
}
