/**
 * What reading a frame costs in the many-symbol Binance handler now that every symbol has its own
 * scale: `MultiFrames.parse` (peek the symbol from `"s":"…"`, set its scale, parse once, route)
 * against the plain parse the handler did before (`parseFrame` at one global 10^-8 scale with the
 * symbol index), over the same frames of `--symbols` synthetic spot symbols (default 50)
 * interleaved as one stream (the plain parse gets flat strings decoded from bytes, as Deno's
 * WebSocket delivers them; `MultiFrames` gets the UTF-8 bytes, as the handler's inbox holds them), in
 * both forms: combined (`/stream?streams=…`, the default subscription; the symbol is peeked from
 * the stream name) and raw (`/ws` + SUBSCRIBE; peeked from `"s":"…"`). Alternating rounds in one
 * process (the machine's load hits both alike). No capture, no book update: the parse and route.
 *
 * Reports ns per frame (median of `--rounds`, default 15) and the ratios; a final JSON line.
 *
 * Run: `deno run bench/binance_multi_frames.ts [--symbols 50] [--rounds 15]`
 * @module
 */
import { parseArgs } from "node:util";
import { SyntheticMarket } from "../sim/binance/market.ts";
import { FrameKind, ParsedFrame, parseFrame } from "../venues/binance/parse.ts";
import { SymbolBook } from "../venues/binance/symbol_book.ts";
import { MultiFrames } from "../venues/binance/_multi_frames.ts";
import { CoinIndex } from "../venues/hyperliquid/_coin_index.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { median } from "./_stats.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { symbols: { type: "string" }, rounds: { type: "string" } },
});
const N = Number(values.symbols ?? 50);
const ROUNDS = Number(values.rounds ?? 15);
const symbols = Array.from({ length: N }, (_, k) => `S${k}USDT`);
const markets = symbols.map((s, k) =>
  new SyntheticMarket({ symbol: s, seed: k + 1, mid: (100 + 37 * k).toFixed(2) })
);
const te = new TextEncoder();
const td = new TextDecoder();
const raw: string[] = [];
const combined: string[] = [];
for (let b = 0; b < 200; b++) {
  for (const m of markets) {
    const d = m.step().depth;
    if (d === null) continue;
    raw.push(td.decode(te.encode(d))); // flat, as a WebSocket message event carries it
    combined.push(td.decode(te.encode(`{"stream":"${m.symbol.toLowerCase()}@depth@100ms","data":${d}}`)));
  }
}

// Before: one ParsedFrame at 10^-8 with the symbol index.
const plain = new ParsedFrame();
const enc = new TextEncoder();
plain.symbols = new CoinIndex(symbols.map((s) => enc.encode(s)));
// Now: per-symbol scales (settled by a first pass), peeked before the parse.
const pf = new ParsedFrame();
const table = new InstrumentTable();
const books = symbols.map((s) => new SymbolBook(s, pf, { instruments: table }));
const multi = new MultiFrames(books, pf);
// The frames' bytes for MultiFrames (it reads a frame where the inbox holds it; a spare byte after each).
function pack(frames: string[]): { buf: Uint8Array; at: Int32Array } {
  const e = frames.map((f) => te.encode(f));
  const buf = new Uint8Array(e.reduce((a, b) => a + b.length + 1, 0));
  const at = new Int32Array(frames.length + 1);
  e.forEach((b, i) => {
    buf.set(b, at[i]!);
    at[i + 1] = at[i]! + b.length + 1;
  });
  return { buf, at };
}
const rawBytes = pack(raw), combinedBytes = pack(combined);
for (let i = 0; i < raw.length; i++) {
  multi.parse(rawBytes.buf, rawBytes.at[i]!, rawBytes.at[i + 1]! - 1, 0, 0);
}

let sink = 0;
function runPlain(frames: string[]): number {
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i++) {
    if (parseFrame(frames[i]!, plain) === FrameKind.Depth) sink += plain.symbolIndex;
  }
  return ((performance.now() - t0) * 1e6) / frames.length;
}
function runMulti({ buf, at }: { buf: Uint8Array; at: Int32Array }): number {
  const t0 = performance.now();
  const n = at.length - 1;
  for (let i = 0; i < n; i++) {
    if (multi.parse(buf, at[i]!, at[i + 1]! - 1, 0, 0) === FrameKind.Depth) sink += multi.symbol;
  }
  return ((performance.now() - t0) * 1e6) / n;
}
const runs = [
  { name: "combined, parseFrame 10^-8 (before)", run: () => runPlain(combined), got: [] as number[] },
  { name: "combined, MultiFrames.parse (now)", run: () => runMulti(combinedBytes), got: [] as number[] },
  { name: "raw, parseFrame 10^-8 (before)", run: () => runPlain(raw), got: [] as number[] },
  { name: "raw, MultiFrames.parse (now)", run: () => runMulti(rawBytes), got: [] as number[] },
];
for (let w = 0; w < 3; w++) for (const r of runs) r.run(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? runs : [...runs].reverse();
  for (const r of order) r.got.push(r.run());
}
const med = runs.map((r) => median(r.got));
console.log(`${raw.length} frames of ${N} symbols, ${ROUNDS} rounds (load ${Deno.loadavg().join(" ")})`);
for (const [i, r] of runs.entries()) console.log(`${r.name}: ${med[i]!.toFixed(0)} ns/frame`);
const ratios = [
  { name: "combined: now / before", value: med[1]! / med[0]! },
  { name: "raw: now / before", value: med[3]! / med[2]! },
];
for (const q of ratios) console.log(`${q.name}: ${q.value.toFixed(2)}x`);
console.log(JSON.stringify({
  results: runs.map((r, i) => ({ name: r.name, unit: "ns/frame", median: med[i] })),
  ratios,
  sink: sink > 0,
}));
