/**
 * Fill-versus-cancel accuracy against ground truth (e.g. the synthetic market's order events:
 * `{"u":…,"E":…,"kind":"add"|"cancel"|"fill","side":"bid"|"ask","price":"…","qty":"…","orderId":n}`).
 *
 * Method: the inferred Fill and Cancel quantities are summed per (depth update, side, price);
 * each ground-truth event is assigned to the applied depth update whose `[U, u]` holds its `u`,
 * and its fills and cancels are summed the same way. The scored keys are those where replay saw a
 * decrease AND the truth has a fill or cancel; both shares are over exactly these keys:
 * - quantity share = Σ (min(inferred fill, true fill) + min(inferred cancel, true cancel)) / Σ decrease;
 * - key share = keys whose majority label (fill when fills are at least half) matches the truth's.
 * A replay decrease the truth has no fill or cancel for is not a decrease (a level pushed out of a
 * level-1 view: LOBSTER's "out of view") and is reported apart (`extraKeys`); fill precision still
 * counts fills inferred there as wrong. On the LOBSTER fixture (one message per update) this equals
 * `../shared/tools/score_l3.py`'s accuracy, precision and recall. Truth events in updates replay
 * did not apply (before the first sync, inside a gap) are ignored; see {@linkcode truthMismatch}.
 * Off the hot path: allocates (maps keyed by strings).
 * @module
 */
import { parseFixed } from "../venues/decimal.ts";
import { LineReader } from "./lines.ts";
import { type EventSink, FIXED_DECIMALS, type InferredEvent, InferredKind, Side } from "./schema.ts";

const TRUTH_KINDS = ["add", "cancel", "fill"];

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
    // The truth is read at 10^-8: bring the event's integers (at the capture's scale) there.
    const price = ev.price * 10 ** (FIXED_DECIMALS - ev.priceDecimals);
    const qty = ev.qty * 10 ** (FIXED_DECIMALS - ev.qtyDecimals);
    addSplit(this.decreases, `${ev.updateId}|${ev.side}|${price}`, ev.kind === InferredKind.Fill, qty);
  }
}

function addSplit(m: Map<string, Split>, key: string, fill: boolean, qty: number): void {
  let s = m.get(key);
  if (!s) m.set(key, s = { fill: 0, cancel: 0 });
  if (fill) s.fill += qty;
  else s.cancel += qty;
}

/**
 * Read a ground-truth JSONL file (`truth_events.jsonl` form). Throws `SyntaxError`/`TypeError`
 * naming the bad line; an empty file or one that cannot be read whole is an error too.
 */
export async function loadTruth(path: string): Promise<TruthEvent[]> {
  const r = await LineReader.open(path);
  const out: TruthEvent[] = [];
  try {
    while (await r.nextLine()) {
      if (r.end === r.start) continue;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(r.text());
      } catch {
        throw new SyntaxError(`line ${r.lineNo}: not JSON: ${r.text().slice(0, 80)}`);
      }
      const price = parseFixed(String(o?.price), FIXED_DECIMALS);
      const qty = parseFixed(String(o?.qty), FIXED_DECIMALS);
      if (
        typeof o?.u !== "number" || Number.isNaN(price) || Number.isNaN(qty) ||
        !TRUTH_KINDS.includes(String(o.kind)) || (o.side !== "bid" && o.side !== "ask")
      ) {
        throw new TypeError(
          `line ${r.lineNo}: not a truth event {"u","kind":"add"|"cancel"|"fill","side":"bid"|"ask","price","qty"}`,
        );
      }
      out.push({ u: o.u, kind: String(o.kind), side: o.side === "ask" ? Side.Ask : Side.Bid, price, qty });
    }
  } finally {
    await r.close();
  }
  if (r.error) throw new TypeError(`read error after line ${r.lineNo}: ${r.error}`);
  if (r.truncatedBytes > 0) throw new TypeError(`last line truncated (${r.truncatedBytes} bytes)`);
  if (out.length === 0) throw new TypeError("no truth events (empty file)");
  return out;
}

/** The accuracy of one replay. */
export interface AccuracyScore {
  /** Scored keys: (update, side, price) where replay saw a decrease and the truth a fill or cancel. */
  keys: number;
  /** Scored keys whose majority label (fill when fills are at least half) matched the truth's. */
  keysCorrect: number;
  /** Decrease quantity of the scored keys, lots. */
  qty: number;
  /** Of it, the quantity classified correctly, lots. */
  qtyCorrect: number;
  /** qtyCorrect / qty (NaN when no key). */
  qtyShare: number;
  /** keysCorrect / keys. */
  keyShare: number;
  /** Share of the scored quantity the truth calls fills (the base rate; all-cancel scores 1 minus it). */
  trueFillShare: number;
  /** Of the true fill quantity, the share inferred as fills. */
  fillRecall: number;
  /** Of ALL the inferred fill quantity (unscored keys included), the share that truly filled. */
  fillPrecision: number;
  /** Replay decreases the truth has no fill or cancel for (e.g. a level pushed out of view): not scored. */
  extraKeys: number;
  /** Their quantity, lots. */
  extraQty: number;
  /** Truth keys in applied updates where replay saw no decrease (e.g. netted by an add in the same batch). */
  missingKeys: number;
  /** Truth fill/cancel events in applied updates. */
  truthEvents: number;
}

/** Score the collected inference against `truth` (see the module contract). */
export function scoreAccuracy(c: AccuracyCollector, truth: readonly TruthEvent[]): AccuracyScore {
  const t = new Map<string, Split>();
  let truthEvents = 0;
  for (const e of truth) {
    if (e.kind !== "fill" && e.kind !== "cancel") continue;
    const b = c.batchOf(e.u);
    if (Number.isNaN(b)) continue;
    truthEvents++;
    addSplit(t, `${b}|${e.side}|${e.price}`, e.kind === "fill", e.qty);
  }
  let keys = 0, keysCorrect = 0, qty = 0, qtyCorrect = 0, trueFill = 0, infFillQty = 0, fillHit = 0;
  let extraKeys = 0, extraQty = 0;
  for (const [key, inf] of c.decreases) {
    const d = inf.fill + inf.cancel;
    infFillQty += inf.fill;
    const tr = t.get(key);
    if (tr === undefined) {
      extraKeys++;
      extraQty += d;
      continue;
    }
    keys++;
    qty += d;
    qtyCorrect += Math.min(inf.fill, tr.fill) + Math.min(inf.cancel, tr.cancel);
    trueFill += Math.min(tr.fill, d);
    fillHit += Math.min(inf.fill, tr.fill);
    if ((inf.fill * 2 >= d) === (tr.fill * 2 >= tr.fill + tr.cancel)) keysCorrect++;
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
    extraKeys,
    extraQty,
    missingKeys: t.size - keys,
    truthEvents,
  };
}

/**
 * Why `s` is no score (one line), or undefined when it is one: the truth has no fill or cancel
 * in the replayed updates, or fewer than half of its decreases are decreases replay saw (a truth
 * file of another capture).
 */
export function truthMismatch(s: AccuracyScore): string | undefined {
  if (s.truthEvents === 0) {
    return "no fill or cancel event falls in a replayed update (a truth file of another capture?)";
  }
  if (s.keys * 2 < s.keys + s.missingKeys) {
    return `only ${s.keys} of its ${s.keys + s.missingKeys} decreases are decreases the replay saw ` +
      `(a truth file of another capture?)`;
  }
  return undefined;
}

function pct(x: number): string {
  return Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(2)}%`;
}

/** The accuracy report lines for stderr (either score may be missing). */
export function formatAccuracy(withTrades?: AccuracyScore, withoutTrades?: AccuracyScore): string {
  const line = (name: string, s?: AccuracyScore) =>
    s
      ? `accuracy ${name}: ${pct(s.qtyShare)} of decrease quantity and ${pct(s.keyShare)} of the same ` +
        `${s.keys} level decreases classified correctly as fill/cancel (all-cancel baseline ` +
        `${pct(1 - s.trueFillShare)}; fill recall ${pct(s.fillRecall)}, fill precision ${
          pct(s.fillPrecision)
        }; ` +
        `${s.extraKeys} decreases with no true fill/cancel not scored)`
      : `accuracy ${name}: n/a (no trades file)`;
  return [line("with trades", withTrades), line("without trades", withoutTrades)].join("\n");
}
