/**
 * An in-process subscriber's cost per venue message on the real ETHUSDT diffs, paired rounds
 * (`_subscriber_cost.ts`): a no-op sink alone (A) against the same sink and a no-op subscriber
 * (B); prints the median of the per-round differences with its spread, and the target (≤ 50 ns,
 * met when the upper bound of the median's 95% CI is under it). `--control`: an A/A run (both arms
 * sink-only), the method's own bias.
 * `deno task bench --only binance` prints the same figure (from `binance_compare.ts`).
 *
 *   deno run --config bench/deno.json --allow-read --allow-sys=loadavg bench/subscriber_cost.ts \
 *     [--rounds N] [--chunk N] [--control]
 *
 * `--once --sink N --sub M`: N passes of the sink-only arm and M of the arm with a subscriber,
 * alternating, in one process, then exit, for instruction counts (repeatable on a loaded
 * machine). Both arms run in every such process, so the JIT has seen both (arms in separate
 * processes differ by JIT decisions: hundreds of instructions per message either way). Per
 * message: the sink arm (count of `--sink 6 --sub 1` − count of `--sink 1 --sub 1`) over 5 × 6467,
 * the subscriber arm likewise with `--sink 1 --sub 6`; the subscriber's instructions are the
 * difference of the two:
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file deno run --config bench/deno.json \
 *     --allow-read --allow-sys=loadavg --v8-flags=--single-threaded \
 *     bench/subscriber_cost.ts --once --sink 1 --sub 6
 *
 * With `--control` the second arm is sink-only too: the same three counts give the method's noise.
 * @module
 */
import { parseArgs } from "node:util";
import { loadEthFixture, SYNC_AT } from "./_eth_fixture.ts";
import { formatPaired } from "./_paired.ts";
import { runArms, subscriberCost } from "./_subscriber_cost.ts";

const USAGE = "usage: deno run --allow-read --allow-sys=loadavg bench/subscriber_cost.ts\n" +
  "  [--rounds N] [--chunk N] [--control] | --once [--control] --sink N --sub M";

function flags() {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        rounds: { type: "string", default: "10000" },
        chunk: { type: "string", default: "16" },
        once: { type: "boolean", default: false },
        control: { type: "boolean", default: false },
        sink: { type: "string", default: "1" },
        sub: { type: "string", default: "1" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    console.error(`subscriber_cost: ${e instanceof Error ? e.message : e}\n${USAGE}`);
    Deno.exit(2);
  }
}
const { values } = flags();
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const rounds = Number(values.rounds);
const chunk = Number(values.chunk);
const sinkPasses = Number(values.sink);
const subPasses = Number(values.sub);
if (
  !Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(chunk) || chunk < 1 || chunk > 3000 ||
  !Number.isInteger(sinkPasses) || sinkPasses < 0 || !Number.isInteger(subPasses) || subPasses < 0
) {
  console.error(
    "subscriber_cost: --rounds must be a positive integer, --chunk 1 to 3000, --sink and --sub integers ≥ 0",
  );
  console.error(USAGE);
  Deno.exit(2);
}

const fx = loadEthFixture("subscriber_cost (nothing to measure)");
if (fx === undefined) Deno.exit(0);

if (values.once) {
  const n = runArms(fx.diffs, fx.snapshotText, sinkPasses, subPasses, values.control);
  console.log(`${sinkPasses} + ${subPasses} passes: ${n} messages (${fx.diffs.length - SYNC_AT} per pass)`);
  Deno.exit(0);
}

const load0 = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
const r = subscriberCost(fx.diffs, fx.snapshotText, rounds, chunk, 200, values.control);
const load1 = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
const met = r.ns.ciHigh <= 50; // the whole 95% interval of the median under the target
console.log(
  (values.control
    ? `A/A control (sink alone − sink alone): ${formatPaired(r.ns, "ns")}; `
    : `subscriber cost per message (sink + no-op subscriber − sink alone): ${formatPaired(r.ns, "ns")}; `) +
    `target ≤ 50 ns: ${met ? "met" : "NOT met"}; sink-alone arm ${
      r.armANsPerMessage.toFixed(0)
    } ns/message; ` +
    `chunks of ${chunk} diffs; loadavg ${load0} → ${load1}`,
);
console.log(JSON.stringify({
  bench: values.control ? "subscriber_cost_control" : "subscriber_cost",
  chunk,
  subscriberNsPerMessage: r.ns,
  sinkArmNsPerMessage: r.armANsPerMessage,
  targetsMet: { subscriber50ns: met },
}));
