/**
 * CPU pinning. Two mechanisms:
 * - `taskset` (util-linux): {@linkcode pinProcess} re-pins every thread of this process to
 *   one CPU (`taskset -a -p -c N <pid>`, the same as starting under `taskset -c N`) and reads
 *   back the CPU list in force. Needs `--allow-run=taskset`.
 * - FFI `sched_setaffinity(0, …)` from libc: {@linkcode pinCurrentThread} pins only the calling
 *   thread, so the engine thread and the logger Worker can each take their own core. Needs
 *   `--allow-ffi`.
 * @module
 */

/** Outcome of a pinning attempt. */
export interface PinResult {
  /** True when the affinity was set. */
  ok: boolean;
  /** The CPU list in force afterwards, as taskset prints it (e.g. "0"), when known. */
  cpus?: string;
  /** Why it failed. */
  error?: string;
  /** True when it failed because the CPU does not exist or may not be used here. */
  invalidCpu?: boolean;
}

/** The core asked for by `--core` or else `HFT_CORE`; undefined when neither is set. */
export function resolveCore(flag: number | undefined, env: string | undefined): number | undefined {
  if (flag !== undefined) return flag;
  if (env === undefined || env === "") return undefined;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`HFT_CORE must be a CPU number, got "${env}"`);
  return n;
}

async function taskset(args: string[]): Promise<{ ok: boolean; out: string }> {
  const out = await new Deno.Command("taskset", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.success ? out.stdout : out.stderr).trim();
  return { ok: out.success, out: text };
}

/** Pin every thread of this process to `core` with taskset and report the CPU list in force. */
export async function pinProcess(core: number): Promise<PinResult> {
  try {
    const set = await taskset(["-a", "-p", "-c", String(core), String(Deno.pid)]);
    if (!set.ok) return { ok: false, error: set.out, invalidCpu: /Invalid argument/i.test(set.out) };
    const cpus = await currentCpuList();
    return cpus === undefined ? { ok: true } : { ok: true, cpus };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, error: "taskset not found on this machine" };
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The CPU list this process may run on, per `taskset -c -p`. Undefined when unknown. */
export async function currentCpuList(): Promise<string | undefined> {
  try {
    const r = await taskset(["-c", "-p", String(Deno.pid)]);
    const m = /list:\s*(\S+)/.exec(r.out);
    return r.ok && m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

interface Libc {
  symbols: { sched_setaffinity(pid: number, size: bigint, mask: Uint8Array): number };
  close(): void;
}

function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/** Pin the calling thread (main or Worker) to `core` via libc `sched_setaffinity`. */
export function pinCurrentThread(core: number): PinResult {
  if (Deno.build.os !== "linux") return { ok: false, error: "sched_setaffinity is Linux-only" };
  if (!ffiGranted()) return { ok: false, error: "--allow-ffi not granted" };
  if (!Number.isInteger(core) || core < 0 || core >= 1024) return { ok: false, error: `bad core ${core}` };
  let lib: Libc | undefined;
  try {
    lib = Deno.dlopen("libc.so.6", {
      sched_setaffinity: { parameters: ["i32", "usize", "buffer"], result: "i32" },
    }) as unknown as Libc;
    const mask = new Uint8Array(128);
    mask[core >> 3] = 1 << (core & 7);
    const rc = lib.symbols.sched_setaffinity(0, 128n, mask);
    return rc === 0
      ? { ok: true, cpus: String(core) }
      : { ok: false, error: `sched_setaffinity returned ${rc}` };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    lib?.close();
  }
}
