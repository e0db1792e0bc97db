/**
 * Micro-benchmarks of the logging hot path, single thread (the consumer is drained in the
 * bench body every `DRAIN_EVERY` iterations, so the ring never fills and nothing is dropped):
 * - `Logger.latency` inside a poll scope (the engine's path: the clock is read once per poll
 *   and records are committed, `HEAD` stored every 32), with polls of `DRAIN_EVERY` records
 *   (`endPoll` + `beginPoll` at each drain, inside the measured body) and a poll of 1 record
 *   (`beginPoll` + `latency` + `endPoll` per iteration);
 * - `Logger.latency` outside a poll scope (clock read + publish per record), with the system
 *   clock and with a constant clock (isolates the `performance.now()` cost);
 * - `Logger.warning` of a short and of an over-long text (UTF-8 encoding + truncation), in a
 *   poll scope;
 * - `encodeUtf8Into` alone;
 * - `RingProducer` claim + commit (`flushEvery` 32) and claim + publish with no payload, and
 *   `tryPush` of a 64-byte record.
 *
 * Single-thread figures omit the cross-core cost of `HEAD` stores (no consumer core polls the
 * cache line); `ring_compare.ts` measures that with a Worker draining.
 *
 * Run: `deno bench --allow-read bench/ring_bench.ts` (no permission is actually needed).
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { encodeUtf8Into } from "../engine/codec.ts";
import { RECORD_SIZE, TEXT_CAPACITY } from "../engine/events.ts";
import { Logger } from "../engine/logger.ts";
import { createRingBuffer, RingConsumer, RingProducer } from "../spsc/mod.ts";

/** Release everything in the ring (and end/restart the poll) every this many bench iterations. */
const DRAIN_EVERY = 1024;
const constantClock: Clock = { monoNs: () => 0, wallNs: () => 0 };

function loggerFixture(clock: Clock, inPoll: boolean) {
  const sab = createRingBuffer({ capacity: 1 << 12, recordSize: RECORD_SIZE });
  const logger = new Logger(sab, { clock });
  const cons = new RingConsumer(sab);
  const label = logger.intern("apply");
  const source = logger.intern("binance:BTCUSDT");
  if (inPoll) logger.beginPoll();
  return { logger, cons, label, source, i: 0 };
}

const poll = loggerFixture(systemClock, true);
Deno.bench(`Logger.latency in a poll scope (${DRAIN_EVERY}-record polls), system clock`, {
  group: "latency",
  baseline: true,
}, () => {
  poll.logger.latency(poll.label, poll.i, poll.source);
  if ((++poll.i & (DRAIN_EVERY - 1)) === 0) {
    poll.logger.endPoll();
    poll.cons.release(poll.cons.available());
    poll.logger.beginPoll();
  }
});

const poll1 = loggerFixture(systemClock, false);
Deno.bench("beginPoll + Logger.latency + endPoll (1-record poll), system clock", { group: "latency" }, () => {
  poll1.logger.beginPoll();
  poll1.logger.latency(poll1.label, poll1.i, poll1.source);
  poll1.logger.endPoll();
  if ((++poll1.i & (DRAIN_EVERY - 1)) === 0) poll1.cons.release(poll1.cons.available());
});

const sys = loggerFixture(systemClock, false);
Deno.bench("Logger.latency outside a poll (clock + publish), system clock", { group: "latency" }, () => {
  sys.logger.latency(sys.label, sys.i, sys.source);
  if ((++sys.i & (DRAIN_EVERY - 1)) === 0) sys.cons.release(sys.cons.available());
});

const fixed = loggerFixture(constantClock, false);
Deno.bench("Logger.latency outside a poll (clock + publish), constant clock", { group: "latency" }, () => {
  fixed.logger.latency(fixed.label, fixed.i, fixed.source);
  if ((++fixed.i & (DRAIN_EVERY - 1)) === 0) fixed.cons.release(fixed.cons.available());
});

Deno.bench("performance.now()", { group: "latency" }, () => {
  systemClock.monoNs();
});

const SHORT = "gap: expected U=4213 got U=4230, resyncing";
const LONG = "déjà vu ✓ ".repeat(40); // 2- and 3-byte code points, far over TEXT_CAPACITY

const warn = loggerFixture(systemClock, true);
Deno.bench("Logger.warning in a poll scope, 42-byte ASCII text", { group: "text", baseline: true }, () => {
  warn.logger.warning(warn.source, SHORT);
  if ((++warn.i & (DRAIN_EVERY - 1)) === 0) {
    warn.logger.endPoll();
    warn.cons.release(warn.cons.available());
    warn.logger.beginPoll();
  }
});

const warnLong = loggerFixture(systemClock, true);
Deno.bench("Logger.warning in a poll scope, long UTF-8 text (truncated)", { group: "text" }, () => {
  warnLong.logger.warning(warnLong.source, LONG);
  if ((++warnLong.i & (DRAIN_EVERY - 1)) === 0) {
    warnLong.logger.endPoll();
    warnLong.cons.release(warnLong.cons.available());
    warnLong.logger.beginPoll();
  }
});

const textBuf = new Uint8Array(RECORD_SIZE);
Deno.bench("encodeUtf8Into, 42-byte ASCII text", { group: "text" }, () => {
  encodeUtf8Into(textBuf, 64, TEXT_CAPACITY, SHORT);
});

Deno.bench("encodeUtf8Into, long UTF-8 text (truncated)", { group: "text" }, () => {
  encodeUtf8Into(textBuf, 64, TEXT_CAPACITY, LONG);
});

const comSab = createRingBuffer({ capacity: 1 << 12, recordSize: 64 });
const comProd = new RingProducer(comSab, { flushEvery: 32 });
const comCons = new RingConsumer(comSab);
let comI = 0;
Deno.bench(
  "RingProducer claim + commit, flushEvery 32 (no payload)",
  { group: "ring", baseline: true },
  () => {
    comProd.claim();
    comProd.commit();
    if ((++comI & (DRAIN_EVERY - 1)) === 0) comCons.release(comCons.available());
  },
);

const rawSab = createRingBuffer({ capacity: 1 << 12, recordSize: 64 });
const rawProd = new RingProducer(rawSab);
const rawCons = new RingConsumer(rawSab);
let rawI = 0;
Deno.bench("RingProducer claim + publish (no payload)", { group: "ring" }, () => {
  rawProd.claim();
  rawProd.publish();
  if ((++rawI & (DRAIN_EVERY - 1)) === 0) rawCons.release(rawCons.available());
});

const pushSab = createRingBuffer({ capacity: 1 << 12, recordSize: 64 });
const pushProd = new RingProducer(pushSab);
const pushCons = new RingConsumer(pushSab);
const record = new Uint8Array(64).fill(7);
let pushI = 0;
Deno.bench("RingProducer tryPush of a 64-byte record", { group: "ring" }, () => {
  pushProd.tryPush(record);
  if ((++pushI & (DRAIN_EVERY - 1)) === 0) pushCons.release(pushCons.available());
});
