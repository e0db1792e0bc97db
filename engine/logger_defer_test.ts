/**
 * The engine's poll-latency records are deferred: `endPoll` leaves them unpublished (no wake of
 * the consumer) until another record, `DEFER_MAX` of them, or `DEFER_NS` of poll time; none is
 * lost, and any other record publishes them at once.
 */
import { equal } from "node:assert/strict";
import { FakeClock } from "./clock.ts";
import { EventKind } from "./events.ts";
import { DEFER_MAX, DEFER_NS } from "./logger.ts";
import { testLogger } from "./testing.ts";

function poll(logger: ReturnType<typeof testLogger>["logger"], label: number, ns: number): void {
  logger.beginPoll();
  logger.pollLatency(label, ns);
  logger.endPoll();
}

Deno.test("poll latencies wait for DEFER_MAX records, then all are published in order", () => {
  const clock = new FakeClock(1_000);
  const { logger, drain } = testLogger(clock);
  const label = logger.intern("poll");
  const ring = logger.ring;
  for (let k = 1; k < DEFER_MAX; k++) poll(logger, label, k);
  equal(ring.pending(), DEFER_MAX - 1, "deferred");
  poll(logger, label, DEFER_MAX);
  equal(ring.pending(), 0, "published at DEFER_MAX");
  const evs = drain();
  equal(evs.length, DEFER_MAX);
  evs.forEach((e, k) => (equal(e.kind, EventKind.Latency), equal(e.a, k + 1)));
});

Deno.test("poll latencies are published after DEFER_NS of poll time, or with any other record", () => {
  const clock = new FakeClock(1_000);
  const { logger, drain } = testLogger(clock);
  const label = logger.intern("poll");
  const ring = logger.ring;
  poll(logger, label, 1);
  clock.advance(DEFER_NS - 1);
  poll(logger, label, 2);
  equal(ring.pending(), 2, "within DEFER_NS");
  clock.advance(1);
  poll(logger, label, 3);
  equal(ring.pending(), 0, "DEFER_NS after the oldest");
  poll(logger, label, 4);
  equal(ring.pending(), 1);
  logger.beginPoll();
  logger.warning(0, "w");
  logger.endPoll();
  equal(ring.pending(), 0, "a warning publishes the deferred record with it");
  poll(logger, label, 5);
  logger.beginPoll();
  logger.pollLatency(label, 6);
  logger.warning(0, "after");
  logger.pollLatency(label, 7);
  logger.endPoll();
  equal(ring.pending(), 0, "a warning in the same poll");
  poll(logger, label, 8);
  logger.queueDepth(); // outside poll scope: published at once, with what is deferred
  equal(ring.pending(), 0);
  const lat = drain().filter((e) => e.kind === EventKind.Latency).map((e) => e.a);
  equal(lat.join(","), "1,2,3,4,5,6,7,8", "every record, in order");
});

Deno.test("outside a poll, pollLatency publishes at once", () => {
  const { logger } = testLogger(new FakeClock(0));
  logger.pollLatency(logger.intern("poll"), 9);
  equal(logger.ring.pending(), 0);
});
