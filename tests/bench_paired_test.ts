/**
 * `bench/_paired.ts`: the statistics the subscriber-cost and logger A/B benchmarks report (median
 * of per-round differences, interquartile range, seeded bootstrap CI of the median).
 */
import { equal, ok, throws } from "node:assert/strict";
import { pairedStats } from "../bench/_paired.ts";

Deno.test("pairedStats takes the median of per-round differences, not the difference of medians", () => {
  // A drifts with the load; B is A + 3 in every round, except two rounds hit by a neighbour.
  const a = [100, 250, 90, 400, 120, 180, 95, 300, 110];
  const b = a.map((x) => x + 3);
  b[1] = 2000;
  b[5] = 50;
  const s = pairedStats(a, b);
  equal(s.rounds, 9);
  equal(s.median, 3);
  equal(s.q25, 3);
  equal(s.q75, 3);
  ok(s.ciLow <= 3 && s.ciHigh >= 3, `CI ${s.ciLow}..${s.ciHigh}`);
  equal(s.medianA, 120);
});

Deno.test("pairedStats: an even count averages the middle two; the spread and CI bracket the median", () => {
  const a = [0, 0, 0, 0, 0, 0];
  const b = [-4, 1, 2, 6, 8, 50];
  const s = pairedStats(a, b);
  equal(s.median, 4);
  equal(s.q25, 1);
  equal(s.q75, 8);
  ok(s.ciLow >= -4 && s.ciLow <= s.median && s.ciHigh >= s.median && s.ciHigh <= 50);
});

Deno.test("pairedStats is deterministic (seeded bootstrap)", () => {
  const a = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
  const b = a.map((x, i) => x + ((i * 104729) % 61) - 20);
  const s1 = pairedStats(a, b);
  const s2 = pairedStats(a, b);
  equal(s1.ciLow, s2.ciLow);
  equal(s1.ciHigh, s2.ciHigh);
  ok(s1.ciLow < s1.ciHigh, `a spread-out sample has a CI of some width: ${s1.ciLow}..${s1.ciHigh}`);
});

Deno.test("pairedStats rejects unpaired or empty samples", () => {
  throws(() => pairedStats([1, 2], [1]), RangeError);
  throws(() => pairedStats([], []), RangeError);
});
