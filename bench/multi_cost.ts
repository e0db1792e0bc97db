/**
 * Where a frame's time goes in `BinanceMultiHandler`, in process (no socket, not a test): the
 * frames of the fast simulator (200 symbols, the same seeds and shapes as `multi_latency.ts`,
 * combined-stream form) fed straight to the handler's parts (`buildMulti`, `MultiFrames`), stage
 * by stage, cumulative — the frame reader (the frame's bytes copied into an inbox as the socket
 * does, symbol peek, that symbol's scale, parse in place); + per-symbol
 * sync and book (no subscriber: no records built); + records to a no-op subscriber; + the latency
 * probe of the benchmarks; and, per poll, the loop over every symbol's stream that `pollOnce`
 * ended with before, against the flush of the one stream written (`DirtyStreams`, what it does
 * now; a live handler polls once or more per WebSocket message). `JSON.parse` of the same
 * frames is the reference a naive handler pays; decoding each frame's bytes to a string is what
 * the socket did per frame before the parser read bytes. Stages are interleaved over `--rounds` rounds
 * (each on fresh synchronized books); medians of CPU time (`process.cpuUsage`, not wall time: the
 * machine is shared) in ns per frame. What a live run costs beyond these is the I/O: Deno's
 * WebSocket events, the engine's wakes and polls, and the logger.
 *
 * Run: `deno run --config bench/deno.json --allow-read --allow-sys bench/multi_cost.ts
 * [--symbols 200] [--frames 200000] [--rounds 5]`
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { InstrumentTable } from "../market/instrument.ts";
import { FastDepthMarket } from "../sim/binance/fast_depth.ts";
import { buildMulti } from "../venues/binance/_multi_setup.ts";
import { snapshotDecimals } from "../venues/binance/precision.ts";
import type { SymbolBook } from "../venues/binance/symbol_book.ts";
import type { MarketStream } from "../market/stream.ts";
import { FrameKind, ParsedFrame, parseSnapshot } from "../venues/binance/parse.ts";
import { MultiFrames } from "../venues/binance/_multi_frames.ts";
import { DirtyStreams } from "../venues/binance/_multi_dirty.ts";
import { Inbox, InKind } from "../venues/binance/_inbox.ts";
import { systemClock } from "../engine/clock.ts";
import { LatencyProbe } from "./_multi_probe.ts";
import { symbolNames } from "./_multi_rig.ts";
import { median, table } from "./_stats.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    symbols: { type: "string", default: "200" },
    frames: { type: "string", default: "200000" },
    rounds: { type: "string", default: "5" },
  },
});
const N = Number(values.symbols), F = Number(values.frames), ROUNDS = Number(values.rounds);
if (![N, F, ROUNDS].every((v) => Number.isInteger(v) && v > 0) || N > 1000) {
  console.error("usage: multi_cost.ts [--symbols n<=1000] [--frames n] [--rounds n] (positive integers)");
  Deno.exit(2);
}

const names = symbolNames(N);
const markets = names.map((symbol, k) =>
  new FastDepthMarket({ symbol, seed: 1 + k, midTicks: 10_000 + 3700 * k })
);
const E = Math.round(systemClock.wallNs() / 1000);
const td = new TextDecoder("utf-8", { fatal: true });
const frames: string[] = [];
let snapshots: string[] = [];
for (let i = 0; i < F; i++) {
  const k = i % N;
  if (i === N) snapshots = markets.map((m) => m.snapshotJson(1000)); // after every symbol's first frame
  frames.push(`{"stream":"${names[k]!.toLowerCase()}@depth@100ms","data":${markets[k]!.next(E)}}`);
}
const START = 2 * N; // frames 0..N-1 are buffered, then the snapshots, then N..2N-1 bridge them
const bytes = frames.reduce((a, f) => a + f.length, 0);
// The frames' bytes as a socket's read buffer holds them, one after the other.
const packed = new Uint8Array(bytes + 1);
const starts = new Int32Array(F), ends = new Int32Array(F);
for (let i = 0, at = 0; i < F; i++) {
  starts[i] = at;
  at += new TextEncoder().encodeInto(frames[i]!, packed.subarray(at)).written;
  ends[i] = at;
}
const inbox = new Inbox();

// Frame `i` as the handler reads it: copied from the read buffer into the inbox, parsed there.
function parseAt(mf: MultiFrames, i: number): FrameKind {
  inbox.pushBytes(InKind.Message, packed, starts[i]!, ends[i]!, 0, 0);
  const h = inbox.head;
  const kind = mf.parse(inbox.bytes, inbox.start(h), inbox.end(h), 0, 0);
  inbox.shift();
  return kind;
}

// This process's CPU time (user + system), ms: a loop preempted by other processes is not charged
// for the time it waited (the machine is shared).
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The handler's parts measured here: the symbols' books and streams. */
interface Parts {
  books: SymbolBook[];
  streams: MarketStream[];
}

// The parts of a handler (`buildMulti`, never started: no socket) whose books are synchronized from the first frames, and the
// frame reader of its books (symbol peek, the symbol's scale, parse), as the handler reads frames.
function syncedHandler(): { h: Parts; mf: MultiFrames } {
  const pf = new ParsedFrame(); // shared by the books and the reader, as in the handler
  const cfg = {
    symbols: names,
    wsUrl: "ws://127.0.0.1:9",
    restUrl: "http://127.0.0.1:9",
    instruments: new InstrumentTable(),
  };
  const parts = buildMulti(cfg, pf, systemClock, () => {});
  const h = { books: parts.books, streams: parts.books.map((b) => b.stream) };
  const mf = new MultiFrames(h.books, pf);
  for (let k = 0; k < N; k++) {
    const b = h.books[k]!;
    const kind = parseAt(mf, k);
    if (kind !== FrameKind.Depth) throw new Error(`not a depth frame: ${kind} ${mf.pf.reason}`);
    b.onDiff(mf.pf.diff, 0, 0);
    const tag = b.sync.snapshotRequested();
    b.raise(snapshotDecimals(snapshots[k]!), 0); // as the handler does with a snapshot's finest values
    const inst = b.stream.instrument;
    const snap = parseSnapshot(snapshots[k]!, inst.priceDecimals, inst.qtyDecimals);
    if ("error" in snap) throw new Error(snap.error);
    b.onSnapshot(snap, snapshots[k]!, tag, 0);
  }
  for (let k = 0; k < N; k++) {
    parseAt(mf, N + k);
    const b = h.books[k]!;
    b.onDiff(mf.pf.diff, 0, 0);
    if (!b.synced) throw new Error(`${b.symbol} not synchronized`);
  }
  return { h, mf };
}

// Feed frames START.. (the first ones synchronized the books) as the handler does; ns per frame.
function feed({ h, mf }: { h: Parts; mf: MultiFrames }): number {
  const books = h.books;
  const t0 = cpuNow();
  for (let i = START; i < F; i++) {
    parseAt(mf, i);
    books[mf.symbol]!.onDiff(mf.pf.diff, 0, 0);
  }
  const ns = ((cpuNow() - t0) * 1e6) / (F - START);
  if (!books.every((b, k) => b.synced && b.book.updateId === markets[k]!.book.updateId)) {
    throw new Error("a book did not follow the frames");
  }
  return ns;
}

const stages: Record<string, () => number> = {
  "JSON.parse (reference)": () => {
    const t0 = cpuNow();
    let n = 0;
    for (let i = START; i < F; i++) n += JSON.parse(frames[i]!).data.u > 0 ? 1 : 0;
    if (n !== F - START) throw new Error("bad frame");
    return ((cpuNow() - t0) * 1e6) / (F - START);
  },
  "decode to a string (reference: what the socket did per frame before)": () => {
    const t0 = cpuNow();
    let n = 0;
    for (let i = START; i < F; i++) n += td.decode(packed.subarray(starts[i]!, ends[i]!)).length;
    if (n === 0) throw new Error("no bytes");
    return ((cpuNow() - t0) * 1e6) / (F - START);
  },
  "parse (copy into the inbox, symbol peek, its scale, parse)": () => {
    const { mf } = syncedHandler();
    const t0 = cpuNow();
    for (let i = START; i < F; i++) parseAt(mf, i);
    return ((cpuNow() - t0) * 1e6) / (F - START);
  },
  "parse + route + sync + book": () => feed(syncedHandler()),
  "… + records to a no-op subscriber": () => {
    const r = syncedHandler();
    for (const s of r.h.streams) s.subscribe(() => {});
    return feed(r);
  },
  "… + the benchmarks' latency probe": () => {
    const r = syncedHandler();
    new LatencyProbe(r.h.streams).recording = true;
    return feed(r);
  },
  [`end of poll: flush ${N} streams (per poll)`]: () => {
    const { h } = syncedHandler();
    const t0 = cpuNow();
    for (let i = START; i < F; i++) for (let k = 0; k < h.books.length; k++) h.books[k]!.stream.flush();
    return ((cpuNow() - t0) * 1e6) / (F - START);
  },
  "end of poll: flush the stream written (DirtyStreams, per poll)": () => {
    const { h } = syncedHandler();
    const dirty = new DirtyStreams(h.books.length);
    const t0 = cpuNow();
    for (let i = START; i < F; i++) {
      dirty.mark(i % h.books.length);
      dirty.flush(h.books, false);
    }
    return ((cpuNow() - t0) * 1e6) / (F - START);
  },
};

const results = new Map<string, number[]>(Object.keys(stages).map((k) => [k, []]));
for (let r = 0; r < ROUNDS + 1; r++) {
  for (const [name, run] of Object.entries(stages)) {
    const ns = run();
    if (r > 0) results.get(name)!.push(ns); // round 0 warms the JIT
  }
}
const load = Deno.loadavg?.().map((x) => x.toFixed(2)).join(" ") ?? "?";
console.log(
  `${N} symbols, ${F} frames (${
    (bytes / F).toFixed(0)
  } B each, combined form), ${ROUNDS} rounds after 1 warm-up, loadavg ${load}`,
);
const rows = [...results].map((
  [name, xs],
) => [name, median(xs).toFixed(0), Math.min(...xs).toFixed(0), Math.max(...xs).toFixed(0)]);
console.log(table(["stage", "median ns/frame", "min", "max"], rows));
console.log(JSON.stringify({
  symbols: N,
  frames: F,
  bytesPerFrame: bytes / F,
  results: [...results].map(([name, xs]) => ({
    name,
    unit: "ns/frame",
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    rounds: xs.length,
  })),
}));
