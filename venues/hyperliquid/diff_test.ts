import { deepEqual, equal, ok } from "node:assert/strict";
import { L2Book } from "../book.ts";
import { mulberry32 } from "../backoff.ts";
import { parseFixed } from "../decimal.ts";
import { BookDiffer, ChangeList, LevelChange } from "./diff.ts";
import { HlFrame, HlMsg } from "./frame.ts";
import { HlParser } from "./parse.ts";
import { fixtureExists, fixtureLines } from "../../testing/hl_fixture.ts";

const HAVE_FIXTURE = fixtureExists();
const DEPTH = 20;

type Level = { px: string; sz: string };
type Change = [side: string, kind: string, px: number, qty: number, prevQty: number];

// Naive reference: Maps per side, classification straight from the definitions in diff.ts.
function referenceChanges(prev: Level[][], next: Level[][]): Change[] {
  const out: Change[] = [];
  for (let s = 0; s < 2; s++) {
    const isBid = s === 0;
    const name = isBid ? "bid" : "ask";
    const worse = (a: number, b: number) => (isBid ? a < b : a > b);
    const p = new Map(prev[s]!.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8)]));
    const n = new Map(next[s]!.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8)]));
    const pWorst = [...p.keys()].reduce((a, b) => (worse(b, a) ? b : a), isBid ? Infinity : -Infinity);
    const nWorst = [...n.keys()].reduce((a, b) => (worse(b, a) ? b : a), isBid ? Infinity : -Infinity);
    for (const [px, q] of n) {
      const was = p.get(px);
      if (was === undefined) {
        out.push([name, p.size >= DEPTH && worse(px, pWorst) ? "enter" : "insert", px, q, 0]);
      } else if (was !== q) out.push([name, "change", px, q, was]);
    }
    for (const [px, q] of p) {
      if (!n.has(px)) out.push([name, n.size >= DEPTH && worse(px, nWorst) ? "exit" : "delete", px, 0, q]);
    }
  }
  return out.sort((a, b) => (a[0] + a[2]).localeCompare(b[0] + b[2]));
}

const NAMES = ["", "insert", "change", "delete", "exit", "enter"];
function changesOf(c: ChangeList): Change[] {
  const out: Change[] = [];
  for (let i = 0; i < c.count; i++) {
    out.push([c.isBid[i] ? "bid" : "ask", NAMES[c.kind[i]!]!, c.px[i]!, c.qty[i]!, c.prevQty[i]!]);
  }
  return out.sort((a, b) => (a[0] + a[2]).localeCompare(b[0] + b[2]));
}

function bookLevels(book: L2Book): number[][][] {
  const side = (s: L2Book["bids"]) => Array.from({ length: s.size }, (_, i) => [s.priceAt(i), s.qtyAt(i)]);
  return [side(book.bids), side(book.asks)];
}

function windowLevels(levels: Level[][]): number[][][] {
  return levels.map((side) => side.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8)]));
}

function runAgainstReference(lines: string[]): Record<string, number> {
  const p = new HlParser();
  const f = new HlFrame();
  const differ = new BookDiffer(DEPTH);
  const book = new L2Book();
  const changes = new ChangeList(4);
  const seen: Record<string, number> = { insert: 0, change: 0, delete: 0, exit: 0, enter: 0 };
  let prev: Level[][] | undefined;
  for (const line of lines) {
    if (p.parse(line, f) !== HlMsg.L2Book) continue;
    const ref = JSON.parse(line).data as { levels: Level[][]; time: number };
    const n = differ.apply(f, book, changes);
    if (prev === undefined) equal(n, 0, "the first book is the snapshot");
    else {
      const want = referenceChanges(prev, ref.levels);
      deepEqual(changesOf(changes), want);
      for (const c of want) seen[c[1]]!++;
    }
    deepEqual(bookLevels(book), windowLevels(ref.levels), "the book mirrors the latest window");
    equal(book.updateId, ref.time);
    prev = ref.levels;
  }
  return seen;
}

Deno.test({
  name: "BookDiffer yields the reference changes between consecutive real books, exits apart from deletes",
  ignore: !HAVE_FIXTURE,
  fn() {
    const seen = runAgainstReference(fixtureLines());
    // The real session has every kind the reference can tell apart; the differ matched each one.
    ok(seen.change! > 0 && seen.insert! > 0 && seen.delete! > 0, JSON.stringify(seen));
    ok(seen.exit! > 0 && seen.enter! > 0, `window exits/entries expected: ${JSON.stringify(seen)}`);
  },
});

Deno.test({
  name: "BookDiffer reports nothing for the fixture's first two identical books",
  ignore: !HAVE_FIXTURE,
  fn() {
    const books = fixtureLines().filter((l) => l.includes('"l2Book"'));
    const p = new HlParser();
    const f = new HlFrame();
    const d = new BookDiffer();
    const book = new L2Book();
    const c = new ChangeList();
    p.parse(books[0]!, f);
    d.apply(f, book, c);
    p.parse(books[1]!, f);
    equal(d.apply(f, book, c), 0);
    equal(d.totals.unchanged, 1);
    equal(d.totals.snapshots, 1);
  },
});

// A seeded deep book (60 levels a side) viewed through a 20-level window; the mid drifts so
// levels leave and re-enter the window while still resting deeper.
function syntheticLines(seed: number, steps: number): { lines: string[]; deep: Map<number, number>[][] } {
  const rnd = mulberry32(seed);
  const bids = new Map<number, number>(), asks = new Map<number, number>();
  let mid = 1000;
  for (let i = 1; i <= 60; i++) {
    bids.set(mid - i, 1 + Math.floor(rnd() * 900));
    asks.set(mid + i, 1 + Math.floor(rnd() * 900));
  }
  const lines: string[] = [];
  const deep: Map<number, number>[][] = [];
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < 6; k++) {
      const m = rnd() < 0.5 ? bids : asks;
      const isBid = m === bids;
      const px = isBid ? mid - 1 - Math.floor(rnd() * 40) : mid + 1 + Math.floor(rnd() * 40);
      if (rnd() < 0.35) m.delete(px);
      else m.set(px, 1 + Math.floor(rnd() * 900));
    }
    if (rnd() < 0.3) {
      mid += rnd() < 0.5 ? -3 : 3;
      for (const [px] of bids) if (px >= mid) bids.delete(px);
      for (const [px] of asks) if (px <= mid) asks.delete(px);
    }
    const top = (m: Map<number, number>, desc: boolean) =>
      [...m].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, DEPTH)
        .map(([px, q]) => `{"px":"${px}.0","sz":"${(q / 100).toString()}","n":1}`).join(",");
    lines.push(
      `{"channel":"l2Book","data":{"coin":"SIM","time":${s + 1},"levels":[[${top(bids, true)}],[${
        top(asks, false)
      }]]}}`,
    );
    deep.push([new Map(bids), new Map(asks)]);
  }
  return { lines, deep };
}

Deno.test("BookDiffer matches the reference on a seeded synthetic book; every Delete is really gone", () => {
  const { lines, deep } = syntheticLines(1234, 400);
  const seen = runAgainstReference(lines);
  ok(seen.exit! > 0 && seen.enter! > 0 && seen.delete! > 0, JSON.stringify(seen));
  const p = new HlParser();
  const f = new HlFrame();
  const d = new BookDiffer();
  const book = new L2Book();
  const c = new ChangeList();
  let exitsStillResting = 0;
  lines.forEach((line, step) => {
    p.parse(line, f);
    d.apply(f, book, c);
    for (let i = 0; i < c.count; i++) {
      const truth = deep[step]![c.isBid[i] ? 0 : 1]!;
      const px = c.px[i]! / 1e8;
      if (c.kind[i] === LevelChange.Delete) ok(!truth.has(px), `delete of resting level ${px}`);
      if (c.kind[i] === LevelChange.Exit && truth.has(px)) exitsStillResting++;
    }
  });
  ok(exitsStillResting > 0, "some exited levels still rest deeper: they must not be reported as deletes");
});

Deno.test("BookDiffer.reset makes the next window a snapshot; a thin window deletes instead of exiting", () => {
  const p = new HlParser();
  const f = new HlFrame();
  const d = new BookDiffer(2);
  const book = new L2Book();
  const c = new ChangeList();
  const msg = (bids: string[], t: number) =>
    `{"channel":"l2Book","data":{"coin":"X","time":${t},"levels":[[${
      bids.map((b) => `{"px":"${b}","sz":"1","n":1}`).join(",")
    }],[]]}}`;
  p.parse(msg(["10", "9"], 1), f);
  d.apply(f, book, c);
  p.parse(msg(["11", "10"], 2), f); // full window: 9 leaves it
  d.apply(f, book, c);
  deepEqual(
    changesOf(c),
    [["bid", "insert", 11e8, 1e8, 0], ["bid", "exit", 9e8, 0, 1e8]].sort((a, b) =>
      (String(a[0]) + a[2]).localeCompare(String(b[0]) + b[2])
    ),
  );
  p.parse(msg(["11"], 3), f); // thin window: 10 really went away
  d.apply(f, book, c);
  deepEqual(changesOf(c), [["bid", "delete", 10e8, 0, 1e8]]);
  d.reset();
  p.parse(msg(["5"], 4), f);
  equal(d.apply(f, book, c), 0);
  equal(d.totals.snapshots, 2);
  deepEqual(bookLevels(book), [[[5e8, 1e8]], []]);
});
