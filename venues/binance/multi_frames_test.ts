import assert from "node:assert/strict";
import { InstrumentTable } from "../../market/instrument.ts";
import { ResyncReason } from "../../engine/events.ts";
import { FrameKind, ParsedFrame } from "./parse.ts";
import { SymbolBook } from "./symbol_book.ts";
import { SymbolPeek } from "./_symbol_peek.ts";
import { MultiFrames } from "./_multi_frames.ts";

const SYMS = ["BTCUSDT", "PEPEUSDT", "ETHUSDT"];
const depth = (s: string, b: string) =>
  `{"e":"depthUpdate","E":1,"s":"${s}","U":10,"u":11,"b":[${b}],"a":[]}`;

// `text` as UTF-8 bytes inside a larger buffer (as an inbox holds a frame): [bytes, start, end].
function framed(text: string): [Uint8Array, number, number] {
  const t = new TextEncoder().encode(text);
  const b = new Uint8Array(t.length + 9).fill(0x22); // quotes around it: a scan must stop at end
  b.set(t, 5);
  return [b, 5, 5 + t.length];
}
const peek = (p: SymbolPeek, text: string): number => p.peek(...framed(text));

Deno.test("SymbolPeek finds the symbol of a combined frame by its stream name, of a raw one by its s; -1 otherwise", () => {
  const p = new SymbolPeek(SYMS);
  assert.equal(peek(p, `{"stream":"ethusdt@depth@100ms","data":${depth("ETHUSDT", "")}}`), 2);
  assert.equal(peek(p, depth("PEPEUSDT", "")), 1);
  assert.equal(peek(p, `{"e":"trade","E":1,"s":"BTCUSDT","t":1}`), 0);
  assert.equal(peek(p, depth("XRPUSDT", "")), -1, "not asked for");
  assert.equal(peek(p, depth("BTCUSD", "")), -1, "a prefix is another symbol");
  assert.equal(peek(p, `{"e":"depthUpdate","s" : "BTCUSDT"}`), -1, "spaces: not peeked");
  assert.equal(peek(p, `{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1}}`), -1);
  assert.equal(peek(p, `{"result":null,"id":1}`), -1);
  assert.equal(peek(p, `{"e":"depthUpdate","s":"BTCUSDT`), -1, "cut short");
  assert.equal(peek(p, ""), -1);
});

Deno.test("SymbolPeek.find: exact upper-case bytes, whatever was peeked last", () => {
  const p = new SymbolPeek(SYMS);
  const find = (s: string): number => p.find(...framed(s));
  assert.equal(find("ETHUSDT"), 2);
  assert.equal(peek(p, depth("PEPEUSDT", "")), 1);
  assert.equal(find("PEPEUSDT"), 1, "the peeked symbol");
  assert.equal(find("BTCUSDT"), 0, "another one than peeked");
  assert.equal(find("pepeusdt"), -1, "case matters");
  assert.equal(find("PEPEUSD"), -1);
  assert.equal(find("XRPUSDT"), -1);
});

function setup(): { books: SymbolBook[]; fr: MultiFrames } {
  const pf = new ParsedFrame();
  const table = new InstrumentTable();
  const books = SYMS.map((s) => new SymbolBook(s, pf, { instruments: table }));
  return { books, fr: new MultiFrames(books, pf) };
}

Deno.test("MultiFrames reads each frame at its own symbol's scale (PEPE-sized quantities exact), routes it by s", () => {
  const { books, fr } = setup();
  books[0]!.raise({ priceDecimals: 2, qtyDecimals: 5 }, 0);
  books[1]!.raise({ priceDecimals: 8, qtyDecimals: 0 }, 0);
  const pepe = depth("PEPEUSDT", `["0.00001234","123456789012.00000000"]`);
  assert.equal(fr.parse(...framed(pepe), 0, 0), FrameKind.Depth);
  assert.equal(fr.symbol, 1);
  assert.equal(fr.pf.diff.bidPx[0], 1234);
  assert.equal(fr.pf.diff.bidQty[0], 123456789012);
  const btc = depth("BTCUSDT", `["61602.01","1.67177"]`);
  assert.equal(fr.parse(...framed(btc), 1, 0), FrameKind.Depth);
  assert.equal(fr.symbol, 0);
  assert.equal(fr.pf.diff.bidPx[0], 6160201);
  assert.equal(fr.pf.diff.bidQty[0], 167177);
  // Spaces defeat the peek: parsed, then read again at its own symbol's scale.
  assert.equal(fr.parse(...framed(btc.replace('"s":', '"s" : ')), 1, 0), FrameKind.Depth);
  assert.equal(fr.symbol, 0);
  assert.equal(fr.pf.diff.bidQty[0], 167177);
  assert.equal(fr.parse(...framed(depth("XRPUSDT", "")), 0, 0), FrameKind.Depth);
  assert.equal(fr.symbol, -1, "not ours");
});

Deno.test("MultiFrames: a finer value rescales its symbol only; one beyond 2^53 resyncs its symbol only", () => {
  const { books, fr } = setup();
  for (const b of books) b.raise({ priceDecimals: 2, qtyDecimals: 5 }, 0);
  assert.equal(fr.parse(...framed(depth("ETHUSDT", `["2500.01","0.1234567"]`)), 0, 0), FrameKind.Depth);
  assert.equal(books[2]!.stream.instrument.qtyDecimals, 7, "ETHUSDT rescaled to the wire's 7 decimals");
  assert.equal(books[0]!.stream.instrument.qtyDecimals, 5, "BTCUSDT untouched");
  assert.equal(fr.pf.diff.bidQty[0], 1234567);
  const before = books.map((b) => b.sync.resyncs);
  const huge = depth("BTCUSDT", `["1.00","99999999999999999999.00000000"]`);
  assert.equal(fr.parse(...framed(huge), 0, 0), FrameKind.Malformed);
  assert.equal(fr.symbol, 0);
  assert.equal(books[0]!.sync.lastResyncReason, ResyncReason.Precision);
  assert.deepEqual(books.map((b) => b.sync.resyncs), [before[0]! + 1, before[1], before[2]], "only BTCUSDT");
});
