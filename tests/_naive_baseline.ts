/**
 * Test helper: the naive same-ms baseline of `../shared/tools/score_l3.py`, in TS, over the same
 * keys as `replay/accuracy.ts`: a decrease is filled by as much trade quantity as printed in the
 * SAME millisecond (trade `T` == the update's `E`) at the same price and side, each trade used
 * once, keys in update order. Off the hot path: allocates freely.
 * @module
 */
import { parseFixed } from "../venues/decimal.ts";
import { type AccuracyCollector, type TruthEvent } from "../replay/accuracy.ts";
import { type EventSink, FIXED_DECIMALS, type InferredEvent, InferredKind } from "../replay/schema.ts";

/** Records each update's event time `E` (from the events) and every decrease key, in order. */
export class UpdateTimes implements EventSink {
  /** Update id → E. */
  readonly e = new Map<number, number>();
  /** Decrease keys `u|side|price` in event order. */
  readonly order: string[] = [];
  write(ev: InferredEvent): void {
    this.e.set(ev.updateId, ev.eventTimeMs);
    if (ev.kind !== InferredKind.Fill && ev.kind !== InferredKind.Cancel) return;
    const k = `${ev.updateId}|${ev.side}|${ev.price}`;
    if (this.order.at(-1) !== k) this.order.push(k);
  }
}

/** Quantity classified right by the naive same-ms match over the scored keys, and the fill hits. */
export async function naiveSameMs(
  tradesPath: string,
  c: AccuracyCollector,
  times: UpdateTimes,
  truth: readonly TruthEvent[],
): Promise<{ correct: number; fillHit: number; fills: number }> {
  const pool = new Map<string, number>();
  for (const line of (await Deno.readTextFile(tradesPath)).split("\n")) {
    if (line === "") continue;
    const o = JSON.parse(line);
    const t = o.data ?? o;
    const k = `${t.T}|${t.m ? 0 : 1}|${parseFixed(String(t.p), FIXED_DECIMALS)}`;
    pool.set(k, (pool.get(k) ?? 0) + parseFixed(String(t.q), FIXED_DECIMALS));
  }
  const tr = new Map<string, { fill: number; cancel: number }>();
  for (const e of truth) {
    if (e.kind !== "fill" && e.kind !== "cancel") continue;
    const b = c.batchOf(e.u);
    if (Number.isNaN(b)) continue;
    const k = `${b}|${e.side}|${e.price}`;
    const s = tr.get(k) ?? { fill: 0, cancel: 0 };
    if (e.kind === "fill") s.fill += e.qty;
    else s.cancel += e.qty;
    tr.set(k, s);
  }
  let correct = 0, fillHit = 0, fills = 0;
  for (const key of times.order) {
    const t = tr.get(key);
    const inf = c.decreases.get(key);
    if (t === undefined || inf === undefined) continue; // not scored (see accuracy.ts)
    const d = inf.fill + inf.cancel;
    const [u, side, price] = key.split("|");
    const pk = `${times.e.get(Number(u))}|${side}|${price}`;
    const f = Math.min(d, pool.get(pk) ?? 0);
    if (f > 0) pool.set(pk, pool.get(pk)! - f);
    correct += Math.min(f, t.fill) + Math.min(d - f, t.cancel);
    fillHit += Math.min(f, t.fill);
    fills += f;
  }
  return { correct, fillHit, fills };
}
