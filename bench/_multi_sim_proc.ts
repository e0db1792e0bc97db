/**
 * Benchmark-only: the fast simulator as a child process of the many-symbol benchmarks
 * (`bench/_multi_sim_child.ts` under `taskset -c 0` when taskset exists) and its control routes:
 * `/sim/state`, pause, `skip_update`. Re-exported by `_multi_rig.ts`.
 * @module
 */

/** What `/sim/state` answers. */
export interface SimState {
  /** Per symbol: [symbol, last update id, frames sent, frames skipped]. */
  symbols: [string, number, number, number][];
  /** Depth frames sent. */
  frames: number;
  /** Ticks with frames. */
  ticks: number;
  /** The most frames of one tick. */
  maxTickFrames: number;
  /** Bytes handed to sockets. */
  bytes: number;
  /** Build time of the ticks, ns. */
  buildNsSum: number;
  /** The simulator process's CPU, µs. */
  cpuUserUs: number;
  /** See `cpuUserUs`. */
  cpuSystemUs: number;
  /** REST depth answers per symbol. */
  snapshots: Record<string, number>;
}

/** The simulator child process. */
export class SimChild {
  /** `taskset -c 0` used, or why not. */
  readonly pinned: string;
  readonly #proc: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  /** REST / control base URL. */
  readonly base: string;
  /** WebSocket base URL. */
  readonly wsBase: string;

  private constructor(proc: Deno.ChildProcess, port: number, pinned: string) {
    this.#proc = proc;
    this.#stdin = proc.stdin.getWriter();
    this.base = `http://127.0.0.1:${port}`;
    this.wsBase = `ws://127.0.0.1:${port}`;
    this.pinned = pinned;
  }

  /** Start `bench/_multi_sim_child.ts` with `args`; resolves once it listens (30 s deadline). */
  static async start(args: string[]): Promise<SimChild> {
    const child = new URL("./_multi_sim_child.ts", import.meta.url).pathname;
    const deno = [Deno.execPath(), "run", "--allow-net=127.0.0.1", child, ...args];
    let pinned = "simulator pinned with taskset -c 0";
    let cmd = new Deno.Command("taskset", { args: ["-c", "0", ...deno], stdin: "piped", stdout: "piped" });
    let proc: Deno.ChildProcess;
    try {
      proc = cmd.spawn();
    } catch {
      pinned = "simulator NOT pinned (no taskset)";
      cmd = new Deno.Command(deno[0]!, { args: deno.slice(1), stdin: "piped", stdout: "piped" });
      proc = cmd.spawn();
    }
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const timer = setTimeout(() => proc.kill(), 30_000);
    try {
      while (!text.includes("\n")) {
        const r = await reader.read();
        if (r.done) throw new Error("the simulator exited before listening");
        text += r.value;
      }
    } finally {
      clearTimeout(timer);
    }
    reader.releaseLock();
    proc.stdout.cancel().catch(() => {});
    const port = JSON.parse(text.slice(0, text.indexOf("\n"))).port as number;
    return new SimChild(proc, port, pinned);
  }

  /** `/sim/state`. */
  async state(): Promise<SimState> {
    return await (await fetch(`${this.base}/sim/state`)).json();
  }
  /** Pause (true) or resume producing. */
  async pause(on: boolean): Promise<void> {
    await (await fetch(`${this.base}/sim/pause?on=${on ? 1 : 0}`, { method: "POST" })).text();
  }
  /** Arm `skip_update` on `symbol`. */
  async skip(symbol: string): Promise<void> {
    const r = await fetch(`${this.base}/sim/fault?kind=skip_update&symbol=${symbol}`, { method: "POST" });
    if (!r.ok) throw new Error(`fault: ${r.status} ${await r.text()}`);
    await r.body?.cancel();
  }
  /** Stop the child (closing its stdin ends it) and wait for it (10 s, then kill). */
  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => this.#proc.kill("SIGKILL"), 10_000);
    await this.#proc.status;
    clearTimeout(timer);
  }
}
