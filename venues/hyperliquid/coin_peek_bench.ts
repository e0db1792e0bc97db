/**
 * What finding the coin of a frame before parsing it costs `HyperliquidMultiHandler`
 * (`CoinIndex.findInText`, so the parser runs once at the coin's scale, then the parsed coin's
 * lookup) on the real fixture's l2Book frames, with 200 coins indexed, against the parse alone.
 * Run: `deno bench --allow-read venues/hyperliquid/coin_peek_bench.ts`
 * @module
 */
import { CoinIndex } from "./_coin_index.ts";
import { HlFrame } from "./frame.ts";
import { HlParser } from "./parse.ts";
import { fixtureExists, fixtureLines } from "./_fixture.ts";

const have = fixtureExists();
const books = have ? fixtureLines().filter((l) => l.startsWith('{"channel":"l2Book"')) : [];
const enc = new TextEncoder();
const index = new CoinIndex(
  ["BTC", ...Array.from({ length: 199 }, (_, k) => `C${k}`)].map((c) => enc.encode(c)),
);
const p = new HlParser();
const f = new HlFrame();
let i = 0, sink = 0;

Deno.bench({ name: "parse (l2Book frame)", group: "route", baseline: true, ignore: !have }, () => {
  p.parse(books[i++ % books.length]!, f);
  sink += f.time;
});

Deno.bench({ name: "find coin in text + parse + find parsed coin", group: "route", ignore: !have }, () => {
  const line = books[i++ % books.length]!;
  sink += index.findInText(line);
  p.parse(line, f);
  sink += index.find(p.bytes, f.coinStart, f.coinEnd);
});

Deno.bench({ name: "find coin in text alone", group: "peek", ignore: !have }, () => {
  sink += index.findInText(books[i++ % books.length]!);
});
