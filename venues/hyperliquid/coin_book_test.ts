import { deepEqual, equal, ok } from "node:assert/strict";
import { mulberry32 } from "../backoff.ts";
import { InstrumentTable } from "../../market/instrument.ts";
import { ResyncReason } from "../../engine/events.ts";
import { checkEveryMessage } from "../../testing/stream_check.ts";
import { BookSource, CoinBook, HL_FAST_DEPTH, hlMarketOf } from "./coin_book.ts";
import { HlFrame, HlMsg } from "./frame.ts";
import { HlParser } from "./parse.ts";

const p = new HlParser();
const f = new HlFrame();
const U = 1e8; // fixed-point scale of prices and sizes

type Lv = [px: number, sz: number];

function lv(l: Lv): string {
  return `{"px":"${l[0]}","sz":"${l[1]}","n":1}`;
}
function book(b: CoinBook, src: BookSource, time: number, bids: Lv[], asks: Lv[]): number {
  const text = src === BookSource.Bbo
    ? `{"channel":"bbo","data":{"coin":"${b.coin}","time":${time},"bbo":[${bids[0] ? lv(bids[0]) : "null"},${
      asks[0] ? lv(asks[0]) : "null"
    }]}}`
    : `{"channel":"l2Book","data":{"coin":"${b.coin}","time":${time},"levels":[[${bids.map(lv)}],[${
      asks.map(lv)
    }]]}}`;
  equal(p.parse(text, f), src === BookSource.Bbo ? HlMsg.Bbo : HlMsg.L2Book, text);
  return b.apply(src, f, 1_700_000_000, 0);
}
function sides(b: CoinBook): [Lv[], Lv[]] {
  const out: [Lv[], Lv[]] = [[], []];
  for (const [i, s] of [b.book.bids, b.book.asks].entries()) {
    for (let k = 0; k < s.size; k++) out[i]!.push([s.priceAt(k) / U, s.qtyAt(k) / U]);
  }
  return out;
}
function fresh(coin = "BTC"): { b: CoinBook; c: ReturnType<typeof checkEveryMessage> } {
  const b = new CoinBook(coin, { instruments: new InstrumentTable() });
  return { b, c: checkEveryMessage(b) };
}
const ladder = (from: number, n: number, step: number, sz = 1): Lv[] =>
  Array.from({ length: n }, (_, i) => [from + i * step, sz] as Lv);

Deno.test("CoinBook: a slow window is the book; the next one is diffed", () => {
  const { b, c } = fresh();
  book(b, BookSource.Slow, 10, ladder(99, 20, -1), ladder(101, 20, 1));
  ok(b.snapshot);
  equal(b.book.bids.size, 20);
  equal(book(b, BookSource.Slow, 20, [[99, 2], ...ladder(98, 19, -1)], ladder(101, 20, 1)), 1);
  equal(b.book.updateId, 20);
  deepEqual(c.failures, []);
  deepEqual([c.snapshots, c.updates], [1, 1]);
});

Deno.test("CoinBook: a newer fast window replaces the slow levels in its range, keeps those beyond", () => {
  const { b, c } = fresh();
  book(b, BookSource.Slow, 10, ladder(99, 20, -1), ladder(101, 20, 1));
  // Fast bids 99, 98 (size 5), 96, 95, 94: 97 is inside the range but absent -> removed.
  book(b, BookSource.Fast, 11, [[99, 1], [98, 5], [96, 1], [95, 1], [94, 1]], ladder(101, 5, 1));
  const [bids, asks] = sides(b);
  deepEqual(bids.slice(0, 5), [[99, 1], [98, 5], [96, 1], [95, 1], [94, 1]]);
  deepEqual(bids.slice(5), ladder(93, 14, -1), "slow levels beyond the fast window stay");
  equal(asks.length, 20);
  equal(b.book.updateId, 11);
  deepEqual(c.failures, []);
});

Deno.test("CoinBook: slow levels better than a fast window's best are gone; a short fast side is the whole side", () => {
  const { b, c } = fresh();
  book(b, BookSource.Slow, 10, ladder(99, 20, -1), ladder(101, 20, 1));
  // Price fell: fast bids start at 97; asks side shows only 3 levels -> the whole ask side.
  book(b, BookSource.Fast, 11, ladder(97, 5, -1), [[100, 1], [101, 2], [105, 1]]);
  const [bids, asks] = sides(b);
  equal(bids[0]![0], 97, "bids 99 and 98 removed");
  equal(bids.length, 18);
  deepEqual(asks, [[100, 1], [101, 2], [105, 1]]);
  deepEqual(c.failures, []);
});

Deno.test("CoinBook: a newer bbo sets the best levels and removes better ones; null empties a side", () => {
  const { b, c } = fresh();
  book(b, BookSource.Slow, 10, ladder(99, 20, -1), ladder(101, 20, 1));
  book(b, BookSource.Bbo, 11, [[97, 3]], [[100.5, 2]]);
  let [bids, asks] = sides(b);
  deepEqual(bids.slice(0, 2), [[97, 3], [96, 1]], "99, 98 proven gone; 97 takes the bbo size");
  deepEqual(asks.slice(0, 2), [[100.5, 2], [101, 1]], "a better ask inserted, the rest kept");
  book(b, BookSource.Bbo, 12, [[97, 3]], []);
  [bids, asks] = sides(b);
  equal(asks.length, 0, "a null ask: no asks at all");
  equal(bids.length, 18);
  deepEqual(c.failures, []);
});

Deno.test("CoinBook: bbo over fast over slow; an older window is not used; a new slow drops older overlays", () => {
  const { b, c } = fresh();
  book(b, BookSource.Slow, 10, ladder(99, 20, -1), ladder(101, 20, 1));
  book(b, BookSource.Fast, 12, [[99, 7], ...ladder(98, 4, -1)], ladder(101, 5, 1));
  book(b, BookSource.Bbo, 11, [[99.5, 1]], [[100, 1]]); // older than the fast window: not used
  deepEqual(sides(b)[0][0], [99, 7]);
  equal(b.book.updateId, 12);
  book(b, BookSource.Bbo, 13, [[99, 8]], [[101, 1]]);
  deepEqual(sides(b)[0][0], [99, 8]);
  equal(b.book.updateId, 13);
  book(b, BookSource.Slow, 14, ladder(99, 20, -1), ladder(101, 20, 1));
  deepEqual(sides(b), [ladder(99, 20, -1), ladder(101, 20, 1)], "the slow window alone again");
  book(b, BookSource.Fast, 13, [[99, 9], ...ladder(98, 4, -1)], ladder(101, 5, 1)); // late: unused
  deepEqual(sides(b)[0][0], [99, 1]);
  equal(b.book.updateId, 14);
  deepEqual(c.failures, []);
  deepEqual([c.snapshots, c.updates], [1, 5]);
});

Deno.test("CoinBook: clear is a clear record and marks the kept book stale; the next message of any channel is a snapshot", () => {
  const { b, c } = fresh("@107");
  equal(b.stream.instrument.market, "spot");
  book(b, BookSource.Fast, 5, ladder(9, 5, -1), ladder(11, 5, 1));
  b.clear(ResyncReason.Disconnect, 1_700_000_000, 0);
  ok(b.stale);
  equal(b.book.bids.size, 5, "the last book is kept (stale) for --book-out");
  book(b, BookSource.Bbo, 6, [[9, 1]], [[11, 1]]);
  ok(b.snapshot && !b.stale);
  deepEqual(sides(b), [[[9, 1]], [[11, 1]]]);
  deepEqual(c.failures, []);
  deepEqual([c.snapshots, c.clears], [2, 1]);
});

Deno.test("hlMarketOf: spot for PURR/USDC and @107, perp for BTC and xyz:MSTR", () => {
  deepEqual(["PURR/USDC", "@107", "BTC", "xyz:MSTR"].map(hlMarketOf), ["spot", "spot", "perp", "perp"]);
});

// Naive reference of the merge: Maps and the rules written out plainly.
function reference(ws: ({ t: number; b: Lv[]; a: Lv[] } | undefined)[]): [Lv[], Lv[]] {
  const out: [Lv[], Lv[]] = [[], []];
  for (const side of [0, 1]) {
    const better = (x: number, y: number) => (side === 0 ? x > y : x < y);
    let cur: Lv[] = [];
    let t = -Infinity;
    for (const [src, depth] of [[0, Infinity], [1, HL_FAST_DEPTH], [2, 1]] as const) {
      const w = ws[src];
      if (w === undefined || w.t < t) continue;
      t = w.t;
      const top = side === 0 ? w.b : w.a;
      if (src === 0 || top.length < depth) cur = [...top];
      else cur = [...top, ...cur.filter((l) => better(top[top.length - 1]![0], l[0]))];
    }
    out[side] = cur;
  }
  return out;
}

Deno.test("CoinBook matches the naive merge on a seeded random sequence, records rebuilding it throughout", () => {
  const rnd = mulberry32(42);
  const { b, c } = fresh("xyz:MSTR");
  const ws: ({ t: number; b: Lv[]; a: Lv[] } | undefined)[] = [undefined, undefined, undefined];
  const times = [0, 0, 0];
  for (let i = 0; i < 2000; i++) {
    const src = (rnd() < 0.2 ? 0 : rnd() < 0.5 ? 1 : 2) as BookSource;
    const depth = [20, HL_FAST_DEPTH, 1][src]!;
    const mid = 100 + Math.floor(rnd() * 6);
    const pick = (dir: number): Lv[] => {
      const out: Lv[] = [];
      for (let k = 1; out.length < depth && k < 40; k++) {
        if (rnd() < 0.7) out.push([mid + dir * k, 1 + Math.floor(rnd() * 3)]);
      }
      return rnd() < 0.05 ? out.slice(0, Math.floor(rnd() * out.length)) : out;
    };
    times[src] = Math.max(...times) - 3 + Math.floor(rnd() * 6); // sometimes older than the others
    times[src] = Math.max(times[src]!, ws[src]?.t ?? 0); // but each channel's times only grow
    const w = { t: times[src]!, b: pick(-1), a: pick(1) };
    ws[src] = w;
    book(b, src, w.t, w.b, w.a);
    deepEqual(sides(b), reference(ws), `message ${i}`);
    if (rnd() < 0.01) {
      b.clear(ResyncReason.Disconnect, 0, 1);
      ws.fill(undefined);
    }
  }
  deepEqual(c.failures, []);
  ok(c.clears > 0 && c.updates > 1000, JSON.stringify(c));
});
