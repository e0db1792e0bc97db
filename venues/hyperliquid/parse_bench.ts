/**
 * Parser benchmark on the real fixture's 46 l2Book frames: the byte scanner (HlParser) versus
 * `JSON.parse` + exact fixed-point conversion, and parse + diff + book update.
 * Run: `deno bench --allow-read venues/hyperliquid/parse_bench.ts`
 * @module
 */
import { L2Book } from "../book.ts";
import { parseFixed } from "../decimal.ts";
import { BookDiffer, ChangeList } from "./diff.ts";
import { HlFrame } from "./frame.ts";
import { HlParser } from "./parse.ts";
import { fixtureExists, fixtureLines } from "../../testing/hl_fixture.ts";

const have = fixtureExists();
const books = have ? fixtureLines().filter((l) => l.startsWith('{"channel":"l2Book"')) : [];
const p = new HlParser();
const f = new HlFrame();
const out = new Float64Array(80);
let i = 0;

Deno.bench(
  { name: "HlParser byte scanner (l2Book frame)", group: "parse", baseline: true, ignore: !have },
  () => {
    p.parse(books[i++ % books.length]!, f);
  },
);

Deno.bench({ name: "JSON.parse + parseFixed (l2Book frame)", group: "parse", ignore: !have }, () => {
  const m = JSON.parse(books[i++ % books.length]!);
  let k = 0;
  for (const side of m.data.levels as { px: string; sz: string }[][]) {
    for (const l of side) {
      out[k++ & 79] = parseFixed(l.px, 8);
      out[k++ & 79] = parseFixed(l.sz, 8);
    }
  }
});

const differ = new BookDiffer();
const book = new L2Book();
const changes = new ChangeList();
Deno.bench({ name: "parse + diff + book update (l2Book frame)", group: "apply", ignore: !have }, () => {
  p.parse(books[i++ % books.length]!, f);
  differ.apply(f, book, changes);
});
