/**
 * Many symbols in one process (not a test): `BinanceMultiHandler` with `--symbols` symbols
 * (default 200) against the fast simulator in ANOTHER process at `--rate` depth frames/s per
 * symbol (default 250: 50,000/s in all), for `--minutes` (default 1) after every symbol is
 * synchronized. The simulator runs under `taskset -c 0`, this process is pinned to CPU 1.
 *
 * Wire-to-book latency: the simulator writes its CLOCK_REALTIME (µs) into each frame's `E` at
 * the socket hand-off; a subscriber of every symbol's stream takes the wall clock after the book
 * applied the frame (`bench/_multi_probe.ts`). Reports per-symbol p50/p99 (their spread and the
 * worst symbol), all symbols' p50/p99/p99.9 and their split at the receive time (E → the socket
 * read that got the frame → the book applied it), frames/s achieved, CPU per frame (this process,
 * every thread; and the simulator's), RSS, backlog and inbox depth every `--sample` s.
 *
 * Checks (exit 1 when one fails): the simulator is paused and every book must reach its last
 * update id before and after the measured run; every symbol's frames received in the run equal
 * the frames the simulator sent it (no frame lost); no resync, no `clear`; every final book
 * equals the simulator's depth level by level. Per-symbol figures go to `.bench/multi_latency.json`.
 *
 * Run: `deno run --config bench/deno.json --allow-net=127.0.0.1 --allow-read --allow-write=.bench,/tmp
 * --allow-run --allow-sys --allow-ffi bench/multi_latency.ts [--symbols 200] [--rate 250] [--minutes 1]
 * [--sample 10] [--tick 1] [--changes 8] [--log /tmp/file.log] [--logger worker|none] [--floor 20]
 * [--transport raw|websocket] [--sim-pace timer|spin]`
 * (`--log`: the handler's log, default a temporary file, removed; `--logger none`: no logger
 * Worker, to measure its cost; `--floor`: seconds of the floor measured first — a bare WebSocket
 * client in this process on the same streams and transport, `bench/_multi_floor.ts` — 0 = none;
 * `--transport`: the handler's socket, `RawWebSocket` (default) or Deno's `WebSocket`;
 * `--sim-pace spin`: the simulator ticks on time from a clock-checking loop instead of its timer,
 * which Deno fires only ~300–450 times a second, so bursts stay near `tick` ms of frames)
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { summary } from "./_multi_probe.ts";
import { rowLine, Sampler, sum } from "./_multi_sampler.ts";
import {
  backlogFrames,
  compareBooks,
  flagChoice,
  pauseAndCatchUp,
  type Rig,
  type SimChild,
  startRig,
  symbolNames,
} from "./_multi_rig.ts";
import { type FloorResult, measureFloor } from "./_multi_floor.ts";
import { median } from "./_stats.ts";

const USAGE =
  "usage: multi_latency.ts [--symbols n] [--rate per-symbol/s] [--minutes m] [--sample s] [--tick ms] " +
  "[--changes k] [--log path] [--logger worker|none] [--floor s] [--transport raw|websocket] " +
  "[--sim-pace timer|spin]";
let values;
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      symbols: { type: "string", default: "200" },
      rate: { type: "string", default: "250" },
      minutes: { type: "string", default: "1" },
      sample: { type: "string", default: "10" },
      tick: { type: "string", default: "1" },
      changes: { type: "string", default: "8" },
      log: { type: "string" },
      logger: { type: "string", default: "worker" },
      floor: { type: "string", default: "20" },
      transport: { type: "string", default: "raw" },
      "sim-pace": { type: "string", default: "timer" },
    },
  }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  Deno.exit(2);
}
const N = Number(values.symbols), RATE = Number(values.rate), MIN = Number(values.minutes);
const SAMPLE = Number(values.sample), TICK = Number(values.tick), CHANGES = Number(values.changes);
const FLOOR = Number(values.floor);
const TRANSPORT = flagChoice(values.transport, "transport", ["raw", "websocket"], USAGE);
const SIM_PACE = flagChoice(values["sim-pace"], "sim-pace", ["timer", "spin"], USAGE);
const LOGGER = flagChoice(values.logger, "logger", ["worker", "none"], USAGE);
if (
  ![N, RATE, MIN, SAMPLE, CHANGES].every((v) => v > 0 && Number.isFinite(v)) || !(TICK >= 1) || N > 1000 ||
  !(FLOOR >= 0)
) {
  console.error(`every value must be a positive number (symbols <= 1000, tick >= 1, floor >= 0)\n${USAGE}`);
  Deno.exit(2);
}

console.log(
  `${N} symbols × ${RATE} frames/s (target ${
    N * RATE
  }/s), tick ${TICK} ms, 1..${CHANGES} levels per frame, ` +
    `transport ${TRANSPORT}, simulator paced by ${
      SIM_PACE === "spin" ? "a clock-checking loop" : "its timer"
    }`,
);
let failed: string[] = [];
let rig: Rig | undefined;
let floor: FloorResult | undefined;
try {
  const floorFirst = async (sim: SimChild): Promise<void> => {
    if (FLOOR > 0) floor = await measureFloor(sim.wsBase, symbolNames(N), FLOOR, TRANSPORT);
  };
  rig = await startRig({
    symbols: N,
    rate: RATE,
    tick: TICK,
    changes: CHANGES,
    ...(values.log ? { log: values.log } : {}),
    logger: LOGGER,
    transport: TRANSPORT,
    simPace: SIM_PACE,
  }, floorFirst);
  const { sim, h, probe, names } = rig;
  for (const n of rig.notes) console.log(n);
  if (floor !== undefined) {
    const f = floor.latencyUs;
    console.log(
      `floor (a bare ${TRANSPORT} client in this process, ${FLOOR} s before the handler): p50 ${f.p50} µs  p99 ${f.p99} µs  p99.9 ${f.p999} µs, ${
        Math.round(floor.frames / FLOOR)
      } frames/s, ${floor.cpuUsPerFrame.toFixed(2)} µs CPU/frame`,
    );
  }
  const s0 = (await pauseAndCatchUp(sim, h)).st;
  const msgs0 = h.books.map((b) => b.messages);
  const msgs0Total = h.stats.messages;
  const resyncs0 = h.books.map((b) => b.sync.resyncs);
  const clears0 = Float64Array.from(probe.clears);
  const cpu0 = process.cpuUsage();
  const updates0 = sum(probe.updates);
  probe.recording = true;
  await sim.pause(false);
  const t0 = performance.now();
  const r = rig;
  const inbox = (): number => h.conns.reduce((a, c) => a + c.inbox.length, 0);
  const sampler = new Sampler(() => backlogFrames(r, s0.frames, msgs0Total), inbox, probe);
  const windows = Math.max(1, Math.round((MIN * 60) / SAMPLE));
  for (let w = 0; w < windows; w++) {
    await new Promise((r) => setTimeout(r, SAMPLE * 1000));
    console.log(rowLine(sampler.row()));
  }
  sampler.stop();
  const { st: s1, behind } = await pauseAndCatchUp(sim, h, false);
  const seconds = (performance.now() - t0) / 1000;
  probe.recording = false;
  const cpu1 = process.cpuUsage();
  const applied = sum(probe.updates) - updates0;
  const lost = h.books.filter((b, k) => b.messages - msgs0[k]! !== s1.symbols[k]![2] - s0.symbols[k]![2]);
  const resynced = h.books.filter((b, k) => b.sync.resyncs !== resyncs0[k]);
  const cleared = names.filter((_, k) => probe.clears[k] !== clears0[k]);
  const mismatched = await compareBooks(sim, h);
  failed = [
    ...(behind.length > 0 ? [`${behind.length} symbols still behind 60 s after the pause`] : []),
    ...lost.map((b) => `${b.symbol}: frames received ≠ frames sent`),
    ...resynced.map((b) => `${b.symbol}: resynced`),
    ...cleared.map((s) => `${s}: clear record`),
    ...mismatched.map((s) => `${s}: final book ≠ the simulator's`),
  ];
  const simFrames = s1.frames - s0.frames;
  const simCpu = (s1.cpuUserUs + s1.cpuSystemUs - s0.cpuUserUs - s0.cpuSystemUs) / simFrames;
  const cpuUs = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / applied;
  const all = summary(probe.all());
  const per = probe.perSymbol.map((x, k) => ({ symbol: names[k]!, ...summary(x) }));
  const p99s = per.map((p) => p.p99);
  const worst = per.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const rows = sampler.rows;
  const rss = rows.map((r) => r.rssMiB);
  const loadAfter = Deno.loadavg();
  console.log(
    `\nmeasured ${seconds.toFixed(1)} s; loadavg after ${loadAfter.map((x) => x.toFixed(2)).join(" ")}`,
  );
  console.log(
    `frames sent ${simFrames} (${
      Math.round(simFrames / seconds)
    }/s), applied ${applied}, lost ${lost.length} symbols`,
  );
  console.log(
    `all symbols: p50 ${all.p50} µs  p99 ${all.p99} µs  p99.9 ${all.p999} µs  max ${all.max} µs (n=${all.n})`,
  );
  const split = [summary(probe.toRecv), summary(probe.recvToBook)];
  console.log(
    `split at the receive time: E → received p50 ${split[0]!.p50} µs  p99 ${split[0]!.p99} µs  p99.9 ${
      split[0]!.p999
    } µs; received → applied p50 ${split[1]!.p50} µs  p99 ${split[1]!.p99} µs  p99.9 ${split[1]!.p999} µs`,
  );
  console.log(
    `per symbol p50: min ${Math.min(...per.map((p) => p.p50))} median ${median(per.map((p) => p.p50))} max ${
      Math.max(...per.map((p) => p.p50))
    } µs; p99: min ${Math.min(...p99s)} median ${median(p99s)} max ${worst.p99} µs (${worst.symbol})`,
  );
  console.log(
    `CPU per frame: handler process ${cpuUs.toFixed(2)} µs, simulator process ${simCpu.toFixed(2)} µs`,
  );
  const ticks = s1.ticks - s0.ticks;
  console.log(
    `simulator: ${Math.round(ticks / seconds)} ticks/s (timer ${TICK} ms), ${
      (simFrames / ticks).toFixed(1)
    } frames ` +
      `per tick on average, ${s1.maxTickFrames} at most (whole run); build + hand-off ${
        ((s1.buildNsSum - s0.buildNsSum) / ticks / 1000).toFixed(0)
      } µs per tick`,
  );
  console.log(
    `RSS first/last/max ${rss[0]} / ${rss.at(-1)} / ${Math.max(...rss)} MiB; backlog max ${
      Math.max(...rows.map((r) => r.backlogMax))
    } frames; latency clock inversions ${probe.negative}`,
  );
  console.log(
    `p99 ≤ 1 ms (all symbols): ${all.p99 <= 1000 ? "met" : "MISSED"}; checks: ${
      failed.length === 0 ? "passed" : failed.slice(0, 10).join("; ")
    }`,
  );
  const result = {
    transport: TRANSPORT,
    symbols: N,
    ratePerSymbol: RATE,
    seconds,
    framesPerSecond: simFrames / seconds,
    applied,
    latencyUs: all,
    toRecvUs: split[0],
    recvToBookUs: split[1],
    perSymbolP99Us: { min: Math.min(...p99s), median: median(p99s), max: worst.p99, worst: worst.symbol },
    cpuUsPerFrame: cpuUs,
    simCpuUsPerFrame: simCpu,
    simTicksPerSecond: ticks / seconds,
    framesPerTick: simFrames / ticks,
    rows,
    loadAfter,
    floor,
    notes: rig.notes,
    failed,
  };
  await Deno.mkdir(".bench", { recursive: true });
  await Deno.writeTextFile(
    ".bench/multi_latency.json",
    JSON.stringify({ ...result, perSymbol: per }, null, 1),
  );
  console.log(JSON.stringify({ ...result, rows: undefined }));
} catch (e) {
  failed = [e instanceof Error ? e.message : String(e)];
  console.error(`multi_latency: ${failed[0]}`);
} finally {
  const report = await rig?.close();
  if (report !== undefined && rig !== undefined) {
    const n = rig.h.stats.messages;
    console.log(
      `engine, whole run: ${(report.busyPolls / n).toFixed(2)} busy polls and ${
        (report.idleWaits / n).toFixed(2)
      } idle waits (wakes) per frame`,
    );
  }
}
Deno.exit(failed.length === 0 ? 0 : 1);
