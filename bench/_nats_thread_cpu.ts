/**
 * Private: CPU time of this process's threads over a benchmark run (Linux `/proc/self/task/<tid>/
 * schedstat`, ns), grouped as the main thread (`deno`), Workers (`worker-<n>`) and the rest. A
 * cost per message that a loaded machine does not change much (unlike a rate): the time the
 * publisher Worker's thread ran, divided by the messages. Threads are sampled every 20 ms and at
 * the end, so a Worker that exits before the end still counts (up to its last sample).
 * @module
 */

/** CPU ns by thread group. */
export interface ThreadCpu {
  /** The main thread. */
  main: number;
  /** Every Worker thread. */
  workers: number;
  /** The other threads (runtime, V8 helpers). */
  other: number;
}

function group(tid: string): keyof ThreadCpu {
  let comm = "";
  try {
    comm = Deno.readTextFileSync(`/proc/self/task/${tid}/comm`).trim();
  } catch { /* gone */ }
  return comm === "deno" ? "main" : comm.startsWith("worker-") ? "workers" : "other";
}

function sample(into: Map<string, { g: keyof ThreadCpu; ns: number; base: number }>): void {
  for (const e of Deno.readDirSync("/proc/self/task")) {
    let ns: number;
    try {
      ns = Number(Deno.readTextFileSync(`/proc/self/task/${e.name}/schedstat`).split(" ")[0]);
    } catch {
      continue; // exited meanwhile
    }
    const t = into.get(e.name);
    if (t) t.ns = ns;
    else into.set(e.name, { g: group(e.name), ns, base: ns });
  }
}

/** Start measuring; the returned function stops and gives the CPU ns since, by group. */
export function threadCpu(): () => ThreadCpu {
  const seen = new Map<string, { g: keyof ThreadCpu; ns: number; base: number }>();
  sample(seen);
  const known = new Set(seen.keys());
  const timer = setInterval(() => sample(seen), 20);
  return () => {
    clearInterval(timer);
    sample(seen);
    const out: ThreadCpu = { main: 0, workers: 0, other: 0 };
    // A thread that existed at the start counts from then; a new one from its birth.
    for (const [tid, t] of seen) out[t.g] += t.ns - (known.has(tid) ? t.base : 0);
    return out;
  };
}
