/**
 * Fill/cancel accuracy against the synthetic market's ground truth (sim/binance/market.ts),
 * with and without trades, through the real replay path (files on disk, parse, sync, book, L3),
 * beside the two naive baselines. The simulator is seeded, so the figures are pinned exactly
 * (README, replay accuracy; quantities × 10^8).
 */
import { equal, ok } from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { AccuracyCollector, loadTruth, scoreAccuracy } from "../replay/accuracy.ts";
import { TeeSink } from "../replay/summary.ts";
import { RebuildingSink, writeSyntheticSession } from "./_replay_helpers.ts";
import { naiveSameMs, UpdateTimes } from "./_naive_baseline.ts";

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

Deno.test("simulator: fill/cancel accuracy with trades, without, and the naive baselines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session, truth } = await writeSyntheticSession(dir, 3000, 7);
    const files = await resolveSession(session);
    const events = await loadTruth(truth);
    const scores = [];
    let naive = { correct: 0, fillHit: 0, fills: 0 };
    for (const useTrades of [true, false]) {
      const c = new AccuracyCollector();
      const times = new UpdateTimes();
      const check = new RebuildingSink();
      const stats = await replayCapture(files, {
        sink: new TeeSink(new TeeSink(c, times), check),
        useTrades,
        onApplied: (U, u) => c.batch(U, u),
      });
      equal(stats.warnings.length, 0, stats.warnings.join("; "));
      equal(stats.snapshotsApplied, 1);
      ok(stats.applied > 2000);
      scores.push(scoreAccuracy(c, events));
      if (useTrades) naive = await naiveSameMs(files.trades!, c, times, events);
    }
    const [withT, without] = scores;
    const allCancel = 1 - withT!.trueFillShare;
    console.log(
      `simulator: with trades ${pct(withT!.qtyShare)} (fill P ${pct(withT!.fillPrecision)} R ` +
        `${pct(withT!.fillRecall)}), without ${pct(without!.qtyShare)} (P ${pct(without!.fillPrecision)} R ` +
        `${pct(without!.fillRecall)}); naive same-ms ${pct(naive.correct / withT!.qty)}, all-cancel ` +
        `${pct(allCancel)}; ${withT!.keys} decreases`,
    );
    equal(withT!.keys, 10_786);
    equal(withT!.qty, 1_305_989_000);
    equal(withT!.trueFillShare, 384_877_000 / 1_305_989_000); // all-cancel 70.53%
    equal(withT!.qtyCorrect, 1_305_989_000, "with trades: 100%");
    equal(withT!.fillRecall, 1);
    equal(withT!.fillPrecision, 1);
    equal(naive.correct, 1_305_989_000, "the naive same-ms match: 100% too");
    equal(without!.qtyCorrect, 1_146_405_000); // 87.78%
    equal(without!.keysCorrect, 9_918);
    ok(without!.qtyShare > allCancel, "without trades beats all-cancel");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
