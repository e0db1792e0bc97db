import assert from "node:assert/strict";
import { snapshotBudget } from "./snapshot_budget.ts";
import { SnapshotOrder } from "./snapshot_order.ts";

// A warm-up of `n` symbols on a fake clock: the scheduler and the order of the many-symbol handler
// against a venue that answers 50 ms after each request, with `faults` by request number. Returns
// the request times and when each fault's answer came.
function warmUp(
  n: number,
  faults: Map<number, { status: number; retryAfterS: number }>,
  banMinMs?: number,
): { sent: number[]; faultAt: Map<number, number>; ok: number } {
  const sched = snapshotBudget(1000, 6000, 0.95, banMinMs !== undefined ? { banMinMs } : {});
  const order = new SnapshotOrder(n);
  for (let i = 0; i < n; i++) order.want(i);
  const sent: number[] = [];
  const faultAt = new Map<number, number>();
  let now = 0;
  let ok = 0;
  for (let guard = 0; order.length > 0 && guard < 10_000; guard++) {
    const at = sched.nextAllowedNs(now);
    if (at > now) {
      now = at;
      continue;
    }
    const i = order.next();
    sched.onRequest(now);
    sent.push(now);
    now += 50e6;
    const f = faults.get(sent.length);
    if (f === undefined) {
      sched.onResponse(now, 200, undefined, 50 * sent.length);
      ok++;
    } else {
      sched.onResponse(now, f.status, f.retryAfterS);
      faultAt.set(sent.length, now);
      order.want(i); // asked again after the wait
    }
  }
  return { sent, faultAt, ok };
}

Deno.test("snapshotBudget honours 429 Retry-After and a 418 ban: no request during either, the warm-up resumes after", () => {
  const faults = new Map([[3, { status: 429, retryAfterS: 5 }], [6, { status: 418, retryAfterS: 30 }]]);
  const { sent, faultAt, ok } = warmUp(20, faults);
  assert.equal(ok, 20, "every symbol got its snapshot");
  const t429 = faultAt.get(3)!;
  const t418 = faultAt.get(6)!;
  assert.ok(sent.every((t) => t < t429 || t >= t429 + 5e9), "nothing within Retry-After of the 429");
  assert.equal(sent[3], t429 + 5e9, "resumes when Retry-After ends");
  // 418: Retry-After 30 s, but a ban lasts at least 2 minutes (the default banMinMs).
  assert.ok(sent.every((t) => t < t418 || t >= t418 + 120e9), "nothing during the ban");
  assert.equal(sent[6], t418 + 120e9, "resumes when the ban ends");
  assert.equal(sent.length, 22);
});

Deno.test("snapshotBudget: a 418 ban lasts the longer of its Retry-After and banMinMs", () => {
  const long = warmUp(5, new Map([[1, { status: 418, retryAfterS: 300 }]]));
  assert.equal(long.sent[1], long.faultAt.get(1)! + 300e9);
  const short = warmUp(5, new Map([[1, { status: 418, retryAfterS: 1 }]]), 500);
  assert.equal(short.sent[1], short.faultAt.get(1)! + 1e9, "Retry-After when longer than banMinMs");
  assert.equal(short.ok, 5);
});
