/**
 * Hyperliquid replay at per-instrument precision: a hand-made PEPE-sized capture (price
 * "0.00000123", size "123456789012.00": beyond 2^53 at 10^8) replays exactly, on one and two
 * threads; a capture's metadata scale is used as recorded; a later, finer value rescales the
 * instrument mid-replay (the book restarts as a snapshot at the new scale, and the events say so);
 * a value no scale can hold is a malformed line, not a rounded book.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { replayPiped } from "../replay/pipeline.ts";
import { resolveSession } from "../replay/reader.ts";
import { type EventSink, type InferredEvent, KIND_NAMES, Side } from "../replay/schema.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";

const T0 = 1_700_000_000_000;

type Level = [string, string];

function book(coin: string, i: number, bids: Level[], asks: Level[]): string {
  const side = (ls: Level[]) => ls.map(([px, sz]) => ({ px, sz, n: 1 }));
  return JSON.stringify({
    channel: "l2Book",
    data: { coin, time: T0 + i * 500, levels: [side(bids), side(asks)] },
  });
}

async function session(dir: string, lines: string[], meta?: unknown): Promise<string> {
  const s = `${dir}/PEPE/s1`;
  await Deno.mkdir(s, { recursive: true });
  await Deno.writeTextFile(`${s}/messages.jsonl`, lines.join("\n") + "\n");
  const recv = lines.map((_, i) => String(1_700_000_000_123_456_789n + BigInt(i) * 1000n));
  await Deno.writeTextFile(`${s}/messages.recv_ns`, recv.join("\n") + "\n");
  const m = { format: "hft-ts/hyperliquid-capture/1", venue: "hyperliquid", coin: "PEPE", ...(meta ?? {}) };
  await Deno.writeTextFile(`${s}/metadata.json`, JSON.stringify(m));
  return s;
}

class Collect implements EventSink {
  readonly events: InferredEvent[] = [];
  write(ev: InferredEvent): void {
    this.events.push(Object.assign(Object.create(Object.getPrototypeOf(ev)), ev));
  }
}

/** The decimal string of `v` × 10^-`d` (exact: integers below 2^53). */
function dec(v: number, d: number): string {
  const s = String(v).padStart(d + 1, "0");
  return d === 0 ? s : `${s.slice(0, -d)}.${s.slice(-d)}`;
}

const PEPE: Level[] = [["0.00000123", "123456789012.00"]];
const ASK: Level[] = [["0.00000124", "98765432109.00"]];

Deno.test("HL replay: a PEPE-sized book (0.00000123 x 123456789012.00) replays exactly, no metadata scale", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = [
      book("PEPE", 0, PEPE, ASK),
      book("PEPE", 1, [["0.00000123", "123456789000.00"]], ASK), // a decrease of 12
      book("PEPE", 2, [["0.00000123", "123456789000.00"], ["0.00000122", "5"]], ASK),
    ];
    const files = await resolveSession(await session(dir, lines));
    const sink = new Collect();
    const warned: string[] = [];
    const stats = await replayCapture(files, { sink, onWarning: (m) => warned.push(m) });
    equal(stats.failure, undefined);
    equal(stats.malformed, 0);
    deepEqual(warned, []);
    const ev = sink.events;
    const got = ev.map((e) => [
      KIND_NAMES[e.kind],
      e.side === Side.Bid ? "bid" : "ask",
      dec(e.price, e.priceDecimals),
      dec(e.qty, e.qtyDecimals),
    ]);
    deepEqual(got, [
      ["snapshot", "bid", "0.00000123", "123456789012"],
      ["snapshot", "ask", "0.00000124", "98765432109"],
      ["cancel", "bid", "0.00000123", "12"],
      ["add", "bid", "0.00000122", "5"],
    ]);
    for (const e of ev) equal(`${e.priceDecimals}/${e.qtyDecimals}`, "8/0");
    // The receive time is the line's, exact.
    equal(`${ev[0]!.recvSec}${String(ev[0]!.recvSubNs).padStart(9, "0")}`, "1700000000123456789");
    // Two threads: the same bytes.
    const t = new MemoryTarget();
    const w = createWriter("jsonl", t);
    await replayCapture(files, { sink: w });
    w.flush();
    const out = `${dir}/two.jsonl`;
    const r = await replayPiped(files, { format: "jsonl", out });
    equal(r.written, w.count);
    deepEqual(await Deno.readFile(out), t.bytes());
    ok(new TextDecoder().decode(t.bytes()).includes('"qty_lots":123456789012,'));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HL replay: the metadata scale is used as recorded; a finer value later rescales mid-replay", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = [
      book("PEPE", 0, PEPE, ASK),
      book("PEPE", 1, [["0.00000123", "123456789012.5"]], ASK), // finer than 10^0: rescale to 10^-1
      book("PEPE", 2, [["0.00000123", "123456789010.5"]], ASK),
    ];
    const files = await resolveSession(await session(dir, lines, { priceScale: 8, sizeScale: 0 }));
    const sink = new Collect();
    const warned: string[] = [];
    const stats = await replayCapture(files, { sink, onWarning: (m) => warned.push(m) });
    equal(stats.failure, undefined);
    deepEqual(warned, []);
    equal(stats.rescales, 1);
    const got = sink.events.map((e) => [KIND_NAMES[e.kind], dec(e.qty, e.qtyDecimals), e.qtyDecimals]);
    deepEqual(got, [
      ["snapshot", "123456789012", 0],
      ["snapshot", "98765432109", 0],
      // The rescaled window restarts the book: what L3 held is cleared (at the scale it was
      // held at), the new scale seeds it.
      ["clear", "123456789012", 0],
      ["clear", "98765432109", 0],
      ["snapshot", "123456789012.5", 1],
      ["snapshot", "98765432109.0", 1],
      ["cancel", "2.0", 1],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HL replay: a value no scale can hold is a malformed line, the book goes on from the next window", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = [
      book("PEPE", 0, PEPE, ASK),
      book("PEPE", 1, [["0.00000123", "123456789012345678901234"]], ASK), // beyond 2^53 at any scale
      book("PEPE", 2, [["0.00000123", "123456789000"]], ASK),
    ];
    const files = await resolveSession(await session(dir, lines));
    const sink = new Collect();
    const warned: string[] = [];
    const stats = await replayCapture(files, { sink, onWarning: (m) => warned.push(m) });
    equal(stats.malformed, 1);
    equal(stats.failure, undefined);
    ok(warned.some((w) => w.includes("messages.jsonl:2")), warned.join("\n"));
    const last = sink.events.at(-1)!;
    equal(KIND_NAMES[last.kind], "cancel");
    equal(dec(last.qty, last.qtyDecimals), "12");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
