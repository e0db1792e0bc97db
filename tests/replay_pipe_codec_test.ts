/**
 * The two-thread replay's compact pipe encoding (`replay/_pipe_codec.ts`), written by the real
 * producer (`PipeStage`) and read by the real reader (`PipeReader`, in a Worker): what the L3
 * consumer is handed equals what the adapter wrote — every message kind, header values at their
 * extremes, records whose flags are not implied (WIDE), the window context — at 16 bytes a
 * record; a message larger than the whole ring goes in parts at every wrap offset; a ring of
 * the minimum size stays full all the time and loses or reorders nothing.
 */
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { createRingBuffer, HEAD } from "../spsc/layout.ts";
import { Flag, type MessageHeader, newHeader, RecordBatch, RecordKind } from "../market/record.ts";
import { PipeStage } from "../replay/_pipe_stage.ts";
import { PIPE_FLAG_WORDS, type PipeReply, PipeWorkerFailed } from "../replay/_pipe_records.ts";
import { SLOT_BYTES } from "../replay/_pipe_codec.ts";
import { BookContext } from "../replay/_context.ts";
import type { SideLevels } from "../replay/record_l3.ts";
import { echoHeader, type EchoLevel, type PipeEcho } from "./_pipe_echo.ts";

const DEADLINE_MS = 30_000;

/** Writes messages into a {@linkcode PipeStage} and notes what the consumer must be handed. */
class Feed {
  readonly expected: PipeEcho[] = [];
  readonly #b = new RecordBatch(4);
  readonly #h = newHeader();
  constructor(readonly stage: PipeStage) {}

  /** A message of `kind` with records `[flags, price, qty]` (LAST added; none: one EMPTY record). */
  write(
    kind: number,
    recs: [number, number, number][],
    ctx: BookContext,
    over: Partial<MessageHeader> = {},
  ): void {
    const b = this.#batch(kind, over);
    if (recs.length === 0) {
      b.add(0, 0, 0);
      b.finish(true);
    } else {
      for (const [f, px, q] of recs) b.add(f, px, q);
      b.finish(false);
    }
    const levels: EchoLevel[] = recs.map(([f, px, q]) => [f & (Flag.BID | Flag.EMPTY), px, q]);
    this.expected.push(echoHeader(b, kind === RecordKind.Trade ? undefined : ctx, levels));
    this.stage.write(b, ctx);
  }

  /** An update through the direct path (`updateLevels`): bids then asks. */
  direct(
    bids: [number, number][],
    asks: [number, number][],
    ctx: BookContext,
    over: Partial<MessageHeader> = {},
  ): void {
    const b = this.#batch(RecordKind.Update, over);
    const lv: SideLevels = {
      bidPx: Float64Array.from(bids, (l) => l[0]),
      bidQty: Float64Array.from(bids, (l) => l[1]),
      nBids: bids.length,
      askPx: Float64Array.from(asks, (l) => l[0]),
      askQty: Float64Array.from(asks, (l) => l[1]),
      nAsks: asks.length,
    };
    const levels: EchoLevel[] = [
      ...bids.map(([px, q]): EchoLevel => [Flag.BID, px, q]),
      ...asks.map(([px, q]): EchoLevel => [0, px, q]),
    ];
    this.expected.push(echoHeader(b, ctx, levels));
    this.stage.updateLevels(b, ctx, lv);
  }

  unchanged(): void {
    this.expected.push({ call: "unchanged" });
    this.stage.unchanged();
  }

  dropTrades(): void {
    this.expected.push({ call: "dropTrades" });
    this.stage.dropTrades();
  }

  #batch(kind: number, over: Partial<MessageHeader>): RecordBatch {
    const h = this.#h;
    Object.assign(h, {
      kind,
      instrument: 3,
      priceDecimals: 2,
      qtyDecimals: 4,
      reason: 0,
      seq: 1,
      updateId: 100,
      eventTimeMs: 1_722_000_000_000,
      recvSec: 1_722_000_000,
      recvSubNs: 5,
    }, over);
    this.#b.begin(h);
    return this.#b;
  }
}

/**
 * Run `feed` into a ring of `capacity` slots read by the echo Worker; what it was handed, what
 * was written, and the slots the messages took.
 */
async function throughPipe(
  capacity: number,
  feed: (f: Feed) => void,
): Promise<{ got: PipeEcho[]; expected: PipeEcho[]; slots: number }> {
  const ring = createRingBuffer({ capacity, recordSize: SLOT_BYTES });
  const flags = new SharedArrayBuffer(PIPE_FLAG_WORDS * 4);
  const worker = new Worker(new URL("./_pipe_echo_worker.ts", import.meta.url), { type: "module" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = new Promise<{ got: PipeEcho[] } | { error: string }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    timer = setTimeout(
      () => reject(new Error(`no answer from the echo Worker in ${DEADLINE_MS} ms`)),
      DEADLINE_MS,
    );
  });
  const reply: Promise<PipeReply> = answer.then((a) =>
    "error" in a
      ? { error: a.error, name: "Error" }
      : { events: [], tradeQtyMatched: 0, tradeQtyUnmatched: 0, written: 0, bytes: 0 }
  );
  reply.catch(() => {}); // seen through `answer`
  worker.postMessage({ ring, flags });
  try {
    // A stuck Worker fails the test: the producer waits for room synchronously, where the
    // deadline's timer cannot fire.
    const f = new Feed(new PipeStage(ring, flags, true, reply, { stallMs: DEADLINE_MS }));
    feed(f);
    await f.stage.finish();
    const a = await answer;
    if ("error" in a) throw new Error(a.error);
    return { got: a.got, expected: f.expected, slots: Atomics.load(new Int32Array(ring), HEAD) };
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

function ctxOf(o: Partial<BookContext>): BookContext {
  return Object.assign(new BookContext(), o);
}

const plain = ctxOf({ firstId: 99, lastId: 100, bb0: 150_000, ba0: 150_001, bb1: 149_999, ba1: 150_001 });
const single = ctxOf({ firstId: 7, lastId: 7, singleEvent: true, bb0: NaN, ba0: NaN, bb1: 10, ba1: NaN });
const windowed = ctxOf({
  firstId: 5,
  lastId: 5,
  bb0: 1,
  ba0: 2,
  bb1: 3,
  ba1: 4,
  window: true,
  exitBid: 90,
  exitAsk: 110,
  enterBid: -Infinity,
  enterAsk: Infinity,
});

Deno.test("pipe round trip: every kind and the extremes of the header reach L3 as written, 16 bytes a record", async () => {
  const { got, expected } = await throughPipe(1024, (f) => {
    const B = Flag.BID;
    f.write(RecordKind.Snapshot, [[B, 300, 1], [B, 299, 2], [B, 298, 3], [0, 301, 4], [0, 302, 5]], plain, {
      instrument: 65_535,
      priceDecimals: 8,
      qtyDecimals: 12,
      seq: 2 ** 53 - 1,
      updateId: 2 ** 53 - 2,
      eventTimeMs: 8.64e15,
      recvSec: 4_294_967_295,
      recvSubNs: 999_999_999,
    });
    f.write(RecordKind.Snapshot, [], plain); // an empty book
    f.write(RecordKind.Update, [[B, 300, 0], [B, 297, 12_345_678_901_234], [0, 301, 0]], single, { seq: 2 });
    f.write(RecordKind.Update, [[0, 303, 1], [0, 304, 2]], plain); // asks only
    f.write(RecordKind.Update, [[B, 296, 9]], plain); // bids only
    f.write(RecordKind.Update, [], plain); // no level
    f.direct([[296, 1], [295, 2]], [[305, 0]], plain, { updateId: 2 ** 40 });
    f.direct([], [], single);
    f.write(RecordKind.Trade, [[B, 301, 7]], plain, { updateId: 555 }); // taker bought
    f.write(RecordKind.Trade, [[0, 299, 8]], plain, { seq: 2 }); // taker sold
    f.unchanged();
    f.write(RecordKind.Clear, [], single, { reason: 3 });
    f.dropTrades();
    // Flags a leading-bid count cannot state: an ask before a bid, a level marked EMPTY.
    f.write(RecordKind.Update, [[0, 310, 1], [B, 290, 2], [B, 289, 3]], plain);
    f.write(RecordKind.Snapshot, [[B | Flag.EMPTY, 1, 1], [0, 2, 2]], plain);
    f.write(RecordKind.Update, [[B, 3, 0], [0, 95, 1], [0, 120, 2]], windowed); // a window venue
    f.write(RecordKind.Snapshot, [[B, 100, 1], [0, 101, 1]], windowed);
  });
  equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) deepEqual(got[i], expected[i], `message ${i}`);

  // The size: an update of 10 levels is its context (header + 2 slots) and 3 + 10 slots.
  const levels: [number, number, number][] = [];
  for (let i = 0; i < 10; i++) levels.push([i < 4 ? Flag.BID : 0, 1000 + i, i]);
  const r = await throughPipe(64, (f) => f.write(RecordKind.Update, levels, plain));
  deepEqual(r.got, r.expected);
  equal(r.slots, 5 + 13);
});

Deno.test("pipe: a message larger than the whole ring goes in parts, at every wrap offset", async () => {
  const { got, expected } = await throughPipe(16, (f) => {
    const big: [number, number, number][] = [];
    for (let i = 0; i < 37; i++) big.push([i < 20 ? Flag.BID : 0, 5000 - i, i + 1]);
    const wide: [number, number, number][] = [];
    for (let i = 0; i < 11; i++) wide.push([i % 2 === 0 ? Flag.BID : 0, 700 + i, i]);
    const bids: [number, number][] = [];
    for (let i = 0; i < 25; i++) bids.push([4000 - i, i]);
    for (let k = 0; k < 40; k++) {
      // A small message of k % 5 levels shifts where the big ones start in the ring.
      const small: [number, number, number][] = [];
      for (let i = 0; i < k % 5; i++) small.push([0, 6000 + i, k]);
      f.write(RecordKind.Update, small, plain, { seq: k });
      if (k % 3 === 0) f.write(RecordKind.Snapshot, big, plain, { seq: k });
      if (k % 3 === 1) f.direct(bids, [[4100, k]], single, { seq: k });
      if (k % 3 === 2) f.write(RecordKind.Update, wide, plain, { seq: k }); // 22 slots of records
    }
  });
  equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) deepEqual(got[i], expected[i], `message ${i}`);
});

Deno.test("pipe: a full ring of the minimum size makes the writer wait; nothing is lost or reordered", async () => {
  const { got, expected } = await throughPipe(4, (f) => {
    for (let k = 0; k < 3000; k++) {
      if (k % 7 === 0) f.unchanged();
      if (k % 11 === 0) f.write(RecordKind.Trade, [[Flag.BID, k, 1]], plain, { seq: k });
      f.direct([[k, k % 3]], k % 2 === 0 ? [] : [[k + 1, 1]], plain, { seq: k, updateId: k });
    }
  });
  equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) deepEqual(got[i], expected[i], `message ${i}`);
});

Deno.test("pipe: a ring smaller than a header and a record is refused", async () => {
  const ring = createRingBuffer({ capacity: 2, recordSize: SLOT_BYTES });
  const flags = new SharedArrayBuffer(PIPE_FLAG_WORDS * 4);
  throws(() => new PipeStage(ring, flags, true, Promise.resolve({ error: "", name: "" })), RangeError);
  const { ReplayPipeline } = await import("../replay/pipeline.ts");
  const pipe = new ReplayPipeline();
  try {
    const files = { venue: "binance" } as unknown as Parameters<typeof pipe.replay>[0];
    await rejects(pipe.replay(files, { format: "jsonl", ringCapacity: 2 }), RangeError);
  } finally {
    pipe.close();
  }
});

Deno.test("pipe: a Worker that started and never reads: the writer gives up after stallMs, finish() too", async () => {
  const ring = createRingBuffer({ capacity: 4, recordSize: SLOT_BYTES });
  const flags = new SharedArrayBuffer(PIPE_FLAG_WORDS * 4);
  const worker = new Worker(new URL("./_pipe_echo_worker.ts", import.meta.url), { type: "module" });
  try {
    worker.postMessage({ ring, flags, stall: true });
    const stage = new PipeStage(ring, flags, true, new Promise<never>(() => {}), { stallMs: 50 });
    const f = new Feed(stage);
    // The ring holds 4 slots: the third message at most finds it full, and no slot is ever freed.
    let err: unknown;
    try {
      for (let k = 0; k < 100; k++) f.direct([[k, 1]], [], plain, { seq: k, updateId: k });
    } catch (e) {
      err = e;
    }
    if (!(err instanceof PipeWorkerFailed)) throw new Error(`expected PipeWorkerFailed, got ${err}`);
    equal(err.noAnswer, true); // the pipeline ends such a Worker: it will not answer
    await rejects(stage.finish(), PipeWorkerFailed); // and does not wait for its answer
  } finally {
    worker.terminate();
  }
});
