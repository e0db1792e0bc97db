import { equal, ok, throws } from "node:assert/strict";
import { FakeClock } from "./clock.ts";
import { runEngine } from "./engine.ts";
import type { EngineHandler, HandlerContext } from "./handler.ts";
import { FakeTimers, testLogger } from "./testing.ts";
import { MAX_TIMER_MS, setLongInterval, setLongTimeout } from "./timer.ts";

const DAY_MS = 86_400_000;

/** Advance `clock` by each pending timer's delay and fire it, until `done()` or `maxSteps`. */
function drive(clock: FakeClock, timers: FakeTimers, done: () => boolean, maxSteps = 100): number {
  let steps = 0;
  while (!done() && steps < maxSteps && timers.pending.length > 0) {
    const t = timers.pending[0]!;
    clock.advance(t.ms * 1e6);
    t.fire();
    steps++;
  }
  return steps;
}

Deno.test("setLongTimeout: a 30-day delay fires after 30 days by the clock, never sooner", () => {
  const clock = new FakeClock();
  const timers = new FakeTimers();
  let firedAtNs = -1;
  setLongTimeout(() => (firedAtNs = clock.monoNs()), 30 * DAY_MS, { clock, timers });
  const steps = drive(clock, timers, () => firedAtNs >= 0);
  equal(firedAtNs, 30 * DAY_MS * 1e6);
  equal(steps, 2, "one 24.8-day step, then the rest");
  ok(timers.requested.every((ms) => ms <= MAX_TIMER_MS), `delays asked: ${timers.requested}`);
});

Deno.test("setLongTimeout: a timer that fires early (clock behind) re-arms for the rest", () => {
  const clock = new FakeClock();
  const timers = new FakeTimers();
  let fired = 0;
  setLongTimeout(() => fired++, 1000, { clock, timers });
  clock.advance(400e6);
  timers.pending[0]!.fire(); // fired with 600 ms still to go
  equal(fired, 0);
  equal(timers.pending.length, 1);
  equal(timers.pending[0]!.ms, 600);
  clock.advance(600e6);
  timers.pending[0]!.fire();
  equal(fired, 1);
  equal(timers.pending.length, 0);
});

Deno.test("setLongTimeout/setLongInterval: clear cancels; bad delays are a RangeError", () => {
  const clock = new FakeClock();
  const timers = new FakeTimers();
  let fired = 0;
  setLongTimeout(() => fired++, 40 * DAY_MS, { clock, timers }).clear();
  equal(timers.pending.length, 0);
  const iv = setLongInterval(() => fired++, 60 * DAY_MS, { clock, timers });
  drive(clock, timers, () => fired === 2);
  equal(fired, 2);
  equal(clock.monoNs(), 120 * DAY_MS * 1e6, "each period is 60 days");
  iv.clear();
  equal(timers.pending.length, 0);
  for (const bad of [-1, NaN, Infinity]) throws(() => setLongTimeout(() => {}, bad), RangeError);
  throws(() => setLongInterval(() => {}, 0), RangeError);
});

/** Never has work; records the clock when stopped. */
class IdleHandler implements EngineHandler {
  readonly name = "test:IDLE";
  stoppedAtNs = -1;
  #clock: FakeClock;
  constructor(clock: FakeClock) {
    this.#clock = clock;
  }
  start(_ctx: HandlerContext): void {}
  pollOnce(): number | undefined {
    return undefined;
  }
  isDone(): boolean {
    return false;
  }
  stop(): Promise<void> {
    this.stoppedAtNs = this.#clock.monoNs();
    return Promise.resolve();
  }
}

Deno.test("runEngine: a 30-day duration runs 30 days by the clock (no 32-bit timer overflow)", async () => {
  const clock = new FakeClock();
  const timers = new FakeTimers();
  const { logger } = testLogger(clock);
  const h = new IdleHandler(clock);
  const run = runEngine([h], { logger, clock, timers, durationMs: 30 * DAY_MS, metricsIntervalMs: 0 });
  equal(timers.pending.length, 1, "the duration timer is set on the seam");
  drive(clock, timers, () => timers.pending.length === 0);
  const report = await run;
  equal(report.reason, "duration");
  equal(h.stoppedAtNs, 30 * DAY_MS * 1e6, "stopped when the clock reached 30 days");
  ok(timers.requested.every((ms) => ms <= MAX_TIMER_MS));
});
