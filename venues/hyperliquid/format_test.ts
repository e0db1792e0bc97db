import { equal } from "node:assert/strict";
import { parseFixed } from "../decimal.ts";
import { formatHl, formatTrimmed } from "./format.ts";
import { fixtureExists, fixtureLines } from "../../testing/hl_fixture.ts";

const HAVE_FIXTURE = fixtureExists();

Deno.test("formatTrimmed writes the shortest form with at least minDecimals", () => {
  equal(formatTrimmed(105055e8, 8), "105055.0");
  equal(formatTrimmed(0.6e8, 8), "0.6");
  equal(formatTrimmed(303622000, 8), "3.03622");
  equal(formatTrimmed(1, 8), "0.00000001");
  equal(formatTrimmed(5e8, 8, 0), "5");
  equal(formatTrimmed(150000000, 8, 2), "1.50");
});

Deno.test("formatHl keeps a fixed width when every string had the same decimals", () => {
  equal(formatHl(150000000, 8, 2, 2), "1.50");
  equal(formatHl(150000000, 8, 1, 3), "1.5");
  equal(formatHl(100000000, 8, 255, 0), "1.0");
});

Deno.test({
  name: "formatHl round-trips every px and sz string of the real fixture",
  ignore: !HAVE_FIXTURE,
  fn() {
    let n = 0;
    for (const line of fixtureLines()) {
      const m = JSON.parse(line);
      if (m.channel !== "l2Book") continue;
      for (const side of m.data.levels as { px: string; sz: string }[][]) {
        const dec = (k: "px" | "sz") => side.map((l) => (l[k].split(".")[1] ?? "").length);
        const [pmin, pmax] = [Math.min(...dec("px")), Math.max(...dec("px"))];
        const [smin, smax] = [Math.min(...dec("sz")), Math.max(...dec("sz"))];
        for (const l of side) {
          equal(formatHl(parseFixed(l.px, 8), 8, pmin, pmax), l.px);
          equal(formatHl(parseFixed(l.sz, 8), 8, smin, smax), l.sz);
          n++;
        }
      }
    }
    equal(n, 46 * 40);
  },
});
