/**
 * Benchmark-only helper: pin the calling thread to one CPU with `sched_setaffinity` via FFI
 * (Linux, `--allow-ffi`). Returns false instead of throwing when pinning is unavailable, so a
 * benchmark can run unpinned and say so.
 * @module
 */

/** True when this process was granted `--allow-ffi` (checked without prompting). */
export function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Pin the calling thread (main thread or Worker) to `cpu`. Opens libc once per call (the
 * benchmarks call it once per thread). Returns true on success.
 */
export function pinThisThread(cpu: number): boolean {
  if (!ffiGranted() || Deno.build.os !== "linux") return false;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;
  try {
    lib = Deno.dlopen("libc.so.6", SYMBOLS);
    const mask = new Uint8Array(128);
    mask[cpu >> 3] = 1 << (cpu & 7);
    // pid 0 = the calling thread.
    const rc = lib.symbols.sched_setaffinity(0, 128n, mask);
    return rc === 0;
  } catch {
    return false;
  } finally {
    lib?.close();
  }
}

/** The CPU the calling thread runs on now, or -1 when unknown. */
export function currentCpu(): number {
  if (!ffiGranted() || Deno.build.os !== "linux") return -1;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;
  try {
    lib = Deno.dlopen("libc.so.6", SYMBOLS);
    return lib.symbols.sched_getcpu();
  } catch {
    return -1;
  } finally {
    lib?.close();
  }
}

const SYMBOLS = {
  sched_setaffinity: { parameters: ["i32", "usize", "buffer"], result: "i32" },
  sched_getcpu: { parameters: [], result: "i32" },
} as const;
