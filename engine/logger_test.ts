import { equal, ok } from "node:assert/strict";
import { FakeClock } from "./clock.ts";
import { encodeUtf8Into } from "./codec.ts";
import { EventKind, FLAG_TRUNCATED, ResyncReason, TEXT_CAPACITY } from "./events.ts";
import { formatJson, formatText } from "./format.ts";
import { testLogger } from "./testing.ts";

Deno.test("Logger writes typed events that decode with their names, numbers and text", () => {
  const clock = new FakeClock(1_000_000);
  const { logger, drain } = testLogger(clock);
  const src = logger.intern("binance:BTCUSDT");
  ok(logger.snapshotApplied(src, 1000, 998, 35346513512));
  clock.advance(219_000);
  ok(logger.resync(src, ResyncReason.Gap, 101, 105, "U jumped"));
  const apply = logger.intern("apply");
  ok(logger.latency(apply, 87_000, src));
  const evs = drain();
  equal(evs.length, 3);
  const [snap, resync, lat] = evs;
  equal(snap!.kind, EventKind.SnapshotApplied);
  equal(snap!.source, "binance:BTCUSDT");
  equal(snap!.c, 35346513512);
  equal(
    formatText(snap!, 47),
    "[binance:BTCUSDT] snapshot applied bids=1000 asks=998 id=35346513512 (+47us)",
  );
  equal(resync!.t - snap!.t, 219_000);
  equal(
    formatText(resync!, 266),
    "[binance:BTCUSDT] resync reason=gap expected=101 got=105 U jumped (+266us)",
  );
  equal(lat!.label, "apply");
  equal(formatText(lat!, 300), "[latency] apply 87us (+300us)");
  equal(JSON.parse(formatJson(lat!, 300)).ns, 87_000);
});

Deno.test("Logger interns a name once and reuses the id", () => {
  const { logger, drain } = testLogger();
  const a = logger.intern("x");
  equal(logger.intern("x"), a);
  ok(logger.intern("y") !== a);
  equal(drain().length, 0);
});

Deno.test("warning text of any length and script survives or is truncated with a marker", () => {
  const { logger, drain } = testLogger();
  const src = logger.intern("hl:BTC");
  const texts = ["", "short", "ünïcödé ✓ 🚀", "x".repeat(TEXT_CAPACITY), "é".repeat(TEXT_CAPACITY)];
  for (const t of texts) ok(logger.warning(src, t));
  const evs = drain();
  equal(evs.length, texts.length);
  for (let i = 0; i < 4; i++) {
    equal(evs[i]!.text, texts[i]);
    equal(evs[i]!.flags & FLAG_TRUNCATED, 0);
  }
  const cut = evs[4]!;
  equal(cut.flags & FLAG_TRUNCATED, FLAG_TRUNCATED);
  ok(cut.text.endsWith("…"));
  ok(texts[4]!.startsWith(cut.text.slice(0, -1)));
  ok(new TextEncoder().encode(cut.text).length <= TEXT_CAPACITY);
});

Deno.test("encodeUtf8Into never splits a code point and matches TextEncoder when it fits", () => {
  const buf = new Uint8Array(32);
  for (const s of ["abc", "日本語テキスト", "🚀🚀🚀🚀🚀🚀🚀🚀🚀", "a\ud800b"]) {
    for (let cap = 3; cap <= 32; cap++) {
      const r = encodeUtf8Into(buf, 0, cap, s);
      const len = r & 0xffff;
      ok(len <= cap);
      const decoded = new TextDecoder("utf-8", { fatal: true }).decode(buf.slice(0, len));
      if (r & 0x10000) ok(decoded.endsWith("…"));
      else equal(decoded, s.replace("\ud800", "\ufffd"));
    }
  }
});

Deno.test("a full logger ring drops records, counts them, and reports them in queue depth", () => {
  const { logger, drain } = testLogger(undefined, 8);
  const src = logger.intern("s");
  let accepted = 0;
  for (let i = 0; i < 20; i++) if (logger.counter(src, src, i)) accepted++;
  // One slot went to the Intern record.
  equal(accepted, 7);
  equal(logger.dropped(), 13);
  drain();
  ok(logger.queueDepth());
  const [q] = drain();
  equal(q!.kind, EventKind.QueueDepth);
  equal(q!.c, 13);
});

Deno.test("inside a poll, records share the poll's time and appear only after endPoll", () => {
  const clock = new FakeClock(5_000);
  const { logger, drain } = testLogger(clock);
  const src = logger.intern("s");
  const ring = logger.ring;
  logger.beginPoll();
  clock.advance(1_000);
  ok(logger.counter(src, src, 1));
  ok(logger.warning(src, "w"));
  equal(ring.pending(), 2);
  logger.endPoll();
  equal(ring.pending(), 0);
  clock.advance(1_000);
  ok(logger.counter(src, src, 2));
  const evs = drain();
  equal(evs.length, 3);
  equal(evs[0]!.t, 5_000);
  equal(evs[1]!.t, 5_000);
  equal(evs[2]!.t, 7_000);
});

Deno.test("a failed consumer ends waits for room at once and shutdown does not hang", async () => {
  const { logger } = testLogger(undefined, 8);
  const src = logger.intern("s");
  while (logger.counter(src, src, 1)) { /* fill the ring: nobody drains it */ }
  logger.consumerFailed("worker died");
  equal(await logger.whenRoom(4, 60_000), false);
  await logger.shutdown(60_000);
  equal(logger.consumerError, "worker died");
});

Deno.test("waiting for room gives up after its deadline when nobody drains", async () => {
  const { logger } = testLogger(undefined, 8);
  const src = logger.intern("s");
  while (logger.counter(src, src, 1)) { /* fill */ }
  equal(await logger.whenRoom(4, 20), false);
});

Deno.test("A resync without update ids (a disconnect) does not print expected=0 got=0", () => {
  const { logger, drain } = testLogger();
  const src = logger.intern("binance:BTCUSDT");
  ok(logger.resync(src, ResyncReason.Disconnect, 77, 0, "connection lost"));
  ok(logger.resync(src, ResyncReason.Disconnect, 0, 0, "connection lost"));
  const [a, b] = drain().filter((e) => e.kind === EventKind.Resync);
  equal(
    formatText(a!, 5),
    "[binance:BTCUSDT] resync reason=disconnect at update id 77 connection lost (+5us)",
  );
  equal(formatText(b!, 5), "[binance:BTCUSDT] resync reason=disconnect connection lost (+5us)");
});
