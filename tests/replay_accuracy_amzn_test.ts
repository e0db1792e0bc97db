/**
 * Fill/cancel accuracy on real order-level truth: the Nasdaq AMZN level-1 fixture
 * (`../shared/fixtures/lobster-amzn-l1-20120621`, read in place). The figures are pinned exactly,
 * as the project's scorer (`replay/accuracy.ts`) computes them; they equal what
 * `python3 ../shared/tools/score_l3.py` prints for the same events (README, replay accuracy).
 * Quantities are lots (shares × 10^8).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { AccuracyCollector, type AccuracyScore, loadTruth, scoreAccuracy } from "../replay/accuracy.ts";
import { TeeSink } from "../replay/summary.ts";
import type { EventSink, InferredEvent } from "../replay/schema.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

const DIR = new URL("../../shared/fixtures/lobster-amzn-l1-20120621/", import.meta.url).pathname;
const present = (() => {
  try {
    Deno.statSync(DIR + "truth_events.jsonl");
    return true;
  } catch {
    console.warn(`SKIP: fixture ${DIR} is absent`);
    return false;
  }
})();

const LOT = 1e8;
const DECREASE = 2_280_757 * LOT; // truth.jsonl: 27,225 decreases
const TRUE_FILL = 613_248 * LOT;
const NAIVE_SAME_MS = 2_273_905 * LOT; // score_l3.py's trade-matched baseline, correct quantity (99.70%)

/** Forwards events of updates below `mid` to `lo`, the rest to `hi`. */
class SplitSink implements EventSink {
  constructor(readonly mid: number, readonly lo: EventSink, readonly hi: EventSink) {}
  write(ev: InferredEvent): void {
    (ev.updateId < this.mid ? this.lo : this.hi).write(ev);
  }
}

async function score(useTrades: boolean, mid = Infinity): Promise<AccuracyScore[]> {
  const files = await resolveSession(DIR);
  const truth = await loadTruth(DIR + "truth_events.jsonl");
  const a = new AccuracyCollector();
  const b = new AccuracyCollector();
  const check = new RebuildingSink();
  const stats = await replayCapture(files, {
    sink: new TeeSink(new SplitSink(mid, a, b), check),
    useTrades,
    onApplied: (U, u) => (a.batch(U, u), b.batch(U, u)),
  });
  // The fixture has no receive-time files (LOBSTER gives exchange times only): that warning alone.
  deepEqual(
    stats.warnings.map((w) => w.startsWith("no receive-time file")),
    [true],
    stats.warnings.join("; "),
  );
  equal(stats.applied, 55_070);
  // The level quantities the events carry rebuild the book (checked after every event too).
  equal(check.book.bids.bestPrice(), 220.51 * LOT);
  equal(check.book.bids.bestQty(), 249 * LOT);
  equal(check.book.asks.bestPrice(), 220.64 * LOT);
  equal(check.book.asks.bestQty(), 100 * LOT);
  return [scoreAccuracy(a, truth), scoreAccuracy(b, truth)];
}

Deno.test({
  name: "AMZN with trades: 99.83% of the decreased quantity, above the naive same-ms match (99.70%)",
  ignore: !present,
  async fn() {
    const [s] = await score(true);
    equal(s!.keys, 27_225);
    equal(s!.qty, DECREASE);
    equal(s!.qtyCorrect, 2_276_957 * LOT); // 99.83%
    equal(s!.keysCorrect, 27_187); // 99.86%, over the same keys
    equal(s!.trueFillShare, TRUE_FILL / DECREASE);
    equal(s!.fillRecall, (611_348 * LOT) / TRUE_FILL); // 99.69%
    equal(s!.fillPrecision, (611_348 * LOT) / (613_248 * LOT));
    equal(s!.extraKeys, 13_604, "levels pushed out of view are not decreases");
    equal(s!.missingKeys, 0);
    ok(s!.qtyCorrect > NAIVE_SAME_MS);
  },
});

Deno.test({
  name: "AMZN without trades: 75.62%, above all-cancel (73.11%), on each half of the day",
  ignore: !present,
  async fn() {
    const [s] = await score(false);
    equal(s!.qtyCorrect, 1_724_728 * LOT); // 75.62%
    equal(s!.keysCorrect, 19_344);
    equal(s!.fillPrecision, (87_353 * LOT) / (117_487 * LOT)); // 74.35%
    ok(s!.qtyCorrect > DECREASE - TRUE_FILL, "beats labelling every decrease a cancel");
    // The model has no fitted constants; its rules were read off the whole day, so check that each
    // half beats its own all-cancel baseline.
    for (const h of await score(false, 28_535)) {
      ok(h.keys > 13_000);
      ok(h.qtyCorrect > h.qty * (1 - h.trueFillShare), `half: ${h.qtyShare} vs ${1 - h.trueFillShare}`);
    }
  },
});
