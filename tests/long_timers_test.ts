/**
 * Delays past 2^31-1 ms (24.8 days) mean what they say: the simulators' intervals chain timers
 * (driven here by a fake clock and fake timers, no real waiting), and the CLI refuses nonsense
 * lengths with exit 2 and one line.
 */
import { equal, match, ok } from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { FakeTimers } from "../engine/testing.ts";
import { MAX_TIMER_MS } from "../engine/timer.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { runTask } from "./_task.ts";

const DAY_MS = 86_400_000;
const task = runTask;

Deno.test("HyperliquidSimulator: a 30-day interval publishes after 30 days, not every millisecond", async () => {
  const clock = new FakeClock();
  const timers = new FakeTimers();
  const sim = await HyperliquidSimulator.start({ intervalMs: 30 * DAY_MS, timing: { clock, timers } });
  try {
    equal(sim.stats.books, 0);
    const first = timers.pending[0]!;
    ok(first.ms <= MAX_TIMER_MS, `first step ${first.ms} ms fits a 32-bit timer`);
    clock.advance(first.ms * 1e6);
    first.fire();
    equal(sim.stats.books, 0, "nothing published at 24.8 days");
    const second = timers.pending[0]!;
    clock.advance(second.ms * 1e6);
    second.fire();
    equal(sim.stats.books, 1, "one book at 30 days");
    equal(clock.monoNs(), 30 * DAY_MS * 1e6);
  } finally {
    await sim.close();
  }
  equal(timers.pending.length, 0, "close clears the interval");
});

Deno.test("nonsense lengths of time exit 2 with one line, before anything starts", async () => {
  const cases: [string[], RegExp][] = [
    [["poc:binance", "--duration=-5"], /--duration must be a non-negative number/],
    [["poc:binance", "--duration", "NaN"], /--duration must be a non-negative number/],
    [["poc:binance", "--duration", "0"], /--duration must be more than 0/],
    [
      ["poc:hyperliquid", "--duration", "1e13"],
      /--duration 1e13 would end after the last date a Date can hold/,
    ],
    [["sim:hyperliquid", "--interval-ms", "1e16"], /--interval-ms 1e16 would end after the last date/],
    [["sim:hyperliquid", "--interval-ms", "0"], /--interval-ms must be more than 0/],
    [["sim:binance", "--ping-interval-ms", "9e15"], /--ping-interval-ms 9e15 would end after the last date/],
  ];
  for (const [args, re] of cases) {
    const r = await task(args);
    equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    match(r.err, re);
    ok(!r.err.includes("    at "), `no stack trace: ${r.err}`);
  }
});
