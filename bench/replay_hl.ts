/**
 * Benchmark-only: the Hyperliquid part of `replay_compare.ts`. The real BTC fixture
 * (`../shared/fixtures`, read in place) is small (55 lines), so a capture of `copies` back-to-back
 * copies of it is written to a temp dir, each copy's book/trade times and receive times shifted
 * past the previous one (a replay then sees one long session). Then, in interleaved rounds: the
 * one replay driver on one thread (`replayCapture`, bincode into a counting sink), on two threads
 * with a warm L3 Worker (`ReplayPipeline`), and the same line reader + `JSON.parse` pass.
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { replayCapture } from "../replay/replay.ts";
import { ReplayPipeline } from "../replay/pipeline.ts";
import { resolveSession } from "../replay/reader.ts";
import { BincodeWriter } from "../replay/bincode.ts";
import { CountingTarget } from "../replay/out_buffer.ts";
import { LineReader } from "../replay/lines.ts";

/** The fixture's directory. */
export const HL_DIR: URL = new URL("../../shared/fixtures/hyperliquid-btc-20250126/", import.meta.url);

/** Medians of the Hyperliquid rounds, ns. */
export interface HlFigures {
  /** Lines replayed per round. */
  lines: number;
  /** Bytes of the capture. */
  bytes: number;
  /** Events per replay. */
  events: number;
  /** One thread. */
  replayNs: number;
  /** Two threads, warm Worker. */
  pipedNs: number;
  /** Line reader + JSON.parse. */
  jsonNs: number;
}

/** The fixture `copies` times, times shifted per copy, into a temp session; returns its directory. */
export async function bigSession(copies: number): Promise<string> {
  const lines = Deno.readTextFileSync(new URL("messages.jsonl", HL_DIR)).split("\n").filter((l) => l);
  const recv = Deno.readTextFileSync(new URL("messages.recv_ns", HL_DIR)).split("\n").filter((l) => l).map(
    BigInt,
  );
  const msgs = lines.map((l) => JSON.parse(l));
  const times = msgs.flatMap((m) =>
    m.channel === "l2Book" ? [m.data.time] : m.data.map((t: { time: number }) => t.time)
  );
  const span = Math.max(...times) - Math.min(...times) + 1000;
  const rspan = recv.at(-1)! - recv[0]! + 1_000_000_000n;
  const out: string[] = [];
  const rout: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (let i = 0; i < msgs.length; i++) {
      const m = structuredClone(msgs[i]);
      if (m.channel === "l2Book") m.data.time += k * span;
      else if (m.channel === "trades") { for (const t of m.data) t.time += k * span; }
      out.push(JSON.stringify(m));
      rout.push(String(recv[i]! + BigInt(k) * rspan));
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "replay_hl_bench_" });
  await Deno.writeTextFile(`${dir}/messages.jsonl`, out.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/messages.recv_ns`, rout.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/metadata.json`, JSON.stringify({ venue: "hyperliquid", coin: "BTC" }));
  return dir;
}

/** The median of `xs`. */
export function median(xs: number[]): number {
  return xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
}

/** Run the Hyperliquid rounds; undefined (with a warning) when the fixture is absent. */
export async function hlRounds(
  copies: number,
  warmup: number,
  rounds: number,
): Promise<HlFigures | undefined> {
  try {
    Deno.statSync(new URL("messages.jsonl", HL_DIR));
  } catch {
    console.warn(`replay_compare: Hyperliquid fixture absent at ${HL_DIR.pathname}: no Hyperliquid figure`);
    return undefined;
  }
  const dir = await bigSession(copies);
  const pipe = new ReplayPipeline();
  try {
    const files = await resolveSession(dir);
    const bytes = (await Deno.stat(files.diffs)).size;
    const r = { one: [] as number[], two: [] as number[], json: [] as number[] };
    let lines = 0;
    let events = 0;
    const dec = new TextDecoder();
    for (let i = 0; i < warmup + rounds; i++) {
      const w = new BincodeWriter(new CountingTarget());
      let t0 = systemClock.monoNs();
      const s = await replayCapture(files, { sink: w });
      w.flush();
      const one = systemClock.monoNs() - t0;
      t0 = systemClock.monoNs();
      const p = await pipe.replay(files, { format: "bincode" });
      const two = systemClock.monoNs() - t0;
      if (p.written !== s.totalEvents) throw new Error("two threads wrote other events");
      t0 = systemClock.monoNs();
      const rd = await LineReader.open(files.diffs, 1 << 20);
      let n = 0;
      while (rd.next() || (await rd.nextLine())) {
        n += JSON.parse(dec.decode(rd.buf.subarray(rd.start, rd.end))).data ? 1 : 0;
      }
      await rd.close();
      const json = systemClock.monoNs() - t0;
      if (n !== s.diffLines) throw new Error(`line counts differ: ${n} ${s.diffLines}`);
      lines = s.diffLines;
      events = s.totalEvents;
      if (i < warmup) continue;
      r.one.push(one);
      r.two.push(two);
      r.json.push(json);
    }
    return { lines, bytes, events, replayNs: median(r.one), pipedNs: median(r.two), jsonNs: median(r.json) };
  } finally {
    pipe.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Print the Hyperliquid rows (the table format of `replay_compare.ts`) and the ratios. */
export function printHl(hl: HlFigures): void {
  const row = (name: string, ns: number) =>
    `| ${name.padEnd(46)} | ${(ns / 1e6).toFixed(1).padStart(8)} | ${
      ((hl.lines * 1e9) / ns / 1e3).toFixed(0).padStart(8)
    } | ${((hl.bytes / 1e6) / (ns / 1e9)).toFixed(1).padStart(7)} |`;
  console.log(
    `Hyperliquid: ${hl.lines} lines, ${(hl.bytes / 1e6).toFixed(1)} MB, ${hl.events} events (medians)`,
  );
  console.log(row("HL replay, 1 thread (one driver)", hl.replayNs));
  console.log(row("HL replay, 2 threads: warm L3 Worker (records)", hl.pipedNs));
  console.log(row("HL baseline: same line reader + JSON.parse", hl.jsonNs));
  console.log(
    `Hyperliquid vs JSON.parse-only: 1 thread ${(hl.jsonNs / hl.replayNs).toFixed(2)}x; ` +
      `2 threads ${(hl.jsonNs / hl.pipedNs).toFixed(2)}x`,
  );
}

/** The Hyperliquid figures for the closing JSON line. */
export function hlJson(hl: HlFigures): Record<string, number> {
  return {
    lines: hl.lines,
    bytes: hl.bytes,
    events: hl.events,
    replayMs: hl.replayNs / 1e6,
    pipedWarmMs: hl.pipedNs / 1e6,
    jsonParseMs: hl.jsonNs / 1e6,
    speedupVsJsonParse: hl.jsonNs / hl.replayNs,
    pipedWarmSpeedupVsJsonParse: hl.jsonNs / hl.pipedNs,
  };
}
