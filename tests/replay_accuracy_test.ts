/**
 * Fill/cancel accuracy against the synthetic market's ground truth (venues/binance/market.ts),
 * with and without trades, through the real replay path (files on disk, parse, sync, book, L3).
 */
import { equal, ok } from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { AccuracyCollector, loadTruth, scoreAccuracy } from "../replay/accuracy.ts";
import { TeeSink } from "../replay/summary.ts";
import { RebuildingSink, writeSyntheticSession } from "./_replay_helpers.ts";

Deno.test("replay classifies synthetic decreases as fill/cancel better with trades than without", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session, truth } = await writeSyntheticSession(dir, 3000, 7);
    const files = await resolveSession(session);
    const events = await loadTruth(truth);
    const scores = [];
    for (const useTrades of [true, false]) {
      const c = new AccuracyCollector();
      const check = new RebuildingSink();
      const stats = await replayCapture(files, {
        sink: new TeeSink(c, check),
        useTrades,
        onApplied: (U, u) => c.batch(U, u),
      });
      equal(stats.warnings.length, 0, stats.warnings.join("; "));
      equal(stats.snapshotsApplied, 1);
      ok(stats.applied > 2000);
      scores.push(scoreAccuracy(c, events));
    }
    const [withT, without] = scores;
    console.log(
      `synthetic accuracy: with trades ${(withT!.qtyShare * 100).toFixed(1)}% qty / ${
        (withT!.keyShare * 100).toFixed(1)
      }% keys; without ${(without!.qtyShare * 100).toFixed(1)}% / ${(without!.keyShare * 100).toFixed(1)}%` +
        ` (true fill share ${(withT!.trueFillShare * 100).toFixed(1)}%, ${withT!.keys} decreases)`,
    );
    ok(withT!.keys > 1000);
    ok(withT!.trueFillShare > 0.05, "the synthetic flow has fills to find");
    ok(withT!.qtyShare > without!.qtyShare, "trades improve the attribution");
    ok(withT!.qtyShare > 0.9, "with trades, most decrease quantity is attributed correctly");
    ok(without!.qtyShare > withT!.trueFillShare || without!.qtyShare > 0.5, "heuristic beats nothing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
