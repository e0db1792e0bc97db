/**
 * `snapshotBudget`: the {@linkcode SnapshotScheduler} that many symbols share — `budgetFraction`
 * of the venue's `REQUEST_WEIGHT` per minute (from `exchangeInfo`), spent evenly: one request
 * every `60 s × weight / budget` (never a burst that lands a request in the venue's next
 * calendar minute), besides the scheduler's sliding 60 s window, `X-MBX-USED-WEIGHT-1M`, 429 and
 * 418 rules. Pure: no I/O, no timers.
 * @module
 */
import { SnapshotScheduler, type SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";

/** Default share of the venue's budget: room for `exchangeInfo` and a request charged in the next minute. */
export const DEFAULT_BUDGET_FRACTION = 0.95;

/**
 * The evenly paced scheduler of depth `limit` under `weightPerMinute` × `fraction`; `more` sets
 * the request's `weight` (USD-M: `usdmDepthWeight`; default the spot table) and the 429/418 waits.
 */
export function snapshotBudget(
  limit: number,
  weightPerMinute: number,
  fraction = DEFAULT_BUDGET_FRACTION,
  more: Pick<SnapshotSchedulerOptions, "weight" | "banMinMs" | "defaultRetryAfterMs"> = {},
): SnapshotScheduler {
  const o = { ...more, limit, weightPerMinute, budgetFraction: fraction };
  const probe = new SnapshotScheduler(o);
  const minIntervalMs = (60_000 * probe.weight) / probe.budget;
  return new SnapshotScheduler({ ...o, minIntervalMs });
}
