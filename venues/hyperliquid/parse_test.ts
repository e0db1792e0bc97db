import { deepEqual, equal, ok } from "node:assert/strict";
import { parseFixed } from "../decimal.ts";
import { HlFrame, HlMsg, HlParseError, type SideLevels } from "./frame.ts";
import { HlParser } from "./parse.ts";
import { fixtureExists, fixtureLines } from "../../testing/hl_fixture.ts";
import { HL_GREETING } from "./types.ts";

const HAVE_FIXTURE = fixtureExists();
const enc = new TextEncoder();

interface RefLevel {
  px: string;
  sz: string;
  n: number;
}

function sideArrays(s: SideLevels): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < s.count; i++) out.push([s.px[i]!, s.sz[i]!, s.n[i]!]);
  return out;
}

function refSide(levels: RefLevel[]): [number, number, number][] {
  return levels.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8), l.n]);
}

// Re-serialise a JSON value with every object's keys in a seeded random order and random spaces.
function shuffled(v: unknown, rnd: () => number): string {
  const sp = () => (rnd() < 0.3 ? " " : "");
  if (Array.isArray(v)) return "[" + v.map((x) => sp() + shuffled(x, rnd) + sp()).join(",") + "]";
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    const o = v as Record<string, unknown>;
    return "{" + keys.map((k) =>
      `${sp()}${JSON.stringify(k)}${sp()}:${sp()}${shuffled(o[k], rnd)}`
    ).join(",") +
      "}";
  }
  return JSON.stringify(v);
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkAgainstReference(p: HlParser, f: HlFrame, line: string): void {
  const ref = JSON.parse(line);
  const kind = p.parse(line, f);
  if (ref.channel === "l2Book") {
    equal(kind, HlMsg.L2Book, `error ${f.error}`);
    equal(p.text(f.coinStart, f.coinEnd), ref.data.coin);
    equal(f.time, ref.data.time);
    deepEqual(sideArrays(f.bids), refSide(ref.data.levels[0]));
    deepEqual(sideArrays(f.asks), refSide(ref.data.levels[1]));
  } else if (ref.channel === "trades") {
    equal(kind, HlMsg.Trades);
    equal(f.trades.count, ref.data.length);
    ref.data.forEach((t: Record<string, string | number>, i: number) => {
      equal(f.trades.px[i], parseFixed(t.px as string, 8));
      equal(f.trades.sz[i], parseFixed(t.sz as string, 8));
      equal(f.trades.side[i], t.side === "B" ? 1 : -1);
      equal(f.trades.time[i], t.time);
      equal(f.trades.tid[i], t.tid);
    });
  } else throw new Error(`unexpected channel ${ref.channel}`);
}

Deno.test({
  name: "HlParser matches JSON.parse on every real fixture message (46 books, 9 trades)",
  ignore: !HAVE_FIXTURE,
  fn() {
    const p = new HlParser();
    const f = new HlFrame();
    let books = 0;
    for (const line of fixtureLines()) {
      checkAgainstReference(p, f, line);
      if (f.kind === HlMsg.L2Book) books++;
    }
    equal(books, 46);
  },
});

Deno.test({
  name: "HlParser does not depend on key order or whitespace (fixture re-serialised with shuffled keys)",
  ignore: !HAVE_FIXTURE,
  fn() {
    const p = new HlParser();
    const f = new HlFrame();
    const rnd = rng(99);
    for (const line of fixtureLines()) checkAgainstReference(p, f, shuffled(JSON.parse(line), rnd));
  },
});

Deno.test({
  name: "HlParser accepts a bare WsBook and a bare WsTrade[] without the data envelope",
  ignore: !HAVE_FIXTURE,
  fn() {
    const p = new HlParser();
    const f = new HlFrame();
    for (const line of fixtureLines()) {
      const ref = JSON.parse(line);
      const kind = p.parse(JSON.stringify(ref.data), f);
      equal(kind, ref.channel === "l2Book" ? HlMsg.L2Book : HlMsg.Trades);
      equal(f.enveloped, false);
      if (kind === HlMsg.L2Book) deepEqual(sideArrays(f.bids), refSide(ref.data.levels[0]));
      else equal(f.trades.count, ref.data.length);
    }
  },
});

Deno.test("HlParser reads wire key order with data before channel, and remembers decimals", () => {
  const p = new HlParser();
  const f = new HlFrame();
  const line = '{"data":{"coin":"ETH","time":1700000000123,"levels":[[{"px":"3000.5","sz":"1.25","n":2},' +
    '{"px":"3000.0","sz":"10","n":1}],[{"px":"3001.25","sz":"0.001","n":7}]]},"channel":"l2Book"}';
  equal(p.parse(line, f), HlMsg.L2Book);
  ok(f.enveloped);
  ok(p.rangeEquals(f.coinStart, f.coinEnd, enc.encode("ETH")));
  ok(!p.rangeEquals(f.coinStart, f.coinEnd, enc.encode("BTC")));
  equal(f.time, 1700000000123);
  deepEqual(sideArrays(f.bids), [[300050000000, 125000000, 2], [300000000000, 1000000000, 1]]);
  deepEqual(sideArrays(f.asks), [[300125000000, 100000, 7]]);
  deepEqual([f.bids.pxDecMin, f.bids.pxDecMax, f.bids.szDecMin, f.bids.szDecMax], [1, 1, 0, 2]);
  deepEqual([f.asks.pxDecMin, f.asks.pxDecMax], [2, 2]);
});

Deno.test("HlParser classifies greeting, pong, error and subscriptionResponse frames", () => {
  const p = new HlParser();
  const f = new HlFrame();
  equal(p.parse(HL_GREETING, f), HlMsg.Text);
  equal(p.text(f.textStart, f.textEnd), HL_GREETING);
  equal(p.parse('{"channel":"pong"}', f), HlMsg.Pong);
  equal(
    p.parse('{"channel":"error","data":"Already subscribed: {\\"type\\":\\"l2Book\\"}"}', f),
    HlMsg.Error,
  );
  equal(p.text(f.textStart, f.textEnd), 'Already subscribed: {\\"type\\":\\"l2Book\\"}');
  equal(p.parse('{"channel":"error","data":{"code":5}}', f), HlMsg.Error);
  equal(p.text(f.textStart, f.textEnd), '{"code":5}');
  const sub = '{"channel":"subscriptionResponse","data":{"method":"subscribe",' +
    '"subscription":{"type":"l2Book","coin":"BTC","nSigFigs":5,"mantissa":2}}}';
  equal(p.parse(sub, f), HlMsg.SubscriptionResponse);
  deepEqual([f.subMethod, f.subType, f.subSigFigs, f.subMantissa], [1, 1, 5, 2]);
  equal(p.text(f.coinStart, f.coinEnd), "BTC");
  const sub2 = '{"channel":"subscriptionResponse","data":{"subscription":{"coin":"SOL","nSigFigs":null,' +
    '"type":"trades"},"method":"unsubscribe"}}';
  equal(p.parse(sub2, f), HlMsg.SubscriptionResponse);
  deepEqual([f.subMethod, f.subType, Number.isNaN(f.subSigFigs)], [2, 2, true]);
  equal(p.parse('{"channel":"post","data":{"id":1,"response":{"type":"info"}}}', f), HlMsg.Unknown);
  equal(p.parse("{}", f), HlMsg.Unknown);
});

Deno.test("HlParser reports malformed books with a reason and never throws", () => {
  const p = new HlParser();
  const f = new HlFrame();
  const book = (bids: string, asks: string, extra = "") =>
    `{"channel":"l2Book","data":{"coin":"BTC","time":1${extra},"levels":[[${bids}],[${asks}]]}}`;
  const lvl = (px: string, sz: string) => `{"px":"${px}","sz":"${sz}","n":1}`;
  const cases: [string, number][] = [
    [book(lvl("1.2.3", "1"), ""), HlParseError.BadNumber],
    [book(lvl("1e5", "1"), ""), HlParseError.BadNumber],
    [book(lvl("-1", "1"), ""), HlParseError.BadNumber],
    [book(lvl("1.000000001", "1"), ""), HlParseError.BadNumber],
    [book(lvl("100000000.0", "1"), ""), HlParseError.BadNumber],
    [book(lvl("1", "0.0"), ""), HlParseError.BadLevels],
    [book(lvl("1", "1") + "," + lvl("2", "1"), ""), HlParseError.Unsorted],
    [book("", lvl("2", "1") + "," + lvl("2", "1")), HlParseError.Unsorted],
    [book(lvl("1", "1"), "", ".5"), HlParseError.BadNumber],
    ['{"channel":"l2Book","data":{"coin":"BTC","levels":[[],[]]}}', HlParseError.MissingField],
    ['{"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[]]}}', HlParseError.BadLevels],
    ['{"channel":"l2Book"}', HlParseError.MissingField],
    ['{"channel":"trades","data":[{"px":"1","sz":"1","side":"X"}]}', HlParseError.BadTrade],
    ['{"channel":"l2Book","data":{"coin":"BTC"', HlParseError.Syntax],
    ['{"channel":"pong"} trailing', HlParseError.Syntax],
  ];
  for (const [line, err] of cases) {
    equal(p.parse(line, f), HlMsg.Malformed, line);
    equal(f.error, err, line);
  }
  // An empty book side is valid.
  equal(p.parse(book("", ""), f), HlMsg.L2Book);
  equal(f.bids.count + f.asks.count, 0);
});

Deno.test({
  name: "HlParser rejects every truncation of a real book as malformed",
  ignore: !HAVE_FIXTURE,
  fn() {
    const p = new HlParser();
    const f = new HlFrame();
    const line = fixtureLines()[0]!;
    for (let n = 1; n < line.length; n++) {
      const kind = p.parse(line.slice(0, n), f);
      equal(kind, HlMsg.Malformed, `prefix ${n}`);
      ok(f.error !== HlParseError.None);
    }
    equal(p.parse(line, f), HlMsg.L2Book);
  },
});

Deno.test("HlParser handles frames larger than its initial buffer and multi-byte text", () => {
  const p = new HlParser({ bufferBytes: 16 });
  const f = new HlFrame();
  const levels = Array.from({ length: 300 }, (_, i) => `{"px":"${1000 - i}.0","sz":"1","n":1}`).join(",");
  equal(
    p.parse(`{"channel":"l2Book","data":{"coin":"BTC","time":5,"levels":[[${levels}],[]]}}`, f),
    HlMsg.L2Book,
  );
  equal(f.bids.count, 300);
  equal(f.bids.px[299], 701e8);
  equal(p.parse('{"channel":"error","data":"bad coin: ₿é"}', f), HlMsg.Error);
  equal(p.text(f.textStart, f.textEnd), "bad coin: ₿é");
});
