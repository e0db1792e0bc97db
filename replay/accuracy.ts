/**
 * Fill-versus-cancel accuracy against ground truth (e.g. the synthetic market's order events:
 * `{"u":…,"E":…,"kind":"add"|"cancel"|"fill","side":"bid"|"ask","price":"…","qty":"…","orderId":n}`).
 *
 * Method: the inferred Fill and Cancel quantities are summed per (depth update, side, price);
 * each ground-truth event is assigned to the applied depth update whose `[U, u]` holds its `u`,
 * and its fills and cancels are summed the same way. Over every key where replay saw a decrease:
 * - quantity share = Σ (min(inferred fill, true fill) + min(inferred cancel, true cancel)) / Σ decrease;
 * - key share = keys whose majority label (fill when fills are at least half) matches the truth's.
 * Truth events in updates replay did not apply (before the first sync, inside a gap) are ignored.
 * Off the hot path: allocates (maps keyed by strings).
 * @module
 */
import { parseFixed } from "../venues/decimal.ts";
import { LineReader } from "./lines.ts";
import { type EventSink, FIXED_DECIMALS, type InferredEvent, InferredKind, Side } from "./schema.ts";

/** One ground-truth order event. */
export interface TruthEvent {
  /** Update id of the event. */
  u: number;
  /** "add", "cancel" or "fill". */
  kind: string;
  /** Side. */
  side: Side;
  /** Price × 10^8. */
  price: number;
  /** Quantity × 10^8. */
  qty: number;
}

interface Split {
  fill: number;
  cancel: number;
}

/** Collects inferred fills and cancels per (update, side, price), and the applied update ranges. */
export class AccuracyCollector implements EventSink {
  /** Per key `u|side|price`. */
  readonly decreases = new Map<string, Split>();
  #first: number[] = [];
  #last: number[] = [];

  /** Record an applied depth update `[U, u]` (in order). */
  batch(firstId: number, lastId: number): void {
    this.#first.push(firstId);
    this.#last.push(lastId);
  }

  /** The applied update whose `[U, u]` holds `id`: its `u`, or NaN. */
  batchOf(id: number): number {
    const last = this.#last;
    let lo = 0;
    let hi = last.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (last[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < last.length && this.#first[lo]! <= id ? last[lo]! : NaN;
  }

  /** Take an event. */
  write(ev: InferredEvent): void {
    if (ev.kind !== InferredKind.Fill && ev.kind !== InferredKind.Cancel) return;
    addSplit(this.decreases, `${ev.updateId}|${ev.side}|${ev.price}`, ev.kind === InferredKind.Fill, ev.qty);
  }
}

function addSplit(m: Map<string, Split>, key: string, fill: boolean, qty: number): void {
  let s = m.get(key);
  if (!s) m.set(key, s = { fill: 0, cancel: 0 });
  if (fill) s.fill += qty;
  else s.cancel += qty;
}

/** Read a ground-truth JSONL file. Throws `SyntaxError`/`TypeError` naming the bad line. */
export async function loadTruth(path: string): Promise<TruthEvent[]> {
  const r = await LineReader.open(path);
  const out: TruthEvent[] = [];
  try {
    while (await r.nextLine()) {
      if (r.end === r.start) continue;
      const o = JSON.parse(r.text()) as Record<string, unknown>;
      const price = parseFixed(String(o.price), FIXED_DECIMALS);
      const qty = parseFixed(String(o.qty), FIXED_DECIMALS);
      if (typeof o.u !== "number" || Number.isNaN(price) || Number.isNaN(qty)) {
        throw new TypeError(`line ${r.lineNo}: needs numeric u and decimal price/qty`);
      }
      out.push({ u: o.u, kind: String(o.kind), side: o.side === "ask" ? Side.Ask : Side.Bid, price, qty });
    }
  } finally {
    await r.close();
  }
  return out;
}

/** The accuracy of one replay. */
export interface AccuracyScore {
  /** Keys (update, side, price) where replay saw a decrease. */
  keys: number;
  /** Keys whose majority label matched the truth. */
  keysCorrect: number;
  /** Decrease quantity, lots. */
  qty: number;
  /** Decrease quantity classified correctly, lots. */
  qtyCorrect: number;
  /** qtyCorrect / qty (NaN when no decrease). */
  qtyShare: number;
  /** keysCorrect / keys. */
  keyShare: number;
  /** Share of the decrease quantity the truth calls fills (the base rate). */
  trueFillShare: number;
  /** Of the true fill quantity, the share inferred as fills. */
  fillRecall: number;
  /** Of the inferred fill quantity, the share that truly filled. */
  fillPrecision: number;
}

/** Score the collected inference against `truth`. */
export function scoreAccuracy(c: AccuracyCollector, truth: readonly TruthEvent[]): AccuracyScore {
  const t = new Map<string, Split>();
  for (const e of truth) {
    if (e.kind !== "fill" && e.kind !== "cancel") continue;
    const b = c.batchOf(e.u);
    if (Number.isNaN(b)) continue;
    addSplit(t, `${b}|${e.side}|${e.price}`, e.kind === "fill", e.qty);
  }
  let keys = 0, keysCorrect = 0, qty = 0, qtyCorrect = 0, trueFill = 0, infFillQty = 0, fillHit = 0;
  for (const [key, inf] of c.decreases) {
    const tr = t.get(key) ?? { fill: 0, cancel: 0 };
    keys++;
    const d = inf.fill + inf.cancel;
    qty += d;
    qtyCorrect += Math.min(inf.fill, tr.fill) + Math.min(inf.cancel, tr.cancel);
    trueFill += Math.min(tr.fill, d);
    infFillQty += inf.fill;
    fillHit += Math.min(inf.fill, tr.fill);
    const infFill = inf.fill * 2 >= d;
    const trFill = tr.fill * 2 >= tr.fill + tr.cancel && tr.fill > 0;
    if (infFill === trFill) keysCorrect++;
  }
  return {
    keys,
    keysCorrect,
    qty,
    qtyCorrect,
    qtyShare: qty > 0 ? qtyCorrect / qty : NaN,
    keyShare: keys > 0 ? keysCorrect / keys : NaN,
    trueFillShare: qty > 0 ? trueFill / qty : NaN,
    fillRecall: trueFill > 0 ? fillHit / trueFill : NaN,
    fillPrecision: infFillQty > 0 ? fillHit / infFillQty : NaN,
  };
}

function pct(x: number): string {
  return Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(1)}%`;
}

/** The accuracy report lines for stderr (either score may be missing). */
export function formatAccuracy(withTrades?: AccuracyScore, withoutTrades?: AccuracyScore): string {
  const line = (name: string, s?: AccuracyScore) =>
    s
      ? `accuracy ${name}: ${pct(s.qtyShare)} of decrease quantity and ${pct(s.keyShare)} of ${s.keys} ` +
        `level decreases classified correctly as fill/cancel (true fill share ${pct(s.trueFillShare)}, ` +
        `fill recall ${pct(s.fillRecall)}, fill precision ${pct(s.fillPrecision)})`
      : `accuracy ${name}: n/a (no trades file)`;
  return [line("with trades", withTrades), line("without trades", withoutTrades)].join("\n");
}
