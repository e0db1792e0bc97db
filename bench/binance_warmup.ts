/**
 * Warm-up of many Binance spot symbols under one REST weight budget, on a fake clock
 * (deterministic, no network): the handler's snapshot policy — `snapshotBudget` (even pacing in
 * `REQUEST_WEIGHT` × 0.95) with `SnapshotOrder` "priority" — against one FIFO queue under the
 * same budget, for `--symbols` symbols (default 500) at `--limit` (default 1000, weight 50)
 * under `--budget` weight per minute (default 6000).
 *
 * The venue is modelled as Binance counts: a calendar-minute weight window (the run starts 17 s
 * into a minute) charged when a request arrives (50 ms after it is sent; the answer 50 ms
 * later); over the limit → 429 with `Retry-After` to the next minute. Every symbol needs a
 * snapshot at t = 0. Scenario "clean": every snapshot bridges. Scenario "faults": every 10th
 * symbol's first snapshot is stale (asked again), and every 20 s until all are synchronized one
 * synchronized symbol gaps (it loses its book and needs a snapshot again).
 *
 * Reports: seconds until every symbol is synchronized vs the floor (`symbols × weight / budget`
 * minutes), until the first 10 %, the median symbol, the longest wait of a resync of an already
 * synchronized symbol, 429s; and a final JSON line.
 *
 * Run: `deno run bench/binance_warmup.ts [--symbols 500] [--limit 1000] [--budget 6000]`
 * @module
 */
import { parseArgs } from "node:util";
import { snapshotBudget } from "../venues/binance/snapshot_budget.ts";
import { SnapshotOrder, type SnapshotPolicy } from "../venues/binance/snapshot_order.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { symbols: { type: "string" }, limit: { type: "string" }, budget: { type: "string" } },
});
const N = Number(values.symbols ?? 500);
const LIMIT = Number(values.limit ?? 1000);
const BUDGET = Number(values.budget ?? 6000);
const MS = 1e6;
const HOP = 50 * MS; // one way
const MINUTE = 60_000 * MS;
const OFFSET = 17_000 * MS; // the run starts 17 s into a calendar minute

interface Result {
  scenario: string;
  policy: SnapshotPolicy;
  allS: number;
  tenthS: number;
  medianS: number;
  resyncMaxS: number;
  requests: number;
  rateLimited: number;
}

function run(policy: SnapshotPolicy, faults: boolean): Result {
  const sched = snapshotBudget(LIMIT, BUDGET);
  const order = new SnapshotOrder(N, policy);
  const syncedAt = new Float64Array(N).fill(NaN);
  const synced = new Uint8Array(N);
  const staleLeft = new Uint8Array(N).map((_, i) => (faults && i % 10 === 3 ? 1 : 0));
  const gapAt = new Float64Array(N).fill(NaN);
  const inFlight: { at: number; i: number; status: number; used: number; retry: number }[] = [];
  let minute = -1, used = 0, rateLimited = 0, requests = 0, everCount = 0, resyncMax = 0, gaps = 0;
  for (let i = 0; i < N; i++) order.want(i);
  let t = 0;
  let nextGap = faults ? 20_000 * MS : Infinity;
  while (everCount < N || order.length > 0 || inFlight.length > 0) {
    const send = order.length > 0 ? Math.max(t, sched.nextAllowedNs(t)) : Infinity;
    const answer = inFlight.length > 0 ? inFlight[0]!.at : Infinity;
    t = Math.min(send, answer, nextGap);
    if (t === nextGap) {
      const done = [...synced.keys()].filter((i) => synced[i] === 1);
      if (everCount >= N || done.length === 0) nextGap = Infinity;
      else {
        const i = done[(gaps++ * 37) % done.length]!;
        synced[i] = 0;
        gapAt[i] = t;
        order.want(i);
        nextGap += 20_000 * MS;
      }
    } else if (t === answer) {
      const a = inFlight.shift()!;
      sched.onResponse(t, a.status, a.status === 429 ? a.retry : undefined, a.used);
      if (a.status !== 200 || staleLeft[a.i]! > 0) {
        if (a.status === 200) staleLeft[a.i] = 0;
        order.want(a.i);
        continue;
      }
      synced[a.i] = 1;
      if (!Number.isNaN(gapAt[a.i]!)) resyncMax = Math.max(resyncMax, t - gapAt[a.i]!);
      if (Number.isNaN(syncedAt[a.i]!)) {
        syncedAt[a.i] = t;
        everCount++;
      }
    } else {
      const i = order.next();
      sched.onRequest(t);
      requests++;
      const arrive = t + HOP;
      const m = Math.floor((arrive + OFFSET) / MINUTE);
      if (m !== minute) (minute = m, used = 0);
      let status = 200;
      if (used + sched.weight > BUDGET) (status = 429, rateLimited++);
      else used += sched.weight;
      const retry = Math.ceil(((m + 1) * MINUTE - arrive - OFFSET) / 1e9);
      inFlight.push({ at: arrive + HOP, i, status, used, retry });
      inFlight.sort((x, y) => x.at - y.at);
    }
  }
  const times = [...syncedAt].sort((a, b) => a - b);
  return {
    scenario: faults ? "faults" : "clean",
    policy,
    allS: times[N - 1]! / 1e9,
    tenthS: times[Math.ceil(N / 10) - 1]! / 1e9,
    medianS: times[Math.floor(N / 2)]! / 1e9,
    resyncMaxS: resyncMax / 1e9,
    requests,
    rateLimited,
  };
}

const WEIGHT = snapshotBudget(LIMIT, BUDGET).weight;
const floorS = (N * WEIGHT * 60) / BUDGET;
const results: Result[] = [];
for (const faults of [false, true]) {
  for (const p of ["priority", "fifo"] as const) results.push(run(p, faults));
}
console.log(
  `${N} symbols, limit ${LIMIT} (weight ${WEIGHT}), budget ${BUDGET}/min; floor ${
    floorS.toFixed(1)
  } s (the handler spends 0.95 of it)`,
);
console.log(
  "scenario  policy    all synced (s)  ×floor  first 10% (s)  median (s)  resync max wait (s)  requests  429s",
);
for (const r of results) {
  console.log(
    `${r.scenario.padEnd(9)} ${r.policy.padEnd(9)} ${r.allS.toFixed(1).padStart(14)}  ${
      (r.allS / floorS).toFixed(2).padStart(6)
    }  ${r.tenthS.toFixed(1).padStart(13)}  ${r.medianS.toFixed(1).padStart(10)}  ${
      r.resyncMaxS.toFixed(1).padStart(19)
    }  ${String(r.requests).padStart(8)}  ${String(r.rateLimited).padStart(4)}`,
  );
}
console.log(JSON.stringify({ symbols: N, limit: LIMIT, budget: BUDGET, floorS, results }));
