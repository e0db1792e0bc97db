/**
 * What capture costs the Binance hot path.
 * 1. `CaptureLines.append` alone: ns per frame over the real ETHUSDT diffs (about 1.4 KB each).
 * 1b. Parse + capture per frame: `parseFrame` then `append` (the frame UTF-8-encoded twice) vs
 *    `stage` + `parseFrameInPlace` + `commit` (encoded once, into the capture chunk), interleaved.
 * 2. End to end: `wire_to_book` latency (WebSocket receive → book updated) of `BinanceHandler`
 *    against the local simulator, with and without `--capture-dir`, rounds interleaved.
 *
 * Run: deno run --allow-read --allow-write --allow-net=127.0.0.1 bench/binance_capture_cost.ts [seconds-per-round] [rounds]
 * @module
 */
import { runEngine } from "../engine/engine.ts";
import { EventKind } from "../engine/events.ts";
import { testLogger } from "../engine/testing.ts";
import { CaptureWriter } from "../venues/capture_writer.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { ParsedFrame, parseFrame, parseFrameInPlace } from "../venues/binance/parse.ts";
import { ETH_DIR } from "./_eth_fixture.ts";

const secs = Number(Deno.args[0] ?? 4);
const rounds = Number(Deno.args[1] ?? 3);

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}
const us = (ns: number) => (ns / 1000).toFixed(1);

// 1. append alone
const fixture = new URL("diffs.jsonl", ETH_DIR);
let lines: string[];
try {
  lines = Deno.readTextFileSync(fixture).split("\n").filter((l) => l !== "");
} catch {
  lines = Array.from(
    { length: 5000 },
    (_, i) => `{"e":"depthUpdate","U":${i},"u":${i},"b":${"x".repeat(1300)}}`,
  );
}
const tmp = await Deno.makeTempDir();
const w = await CaptureWriter.create(tmp, { flushIntervalMs: 50 });
const cl = w.lines("diffs");
const times: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (const l of lines) cl.append(l, 1_700_000_000_000_000_000);
  times.push((performance.now() - t0) * 1e6 / lines.length);
  await cl.flush();
}
await w.close();
await Deno.remove(tmp, { recursive: true });
const bytes = lines.reduce((n, l) => n + l.length, 0) / lines.length;
console.log(
  `append: ${lines.length} frames x5, mean ${bytes.toFixed(0)} B/frame: ns/frame per pass = ${
    times.map((t) => t.toFixed(0)).join(", ")
  }`,
);

// 1b. parse + capture: two encodes vs one
{
  const dir = await Deno.makeTempDir();
  const cw = await CaptureWriter.create(dir, { flushIntervalMs: 50 });
  const twice = cw.lines("twice");
  const once = cw.lines("once");
  const pf = new ParsedFrame();
  const res: Record<string, number[]> = { twice: [], once: [], parseOnly: [], stageParse: [] };
  let sink = 0;
  for (let r = 0; r < 15; r++) {
    let t0 = performance.now();
    for (const l of lines) {
      sink += parseFrame(l, pf);
      twice.append(l, 1_700_000_000_000_000_000);
    }
    res.twice!.push((performance.now() - t0) * 1e6 / lines.length);
    await twice.flush();
    t0 = performance.now();
    for (const l of lines) {
      once.stage(l);
      sink += parseFrameInPlace(once.stagedBuf, once.stagedStart, once.stagedEnd, pf);
      once.commit(1_700_000_000_000_000_000);
    }
    res.once!.push((performance.now() - t0) * 1e6 / lines.length);
    await once.flush();
    // The part before the book update: parse alone (no capture) vs stage + parse in place.
    t0 = performance.now();
    for (const l of lines) sink += parseFrame(l, pf);
    res.parseOnly!.push((performance.now() - t0) * 1e6 / lines.length);
    t0 = performance.now();
    for (const l of lines) {
      once.stage(l);
      sink += parseFrameInPlace(once.stagedBuf, once.stagedStart, once.stagedEnd, pf);
    }
    res.stageParse!.push((performance.now() - t0) * 1e6 / lines.length);
  }
  await cw.close();
  await Deno.remove(dir, { recursive: true });
  const label = {
    twice: "parse+capture, encoded twice",
    once: "parse+capture, encoded once",
    parseOnly: "before book update, no capture (parseFrame)",
    stageParse: "before book update, capturing (stage+parseInPlace)",
  };
  for (const k of ["twice", "once", "parseOnly", "stageParse"] as const) {
    const v = res[k]!;
    console.log(
      `${label[k]}: ns/frame median ${pct(v, 0.5).toFixed(0)}, per pass = ${
        v.map((t) => t.toFixed(0)).join(", ")
      }`,
    );
  }
  if (sink < 0) console.log(sink);
}

// 2. end to end
async function round(capture: boolean): Promise<number[]> {
  const sim = await BinanceSimulator.start({ intervalMs: 1, market: { seed: 7, eventsPerBatch: 20 } });
  const dir = capture ? await Deno.makeTempDir() : undefined;
  const h = new BinanceHandler({
    wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
    restUrl: sim.restUrl,
    trades: true,
    ...(dir ? { captureDir: dir } : {}),
  });
  const tl = testLogger(undefined, 1 << 18);
  const vals: number[] = [];
  const pump = setInterval(() => {
    for (const e of tl.drain()) {
      if (e.kind === EventKind.Latency && e.label === "wire_to_book") vals.push(e.a);
    }
  }, 20);
  await runEngine([h], { logger: tl.logger, durationMs: secs * 1000, metricsIntervalMs: 0 });
  clearInterval(pump);
  for (const e of tl.drain()) if (e.kind === EventKind.Latency && e.label === "wire_to_book") vals.push(e.a);
  await sim.close();
  if (dir) await Deno.remove(dir, { recursive: true });
  return vals.slice(Math.floor(vals.length / 10)); // drop warm-up
}
const res: Record<string, number[]> = { off: [], on: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of ["off", "on"] as const) {
    const v = await round(mode === "on");
    res[mode]!.push(...v);
    console.log(
      `round ${r + 1} capture ${mode}: n=${v.length} p50=${us(pct(v, 0.5))}us p90=${us(pct(v, 0.9))}us p99=${
        us(pct(v, 0.99))
      }us`,
    );
  }
}
for (const mode of ["off", "on"] as const) {
  const v = res[mode]!;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  console.log(
    `all capture ${mode}: n=${v.length} mean=${us(mean)}us p50=${us(pct(v, 0.5))}us p90=${
      us(pct(v, 0.9))
    }us p99=${us(pct(v, 0.99))}us p99.9=${us(pct(v, 0.999))}us`,
  );
}
