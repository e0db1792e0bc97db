/**
 * Benchmark-only: the floor of the many-symbol latency benchmark — a bare WebSocket client in
 * this (pinned) process reading the same streams from the same simulator, doing nothing but
 * reading each frame's `E` (the simulator's send time, µs) and recording the wall clock minus it.
 * What it measures is the transport, Deno's WebSocket and this CPU's scheduling under the
 * machine's load at the time; the handler's figures above it are the handler's own.
 * @module
 */
import process from "node:process";
import { systemClock } from "../engine/clock.ts";
import { newHistogram, summary } from "./_multi_probe.ts";

/** What the floor client saw. */
export interface FloorResult {
  /** Frames read. */
  frames: number;
  /** Latency, µs. */
  latencyUs: ReturnType<typeof summary>;
  /** This process's CPU per frame, µs. */
  cpuUsPerFrame: number;
}

/** Read every stream of `symbols` from `wsBase` for `seconds` (10 s deadline to connect). */
export async function measureFloor(
  wsBase: string,
  symbols: readonly string[],
  seconds: number,
): Promise<FloorResult> {
  const streams = symbols.map((s) => `${s.toLowerCase()}@depth@100ms`).join("/");
  const ws = new WebSocket(`${wsBase}/stream?streams=${streams}`);
  const h = newHistogram();
  let frames = 0;
  let recording = false;
  ws.onmessage = (e: MessageEvent) => {
    if (!recording) return;
    const t = e.data as string;
    const i = t.indexOf('"E":') + 4;
    const ns = systemClock.wallNs() - Number(t.slice(i, t.indexOf(",", i))) * 1000;
    h.recordValue(ns < 1 ? 1 : ns);
    frames++;
  };
  const open = Promise.withResolvers<void>();
  ws.onopen = () => open.resolve();
  ws.onerror = () => open.reject(new Error("floor client: cannot connect"));
  const guard = setTimeout(() => open.reject(new Error("floor client: no open in 10 s")), 10_000);
  try {
    await open.promise;
  } finally {
    clearTimeout(guard);
  }
  await new Promise((r) => setTimeout(r, 1000)); // a second to settle
  const cpu0 = process.cpuUsage();
  recording = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  const cpu1 = process.cpuUsage();
  const closed = new Promise((r) => (ws.onclose = r));
  ws.close();
  await closed;
  const cpu = cpu1.user - cpu0.user + cpu1.system - cpu0.system;
  return { frames, latencyUs: summary(h), cpuUsPerFrame: cpu / Math.max(1, frames) };
}
