/**
 * The many-symbol simulator's depth stream cadences: over 10 batches of 100 ms, `@depth@100ms` and
 * USD-M `@depth@0ms` send every batch that changed the book, USD-M `@depth` (250 ms) one merged diff
 * per period (after batches 3, 5, 8, 10), `@depth@500ms` after 5 and 10, spot `@depth` (1000 ms)
 * after 10; each merged diff spans its batches' ids (`U` = the first batch's,
 * `u` = the last one's, USD-M `pu` = the previous diff's `u`), and a book built from any stream
 * alone equals the truth at the end. `skip_update` drops the next diff of every stream (a gap).
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "./multi_simulator.ts";
import type { L2Book } from "../../venues/book.ts";
import { parseFixed } from "../../venues/decimal.ts";
import { waitUntil } from "../../testing/mod.ts";

interface Diff {
  U: number;
  u: number;
  pu?: number;
  b: [string, string][];
  a: [string, string][];
}

/** A raw-stream client of `stream` collecting its diffs; `sync()` waits for every frame sent so far. */
async function listen(sim: BinanceMultiSimulator, path: string, stream: string) {
  const ws = new WebSocket(`${sim.wsBase}${path}/stream?streams=${stream}`);
  const diffs: Diff[] = [];
  let replies = 0;
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.data?.e === "depthUpdate") diffs.push(m.data);
    else replies++;
  };
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = fail;
  });
  return {
    diffs,
    /** A control request answered after every frame already sent on this socket. */
    async sync(): Promise<void> {
      const want = replies + 1;
      ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: want }));
      await waitUntil(`${stream}: the reply to request ${want}`, () => replies >= want, 10_000);
    },
    close: () => ws.close(),
  };
}

type Sides = Map<number, number>[];

/** The book's levels as integers at its scale, bids then asks. */
function levels(book: L2Book): Sides {
  return [book.bids, book.asks].map((side) => {
    const m = new Map<number, number>();
    side.forEach((p, q) => m.set(p, q));
    return m;
  });
}

/** `start` with `diffs` applied (prices and quantities read at the instrument's scale), sorted. */
function applied(start: Sides, diffs: Diff[], scale: { priceDecimals: number; qtyDecimals: number }): string {
  const sides = start.map((m) => new Map(m));
  for (const d of diffs) {
    for (const [i, lv] of [d.b, d.a].entries()) {
      for (const [ps, qs] of lv) {
        const p = parseFixed(ps, scale.priceDecimals), q = parseFixed(qs, scale.qtyDecimals);
        if (q === 0) sides[i]!.delete(p);
        else sides[i]!.set(p, q);
      }
    }
  }
  return JSON.stringify(sides.map((m) => [...m].sort((x, y) => x[0] - y[0])));
}

/**
 * The diffs a stream of cadence `ms` owes after the batches whose end ids are `ids` (`ids[0]`:
 * before the first): one per period (ending at batch k when k × 100 ms crosses a multiple of
 * `ms`) in which the book changed.
 */
function diffsDue(ids: number[], ms: number): number {
  let n = 0, from = 0;
  for (let k = 1; k < ids.length; k++) {
    if (ms > 100 && Math.floor((k * 100) / ms) === Math.floor(((k - 1) * 100) / ms)) continue;
    if (ids[k]! > ids[from]!) n++;
    from = k;
  }
  return n;
}

for (const usdm of [true, false]) {
  Deno.test(`BinanceMultiSimulator ${usdm ? "usdm" : "spot"}: each depth stream at its cadence, merged diffs chain and rebuild the book`, async () => {
    const sim = await BinanceMultiSimulator.start({
      symbols: ["BTCUSDT"],
      market: usdm ? "usdm" : "spot",
      intervalMs: 0,
    });
    const path = usdm ? "/public" : "";
    const streams: Record<string, number> = usdm
      ? {
        "btcusdt@depth@0ms": 0,
        "btcusdt@depth": 250,
        "btcusdt@depth@500ms": 500,
        "btcusdt@depth@100ms": 100,
      }
      : { "btcusdt@depth@100ms": 100, "btcusdt@depth": 1000 };
    const clients = await Promise.all(Object.keys(streams).map((s) => listen(sim, path, s)));
    try {
      await waitUntil("subscribed", () => sim.streams === clients.length, 10_000);
      const scale = sim.scale("BTCUSDT");
      const start = levels(sim.truth("BTCUSDT"));
      const startId = sim.truth("BTCUSDT").updateId;
      const ids = [startId];
      for (let k = 1; k <= 10; k++) {
        sim.step();
        ids.push(sim.truth("BTCUSDT").updateId);
      }
      const truth = applied(levels(sim.truth("BTCUSDT")), [], scale);
      for (const [i, [name, ms]] of Object.entries(streams).entries()) {
        const c = clients[i]!;
        await c.sync();
        const n = diffsDue(ids, ms);
        assert.ok(n >= (ms <= 100 ? 8 : 1), `${name}: ${n} diffs due`);
        assert.equal(c.diffs.length, n, `${name}: ${c.diffs.length} diffs`);
        let prevU = startId;
        for (const [j, d] of c.diffs.entries()) {
          assert.ok(d.U > prevU && d.u >= d.U, `${name}: ids ${d.U}..${d.u} after ${prevU}`);
          // USD-M ids jump (pu links the diffs; the first one's pu predates the snapshot), spot's follow on.
          if (!usdm) assert.equal(d.U, prevU + 1, `${name}: U follows the previous u`);
          else if (j > 0) assert.equal(d.pu, prevU, `${name}: pu names the previous diff's u`);
          prevU = d.u;
        }
        assert.equal(prevU, sim.truth("BTCUSDT").updateId, `${name}: the last diff ends at the truth's id`);
        assert.equal(applied(start, c.diffs, scale), truth, `${name}: the diffs rebuild the true book`);
      }
      // A skip drops the next diff of every stream: the one after it does not follow on.
      sim.fault("skip_update", "BTCUSDT");
      const before = clients.map((c) => c.diffs.length);
      sim.step(20);
      for (const [i, c] of clients.entries()) {
        await c.sync();
        const d = c.diffs[before[i]!]!;
        const prev = c.diffs[before[i]! - 1]!;
        assert.ok(
          usdm ? d.pu !== prev.u : d.U !== prev.u + 1,
          `${Object.keys(streams)[i]}: a gap after the skip`,
        );
      }
    } finally {
      for (const c of clients) c.close();
      await sim.close();
    }
  });
}
