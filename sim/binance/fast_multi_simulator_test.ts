/**
 * The fast many-symbol simulator: its frames (update ids contiguous, levels distinct, a book that
 * never crosses, `E` = the send time in µs between the wall clock before and after the step), the
 * wire packing, the staggered rate, the control routes, and `BinanceMultiHandler` on it — every
 * book equal to the truth, a `skip_update` gap resyncing only its symbol.
 */
import assert from "node:assert/strict";
import { FakeClock, systemClock } from "../../engine/clock.ts";
import { InstrumentTable } from "../../market/instrument.ts";
import { BinanceMultiHandler } from "../../venues/binance/multi_handler.ts";
import { checkEveryMessage, Drive, sameBook, waitUntil } from "../../testing/mod.ts";
import { FastDepthMarket } from "./fast_depth.ts";
import { FastMultiSimulator } from "./fast_multi_simulator.ts";
import { E_PLACEHOLDER, framesDue, packTextFrames, stampDigits } from "./_fast_frames.ts";

type Depth = { E: number; s: string; U: number; u: number; b: string[][]; a: string[][] };

Deno.test("FastDepthMarket: contiguous ids, distinct levels, never crossed, deterministic per seed", () => {
  const m = new FastDepthMarket({ symbol: "AAAUSDT", seed: 7, levels: 10, maxChanges: 8 });
  const twin = new FastDepthMarket({ symbol: "AAAUSDT", seed: 7, levels: 10, maxChanges: 8 });
  let last = m.book.updateId;
  for (let i = 0; i < 2000; i++) {
    const text = m.next(123);
    assert.equal(twin.next(123), text);
    const f = JSON.parse(text) as Depth;
    assert.equal(f.U, last + 1);
    const n = f.b.length + f.a.length;
    assert.ok(n >= 1 && n <= 8, `${n} levels`);
    assert.equal(f.u, f.U + n - 1);
    assert.equal(new Set(f.b.map((l) => l[0])).size, f.b.length, "distinct bids");
    assert.equal(new Set(f.a.map((l) => l[0])).size, f.a.length, "distinct asks");
    last = f.u;
    const bb = m.book.bids.bestPrice();
    const ba = m.book.asks.bestPrice();
    if (!Number.isNaN(bb) && !Number.isNaN(ba)) assert.ok(bb < ba, "never crossed");
  }
  assert.equal(m.book.updateId, last);
  assert.throws(() => new FastDepthMarket({ symbol: "X", midTicks: 5, levels: 10 }), RangeError);
});

Deno.test("packTextFrames/stampDigits: frames of every length form, E patched in place, non-ASCII refused", () => {
  const texts = [
    `{"E":${E_PLACEHOLDER},"x":1}`,
    "y".repeat(300),
    `{"E":${E_PLACEHOLDER}}${"z".repeat(70_000)}`,
  ];
  const at: number[] = [];
  const bytes = packTextFrames(texts, at);
  assert.equal(at.length, 2);
  stampDigits(bytes, at, 1_796_217_165_935_401);
  const out: string[] = [];
  for (let o = 0; o < bytes.length;) {
    assert.equal(bytes[o], 0x81, "FIN + text");
    let len = bytes[o + 1]!;
    let p = o + 2;
    if (len === 126) (len = (bytes[o + 2]! << 8) | bytes[o + 3]!, p = o + 4);
    else if (len === 127) (len = Number(new DataView(bytes.buffer).getBigUint64(o + 2)), p = o + 10);
    out.push(new TextDecoder().decode(bytes.subarray(p, p + len)));
    o = p + len;
  }
  assert.equal(out.length, 3);
  assert.equal(out[0], `{"E":1796217165935401,"x":1}`);
  assert.equal(out[1], texts[1]);
  assert.ok(out[2]!.startsWith(`{"E":1796217165935401}zzz`));
  assert.throws(() => packTextFrames(["é"]), RangeError);
  assert.throws(() => stampDigits(bytes, at, 123), RangeError);
});

Deno.test("framesDue: n staggered symbols owe rate × seconds frames each, spread over the period", () => {
  const n = 4;
  for (let k = 0; k < n; k++) assert.equal(framesDue(1e9, 250, k, n), 250);
  // A quarter of a period in, one symbol of four owes its first frame.
  const quarter = 1e9 / 250 / 4;
  assert.deepEqual([0, 1, 2, 3].map((k) => framesDue(quarter + 1, 250, k, n)), [0, 0, 0, 1]);
});

Deno.test("FastMultiSimulator: frames carry the send time in µs; control routes; bad input refused", async () => {
  const sim = await FastMultiSimulator.start({
    symbols: ["AAAUSDT", "BBBUSDT"],
    tickMs: 0,
    weightLimit: 60_000,
  });
  const ws = new WebSocket(`${sim.wsBase}/stream?streams=aaausdt@depth@100ms/bbbusdt@depth@100ms`);
  const got: { stream: string; data: Depth }[] = [];
  const all = Promise.withResolvers<void>();
  const guard = setTimeout(() => all.reject(new Error("timed out waiting for 6 frames")), 10_000);
  ws.onmessage = (e) => {
    got.push(JSON.parse(e.data));
    if (got.length === 6) all.resolve();
  };
  try {
    await waitUntil("the simulator serves the socket", () => sim.streams === 2, 10_000);
    const before = Math.floor(systemClock.wallNs() / 1000);
    sim.step(3);
    const after = Math.ceil(systemClock.wallNs() / 1000);
    await all.promise;
    for (const f of got) {
      assert.ok(f.data.E >= before && f.data.E <= after, `E ${f.data.E} in [${before}, ${after}]`);
    }
    assert.deepEqual(got.map((f) => f.stream.slice(0, 3)), ["aaa", "aaa", "aaa", "bbb", "bbb", "bbb"]);
    const st = await (await fetch(`${sim.restUrl}/sim/state`)).json();
    assert.deepEqual(st.symbols.map((s: unknown[]) => s[2]), [3, 3]);
    assert.equal(
      (await fetch(`${sim.restUrl}/sim/pause?on=1`, { method: "POST" }).then((r) => r.json())).paused,
      true,
    );
    const bad = await fetch(`${sim.restUrl}/sim/fault?kind=skip_update&symbol=NOPE`, { method: "POST" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /unknown symbol NOPE/);
    assert.equal((await fetch(`${sim.restUrl}/nowhere`)).status, 404);
  } finally {
    clearTimeout(guard);
    ws.close();
    await sim.close();
  }
  await assert.rejects(() => FastMultiSimulator.start({ symbols: [] }), RangeError);
  await assert.rejects(() => FastMultiSimulator.start({ symbols: ["A", "A"] }), RangeError);
  await assert.rejects(() => FastMultiSimulator.start({ symbols: ["A"], ratePerSymbol: 0 }), RangeError);
});

Deno.test("BinanceMultiHandler on FastMultiSimulator: books equal the truth; a skip_update resyncs only its symbol", async () => {
  const symbols = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT"];
  const sim = await FastMultiSimulator.start({ symbols, tickMs: 0, weightLimit: 60_000 });
  const h = new BinanceMultiHandler({
    symbols,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    instruments: new InstrumentTable(),
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const d = new Drive(h);
  const frames = (): number => sim.stats.frames;
  const stepUntil = async (done: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 1000; i++) {
      sim.step();
      await d.until(() => h.stats.messages === frames(), `${what}: frames`);
      if (done()) return;
    }
    throw new Error(`${what}: not reached in 1000 steps`);
  };
  const equal = (): boolean =>
    h.books.every((b) => b.synced && b.book.updateId === sim.truth(b.symbol).updateId);
  try {
    await d.start();
    await d.until(() => sim.streams === symbols.length, "subscribed");
    await stepUntil(equal, "warm-up");
    sim.fault("skip_update", "CCCUSDT");
    await stepUntil(() => h.books[2]!.sync.resyncs === 1 && equal(), "resync");
    await stepUntil(equal, "settle");
    for (const b of h.books) {
      sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
    }
  } finally {
    await d.stop();
    await sim.close();
  }
  assert.equal(sim.stats.skipped, 1);
  assert.deepEqual(h.books.map((b) => b.sync.resyncs), [0, 0, 1, 0]);
  assert.deepEqual(checks.map((c) => c.clears), [0, 0, 1, 0]);
  for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], symbols[i]);
});

Deno.test("FastMultiSimulator.tick: a caller that keeps the time gets the rate's frames, paused time excluded", async () => {
  const clock = new FakeClock();
  const sim = await FastMultiSimulator.start({
    symbols: ["AAAUSDT", "BBBUSDT"],
    ratePerSymbol: 100,
    tickMs: 0,
    weightLimit: 60_000,
    clock,
  });
  const sent = () => [...sim.sent];
  try {
    clock.advance(5e6); // 5 ms: half a period, the second symbol's first frame is due (stagger)
    sim.tick();
    assert.deepEqual(sent(), [0, 1]);
    clock.advance(995e6); // 1 s in all: 100 frames each
    sim.tick();
    assert.deepEqual(sent(), [100, 100]);
    sim.paused = true;
    clock.advance(1e9);
    sim.tick();
    sim.paused = false;
    clock.advance(10e6); // paused time does not count: 10 ms more is one more frame each
    sim.tick();
    assert.deepEqual(sent(), [101, 101]);
  } finally {
    await sim.close();
  }
});
