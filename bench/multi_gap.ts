/**
 * One symbol gapping every second among healthy ones (not a test): `BinanceMultiHandler` with
 * `--healthy` symbols (default 100) plus one more, the last, against the fast simulator in
 * another process (same rig as `bench/multi_latency.ts`: simulator on CPU 0, this process on
 * CPU 1) at `--rate` frames/s per symbol. Rounds of `--round` seconds alternate, `--rounds` in all
 * (default 6): "quiet" (nothing armed) and "gapping" (`skip_update` armed on the last symbol every
 * second, so it loses a frame, resyncs and asks a snapshot each time). The healthy symbols'
 * wire-to-book latency is histogrammed per kind of round, so both are measured in the same run
 * under the same load.
 *
 * Checks (exit 1 when one fails): the healthy symbols never resync, never see a `clear`, never
 * get a second snapshot (the simulator's REST counter: exactly one each), and all books equal the
 * simulator's at the end; the gapping symbol resyncs (at least once per gapping round).
 *
 * Run: `deno run --config bench/deno.json --allow-net=127.0.0.1 --allow-read --allow-write=.bench,/tmp
 * --allow-run --allow-sys --allow-ffi bench/multi_gap.ts [--healthy 100] [--rate 250] [--rounds 6]
 * [--round 20] [--sim-pace timer|spin]` (`--sim-pace spin`: the simulator ticks on time from a
 * clock-checking loop, as in `multi_latency.ts`, instead of its timer's bursts)
 * @module
 */
import { parseArgs } from "node:util";
import { newHistogram, summary } from "./_multi_probe.ts";
import { compareBooks, flagChoice, pauseAndCatchUp, type Rig, startRig } from "./_multi_rig.ts";
import { median } from "./_stats.ts";

const USAGE =
  "usage: multi_gap.ts [--healthy n] [--rate per-symbol/s] [--rounds n] [--round s] [--sim-pace timer|spin]";
let values;
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      healthy: { type: "string", default: "100" },
      rate: { type: "string", default: "250" },
      rounds: { type: "string", default: "6" },
      round: { type: "string", default: "20" },
      "sim-pace": { type: "string", default: "timer" },
    },
  }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  Deno.exit(2);
}
const HEALTHY = Number(values.healthy), RATE = Number(values.rate);
const ROUNDS = Number(values.rounds), ROUND_S = Number(values.round);
if (
  ![HEALTHY, RATE, ROUNDS, ROUND_S].every((v) => v > 0 && Number.isFinite(v)) || HEALTHY > 999 ||
  !Number.isInteger(ROUNDS) || ROUNDS < 2
) {
  console.error(`every value must be a positive number (healthy <= 999, rounds an integer >= 2)\n${USAGE}`);
  Deno.exit(2);
}
const PACE = flagChoice(values["sim-pace"], "sim-pace", ["timer", "spin"], USAGE);

const N = HEALTHY + 1;
console.log(`${HEALTHY} healthy symbols + 1 gapping every second in gapping rounds; ${RATE} frames/s each`);
let failed: string[] = [];
let rig: Rig | undefined;
try {
  rig = await startRig({ symbols: N, rate: RATE, tick: 1, changes: 8, simPace: PACE });
  const { sim, h, probe, names } = rig;
  const G = N - 1;
  for (const n of rig.notes) console.log(n);
  await pauseAndCatchUp(sim, h);
  probe.phaseSymbols[G] = 0; // only the healthy symbols' latency goes to the phase histograms
  const resyncs0 = h.books.map((b) => b.sync.resyncs);
  const clears0 = Float64Array.from(probe.clears);
  probe.recording = true;
  await sim.pause(false);
  const perRound: { kind: string; p50: number; p99: number; gResyncs: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const kind = r % 2 === 0 ? "quiet" : "gapping";
    probe.phase(`${kind} ${r}`); // healthy symbols only

    const g0 = h.books[G]!.sync.resyncs;
    let gapper: ReturnType<typeof setInterval> | undefined;
    if (kind === "gapping") gapper = setInterval(() => sim.skip(names[G]!).catch(() => {}), 1000);
    await new Promise((res) => setTimeout(res, ROUND_S * 1000));
    clearInterval(gapper);
    const w = summary(probe.phases.get(`${kind} ${r}`)!);
    perRound.push({ kind, p50: w.p50, p99: w.p99, gResyncs: h.books[G]!.sync.resyncs - g0 });
    console.log(
      `round ${r + 1} ${kind.padEnd(7)}: healthy p50 ${w.p50} µs p99 ${w.p99} µs; gapping symbol resyncs ${
        perRound.at(-1)!.gResyncs
      }`,
    );
  }
  probe.phase(undefined);
  const { st } = await pauseAndCatchUp(sim, h);
  probe.recording = false;
  const healthyResynced = names.filter((_, k) => k !== G && h.books[k]!.sync.resyncs !== resyncs0[k]);
  const healthyCleared = names.filter((_, k) => k !== G && probe.clears[k] !== clears0[k]);
  const secondSnapshot = names.filter((s, k) => k !== G && st.snapshots[s] !== 1);
  const mismatched = await compareBooks(sim, h);
  const gResyncs = h.books[G]!.sync.resyncs - resyncs0[G]!;
  const gappingRounds = perRound.filter((r) => r.kind === "gapping");
  failed = [
    ...healthyResynced.map((s) => `${s}: resynced`),
    ...healthyCleared.map((s) => `${s}: clear record`),
    ...secondSnapshot.map((s) => `${s}: ${st.snapshots[s]} snapshots`),
    ...mismatched.map((s) => `${s}: final book ≠ the simulator's`),
    ...(gappingRounds.some((r) => r.gResyncs === 0)
      ? ["the gapping symbol did not resync in a gapping round"]
      : []),
  ];
  const merged = (kind: string): ReturnType<typeof summary> => {
    const m = newHistogram();
    for (const [name, h] of probe.phases) if (name.startsWith(kind)) m.add(h);
    return summary(m);
  };
  const quiet = merged("quiet");
  const gapping = merged("gapping");
  const med = (kind: string, f: "p50" | "p99"): number =>
    median(perRound.filter((r) => r.kind === kind).map((r) => r[f]));
  const loadAfter = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`\nloadavg after ${loadAfter}`);
  console.log(
    `gapping symbol ${names[G]}: ${gResyncs} resyncs, ${st.snapshots[names[G]!]} snapshots, ${
      probe.clears[G]! - clears0[G]!
    } clear records`,
  );
  console.log(
    `healthy symbols: ${healthyResynced.length} resynced, ${healthyCleared.length} with a clear, ${secondSnapshot.length} with a 2nd snapshot; books ≠ simulator: ${mismatched.length}`,
  );
  console.log(
    `healthy latency, quiet rounds:   p50 ${quiet.p50} µs  p99 ${quiet.p99} µs  p99.9 ${quiet.p999} µs (n=${quiet.n})`,
  );
  console.log(
    `healthy latency, gapping rounds: p50 ${gapping.p50} µs  p99 ${gapping.p99} µs  p99.9 ${gapping.p999} µs (n=${gapping.n})`,
  );
  console.log(
    `gapping ÷ quiet: p50 ${(gapping.p50 / quiet.p50).toFixed(2)}×, p99 ${
      (gapping.p99 / quiet.p99).toFixed(2)
    }× ` +
      `(per-round medians: p50 ${med("quiet", "p50")} → ${med("gapping", "p50")} µs, p99 ${
        med("quiet", "p99")
      } → ${med("gapping", "p99")} µs)`,
  );
  console.log(`checks: ${failed.length === 0 ? "passed" : failed.slice(0, 10).join("; ")}`);
  console.log(
    JSON.stringify({
      healthy: HEALTHY,
      ratePerSymbol: RATE,
      rounds: ROUNDS,
      roundSeconds: ROUND_S,
      quiet,
      gapping,
      gResyncs,
      perRound,
      notes: rig.notes,
      loadAfter,
      failed,
    }),
  );
} catch (e) {
  failed = [e instanceof Error ? e.message : String(e)];
  console.error(`multi_gap: ${failed[0]}`);
} finally {
  await rig?.close();
}
Deno.exit(failed.length === 0 ? 0 : 1);
