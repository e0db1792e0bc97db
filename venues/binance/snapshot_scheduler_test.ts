import assert from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { depthWeight, SnapshotScheduler } from "./snapshot_scheduler.ts";

const S = 1e9;

Deno.test("depthWeight follows the current REST weight table", () => {
  const cases: [number, number][] = [[1, 5], [100, 5], [101, 25], [500, 25], [501, 50], [1000, 50], [
    1001,
    250,
  ], [
    5000,
    250,
  ], [10000, 250]];
  for (const [limit, w] of cases) assert.equal(depthWeight(limit), w, `limit ${limit}`);
  assert.throws(() => depthWeight(0), RangeError);
  assert.throws(() => depthWeight(1.5), RangeError);
});

Deno.test("SnapshotScheduler allows the first request now and spaces the next by minIntervalMs", () => {
  const clock = new FakeClock(1000 * S);
  const s = new SnapshotScheduler({ minIntervalMs: 500 });
  assert.equal(s.weight, 50);
  assert.equal(s.canRequest(clock.monoNs()), true);
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 200);
  assert.equal(s.canRequest(clock.monoNs()), false);
  assert.equal(s.nextAllowedNs(clock.monoNs()), clock.monoNs() + 0.5 * S);
  clock.advance(0.5 * S);
  assert.equal(s.canRequest(clock.monoNs()), true);
});

Deno.test("SnapshotScheduler keeps request weight within its share of 6000 per minute", () => {
  const clock = new FakeClock(0);
  const s = new SnapshotScheduler({ limit: 5000, minIntervalMs: 0 }); // weight 250, budget 3000
  assert.equal(s.budget, 3000);
  const first = clock.monoNs();
  let sent = 0;
  while (s.canRequest(clock.monoNs())) {
    s.onRequest(clock.monoNs());
    s.onResponse(clock.monoNs(), 200);
    sent++;
    clock.advance(1 * S);
  }
  assert.equal(sent, 12);
  assert.equal(s.usedWeight(clock.monoNs()), 3000);
  assert.equal(s.nextAllowedNs(clock.monoNs()), first + 60 * S, "the oldest request leaves the window");
  clock.advance(first + 60 * S - clock.monoNs());
  assert.equal(s.canRequest(clock.monoNs()), true);
});

Deno.test("SnapshotScheduler backs off after 429 for Retry-After, or 60 s without it", () => {
  const clock = new FakeClock(5 * S);
  const s = new SnapshotScheduler({ minIntervalMs: 0 });
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 429, 30);
  assert.equal(s.nextAllowedNs(clock.monoNs()), clock.monoNs() + 30 * S);
  assert.equal(s.rateLimited, 1);
  clock.advance(30 * S);
  assert.equal(s.canRequest(clock.monoNs()), true);
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 429);
  assert.equal(s.nextAllowedNs(clock.monoNs()), clock.monoNs() + 60 * S);
});

Deno.test("SnapshotScheduler waits at least 2 minutes after a 418 ban", () => {
  const clock = new FakeClock(0);
  const s = new SnapshotScheduler();
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 418, 10);
  assert.equal(s.nextAllowedNs(clock.monoNs()), 120 * S);
  assert.equal(s.banned, 1);
  clock.advance(120 * S);
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 418, 3600);
  assert.equal(s.nextAllowedNs(clock.monoNs()), clock.monoNs() + 3600 * S);
});

Deno.test("SnapshotScheduler backs off exponentially on failures and resets on success", () => {
  const clock = new FakeClock(0);
  const s = new SnapshotScheduler({ minIntervalMs: 0, retryBaseMs: 1000, retryMaxMs: 8000 });
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    s.onRequest(clock.monoNs());
    s.onResponse(clock.monoNs(), i % 2 === 0 ? 0 : 503);
    const next = s.nextAllowedNs(clock.monoNs());
    waits.push((next - clock.monoNs()) / S);
    clock.advance(next - clock.monoNs());
  }
  assert.deepEqual(waits, [1, 2, 4, 8, 8, 8]);
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 200);
  assert.equal(s.failures, 0);
  assert.equal(s.canRequest(clock.monoNs()), true);
});

Deno.test("SnapshotScheduler pauses a minute when the IP's reported weight is at the limit", () => {
  const clock = new FakeClock(0);
  const s = new SnapshotScheduler({ minIntervalMs: 0 });
  s.onRequest(clock.monoNs());
  s.onResponse(clock.monoNs(), 200, undefined, 5990);
  assert.equal(s.nextAllowedNs(clock.monoNs()), 60 * S);
  const t = new SnapshotScheduler({ minIntervalMs: 0 });
  t.onRequest(0);
  t.onResponse(0, 200, undefined, 1200);
  assert.equal(t.canRequest(0), true);
});
