/**
 * How fast the publisher Worker wakes for a message (not a test): the main thread stamps the
 * time into shared memory and notifies, one message per timer tick (`setTimeout(1)`, ~400/s, the
 * Worker idle in between); the Worker, idle in one of three ways, reads the stamp when it wakes
 * and records the delay — the part of the publisher's end-to-end latency that is the wake alone,
 * without NATS:
 *
 * - waitAsync: `Atomics.waitAsync` on the ring's wake word (the publisher's default; the wake goes
 *   through V8's waiter thread and the Worker's event loop)
 * - Atomics.wait: blocking the Worker in `Atomics.wait`, 1 ms at a time (`idleWait: "block"`)
 * - spin: polling on every turn of the Worker's event loop (`setImmediate`, as `idleSpinUs`)
 *
 * The variants run interleaved, `rounds` rounds of `messages` each; medians of the rounds' p50 /
 * p99 and the process CPU.
 *
 *   deno run -A bench/nats_wake.ts [rounds=3] [messages=1000]
 * @module
 */
import process from "node:process";

const rounds = Number(Deno.args[0] ?? 3);
const M = Number(Deno.args[1] ?? 1000);
if (!(rounds >= 1) || !(M >= 100)) {
  console.error("nats_wake: rounds >= 1, messages >= 100");
  Deno.exit(2);
}
const MODES = ["waitAsync", "Atomics.wait", "spin"] as const;
type Mode = typeof MODES[number];

// Shared words: [0] wake sequence, [1] messages sent, [2] done flag; f64 at byte 16: the stamp.
const WORKER = `
const { setImmediate } = await import("node:timers");
self.onmessage = async (e) => {
  const { sab, mode, n } = e.data;
  const i32 = new Int32Array(sab, 0, 4);
  const stamp = new Float64Array(sab, 16, 1);
  const lat = [];
  let seen = 0;
  while (seen < n) {
    const seq = Atomics.load(i32, 0);
    if (Atomics.load(i32, 1) === seen) {
      if (mode === "spin") await new Promise((r) => setImmediate(r));
      else if (mode === "Atomics.wait") {
        if (Atomics.wait(i32, 0, seq, 1) === "timed-out") await new Promise((r) => setImmediate(r));
      } else {
        const r = Atomics.waitAsync(i32, 0, seq, 50);
        if (r.async) await r.value;
      }
      continue;
    }
    lat.push((performance.timeOrigin + performance.now() - stamp[0]) * 1000);
    seen++;
  }
  self.postMessage(lat);
};`;

async function run(mode: Mode): Promise<{ p50: number; p99: number; cpu: number }> {
  const w = new Worker(`data:application/javascript,${encodeURIComponent(WORKER)}`, { type: "module" });
  const sab = new SharedArrayBuffer(32);
  const i32 = new Int32Array(sab, 0, 4);
  const stamp = new Float64Array(sab, 16, 1);
  const got = new Promise<number[]>((r) => w.onmessage = (e) => r(e.data));
  w.postMessage({ sab, mode, n: M });
  await new Promise((r) => setTimeout(r, 50));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= M; i++) {
    stamp[0] = performance.timeOrigin + performance.now();
    Atomics.store(i32, 1, i);
    Atomics.add(i32, 0, 1);
    Atomics.notify(i32, 0);
    await new Promise((r) => setTimeout(r, 1));
  }
  const lat = await Promise.race([got, new Promise<number[]>((r) => setTimeout(() => r([]), 10_000))]);
  const c = process.cpuUsage(cpu0);
  w.terminate();
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), cpu: (c.user + c.system) / 10 / (performance.now() - t0) };
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
const load0 = Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
for (let r = 0; r < rounds; r++) {
  for (const m of MODES) {
    const x = await run(m);
    add(`${m} | wake p50 us`, x.p50);
    add(`${m} | wake p99 us`, x.p99);
    add(`${m} | process CPU %`, x.cpu);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `nats wake: ${rounds} rounds x ${M} messages, one per timer tick; medians [rounds]; loadavg (1 min) ${load0} -> ${
    Deno.readTextFileSync("/proc/loadavg").split(" ")[0]
  }`,
);
for (const [k, v] of Object.entries(rows)) {
  console.log(
    `${k.padEnd(34)} ${median(v).toFixed(1).padStart(8)}   [${v.map((x) => x.toFixed(1)).join(", ")}]`,
  );
}
