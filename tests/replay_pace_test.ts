/**
 * `--pace recorded` on a fake clock (the one clock seam): a line is waited for exactly until its
 * recorded receive-time distance from the first line has passed; gaps under the slack are not
 * slept (the next line catches up), lines without a receive time never wait. The whole
 * Hyperliquid fixture paced: the time slept is the recorded span (within the slack), and the
 * events are those of the unpaced replay. No wall clock is read.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { PACE_SLACK_NS, RecordedPace } from "../replay/pace.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";

const HL = new URL("../../shared/fixtures/hyperliquid-btc-20250126", import.meta.url).pathname;

/** A pacer on a fake clock whose sleep advances the clock and records the sleep (ms). */
function fakePace(): { pace: RecordedPace; clock: FakeClock; slept: number[] } {
  const clock = new FakeClock(5_000_000);
  const slept: number[] = [];
  const pace = new RecordedPace(clock, (ms) => {
    slept.push(ms);
    clock.advance(Math.round(ms * 1e6));
    return Promise.resolve();
  });
  return { pace, clock, slept };
}

Deno.test("pace recorded: waits exactly the recorded gaps past the slack; unknown times never wait", async () => {
  const { pace, clock, slept } = fakePace();
  const sec = 1_700_000_000;
  const lines: [number, number][] = [
    [sec, 999_000_000], // the first line: the origin
    [sec, 999_500_000], // 0.5 ms later: under the slack, no sleep
    [sec + 1, 4_000_000], // 5 ms after the first
    [sec + 1, 4_200_000], // 0.2 ms later
    [0, 0], // no receive time
    [sec + 1, 19_000_000], // 20 ms after the first
    [sec + 1, 10_000_000], // earlier than the clock: no wait
  ];
  for (const [s, ns] of lines) {
    const p = pace.wait(s, ns);
    if (p) await p;
  }
  assert.deepEqual(slept, [5, 15]);
  assert.equal(clock.monoNs(), 5_000_000 + 20_000_000);
  assert.equal(pace.sleeps, 2);
  assert.equal(pace.sleptNs, 20_000_000);
});

Deno.test({
  name: "pace recorded: the Hyperliquid fixture paced on a fake clock sleeps its recorded span, same events",
  ignore: (() => {
    try {
      Deno.statSync(HL);
      return false;
    } catch {
      return true;
    }
  })(),
  async fn() {
    const files = await resolveSession(HL);
    const recv = Deno.readTextFileSync(`${HL}/messages.recv_ns`).trim().split("\n").map(BigInt);
    const span = Number(recv.at(-1)! - recv[0]!);
    const run = async (paced: boolean) => {
      const t = new MemoryTarget();
      const w = createWriter("jsonl", t);
      const f = fakePace();
      await replayCapture(files, { sink: w, beforeLine: paced ? (s, n) => f.pace.wait(s, n) : undefined });
      w.flush();
      return { bytes: t.bytes(), ...f };
    };
    const plain = await run(false);
    const paced = await run(true);
    assert.deepEqual(paced.bytes, plain.bytes, "pacing changes no event");
    assert.ok(paced.slept.length > 10, `${paced.slept.length} sleeps`);
    const slept = paced.clock.monoNs() - 5_000_000;
    assert.equal(slept, paced.pace.sleptNs);
    assert.ok(slept <= span && span - slept < PACE_SLACK_NS, `slept ${slept} ns of a ${span} ns span`);
    assert.equal(plain.slept.length, 0);
  },
});
