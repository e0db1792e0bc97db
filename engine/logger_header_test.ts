/**
 * The logger writes a record's header with typed-array stores (`_logger_ring.ts`); these tests
 * hold it to `encodeHeader`'s bytes (`codec.ts`, DataView, little-endian) for ordinary and
 * out-of-range values, inside and outside a poll scope, with and without text.
 */
import { deepEqual, equal } from "node:assert/strict";
import { createRingBuffer, RingConsumer } from "../spsc/mod.ts";
import { FakeClock } from "./clock.ts";
import { encodeHeader, encodeText } from "./codec.ts";
import { RECORD_SIZE } from "./events.ts";
import { Logger } from "./logger.ts";

type Fields = [number, number, number, number, number, number, number, number, number, number];

// kind, source, label, a..f: wrapping integers, negatives, NaN, infinities, -0, beyond 2^53.
const CASES: Fields[] = [
  [7, 3, 2, 1, 2, 3, 4, 5, 6, 0],
  [300, 70_000, 65_535, -1, NaN, Infinity, -Infinity, -0, 2 ** 53 + 2, 0],
  [-1, -1, -2, 1.5e-300, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1, 123_456_789.123, -(2 ** 60), 0],
  [NaN, NaN, Infinity, 0, 0, 0, 0, 0, 0, 0],
  [255.9, 65_536.7, 1e10, 42, 43, 44, 45, 46, 47, 0],
];

/** Every record the ring holds, as raw bytes (a copy each). */
function rawRecords(sab: SharedArrayBuffer): Uint8Array[] {
  const c = new RingConsumer(sab);
  const out: Uint8Array[] = [];
  const n = c.available();
  for (let i = 0; i < n; i++) out.push(c.bytes.slice(c.offsetAt(i), c.offsetAt(i) + RECORD_SIZE));
  c.release(n);
  return out;
}

/** What `encodeHeader` (and `encodeText`) write for the same record, into a zeroed slot. */
function expected(t: number, x: Fields, text?: string): Uint8Array {
  const bytes = new Uint8Array(RECORD_SIZE);
  const view = new DataView(bytes.buffer);
  const [kind, source, label, a, b, c, d, e, f] = x;
  if (text === undefined) encodeHeader(view, 0, kind, source, label, t, a, b, c, d, e, f);
  else {
    encodeHeader(view, 0, kind, source, label, t, a, b, c, 0, 0, 0);
    encodeText(bytes, view, 0, text);
  }
  return bytes;
}

for (const inPoll of [true, false]) {
  const scope = inPoll ? "inside a poll scope" : "outside a poll scope";
  Deno.test(`Logger.emit writes encodeHeader's bytes ${scope}, out-of-range values included`, () => {
    const sab = createRingBuffer({ capacity: 16, recordSize: RECORD_SIZE });
    const logger = new Logger(sab, { clock: new FakeClock(1_234_567_890_123) });
    if (inPoll) logger.beginPoll();
    for (const [kind, source, label, a, b, c, d, e, f] of CASES) {
      equal(logger.emit(kind, source, label, a, b, c, d, e, f), true);
    }
    if (inPoll) logger.endPoll();
    const got = rawRecords(sab);
    equal(got.length, CASES.length);
    got.forEach((r, i) => deepEqual(r, expected(1_234_567_890_123, CASES[i]!), `case ${i}`));
  });

  Deno.test(`Logger.emitText writes encodeHeader's and encodeText's bytes ${scope}`, () => {
    const sab = createRingBuffer({ capacity: 16, recordSize: RECORD_SIZE });
    const logger = new Logger(sab, { clock: new FakeClock(-5) });
    const texts = ["", "ok", "é€😀", "x".repeat(400)]; // the last one is truncated with a marker
    if (inPoll) logger.beginPoll();
    texts.forEach((s, i) => {
      const [kind, source, , a, b, c] = CASES[i]!;
      equal(logger.emitText(kind, source, s, a, b, c, 9), true);
    });
    if (inPoll) logger.endPoll();
    const got = rawRecords(sab);
    equal(got.length, texts.length);
    got.forEach((r, i) => {
      const [kind, source, , a, b, c] = CASES[i]!;
      deepEqual(r, expected(-5, [kind, source, 9, a, b, c, 0, 0, 0, 0], texts[i]), `text ${i}`);
    });
  });
}

Deno.test("Logger.emit into a slot that held a longer record leaves no stale header byte", () => {
  const sab = createRingBuffer({ capacity: 2, recordSize: RECORD_SIZE });
  const logger = new Logger(sab, { clock: new FakeClock(1) });
  const c = new RingConsumer(sab);
  equal(logger.emitText(300, 0xffff, "x".repeat(400), -1, -1, -1, 0xffff), true); // flags byte set
  c.release(c.available());
  equal(logger.emit(1, 2, 3, 4, 5, 6, 7, 8, 9), true); // ring of 2: the next slot…
  c.release(c.available());
  equal(logger.emit(1, 2, 3, 4, 5, 6, 7, 8, 9), true); // …then the truncated record's slot again
  const got = rawRecords(sab);
  equal(got.length, 1);
  deepEqual(got[0]!.subarray(0, 64), expected(1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]).subarray(0, 64));
});
