import { equal, match, ok } from "node:assert/strict";
import { runTask } from "./_task.ts";

const TASKS = ["poc:binance", "poc:hyperliquid", "replay", "demo", "sim:binance", "sim:hyperliquid"];
const task = runTask;

for (const name of TASKS) {
  Deno.test(`deno task ${name} --help prints usage and exits 0; an unknown flag exits 2`, async () => {
    const help = await task([name, "--help"]);
    equal(help.code, 0, help.err);
    ok(help.out.includes(`deno task ${name}`), `usage names the task: ${help.out.slice(0, 200)}`);
    const bad = await task([name, "--no-such-flag"]);
    equal(bad.code, 2, `${bad.out}\n${bad.err}`);
    match(bad.err, /no-such-flag/);
  });
}

Deno.test("a live task refuses an output path outside its write permission before starting", async () => {
  const r = await task(["poc:binance", "--capture-dir", "/tmp/outside-captures", "--duration", "1"]);
  equal(r.code, 2);
  match(r.err, /--capture-dir \/tmp\/outside-captures: this task may only write under captures\/ and out\//);
  ok(!r.err.includes("started"), "nothing started");
});

Deno.test("bad flag values exit 2 with the reason", async () => {
  const cases: [string[], RegExp][] = [
    [["poc:binance", "--duration", "abc"], /--duration must be a non-negative number/],
    [["poc:binance", "--log-format", "xml"], /--log-format must be text or jsonl/],
    [["poc:binance", "--market", "coinm"], /--market must be spot or usdm/],
    [["poc:binance", "--market", "usdm", "--depth-stream", "1000ms"], /--depth-stream must be 100ms, 0ms/],
    [["poc:binance", "--market", "usdm", "--snapshot-limit", "5000"], /--snapshot-limit must be 5\.\.1000/],
    [["sim:binance", "--market", "coinm"], /--market must be spot, usdm or pepe/],
    [["poc:hyperliquid", "--n-sig-figs", "7"], /n-sig-figs/],
    [["replay", "--session", "captures", "--out-format", "csv"], /out-format/],
  ];
  for (const [args, re] of cases) {
    const r = await task(args);
    equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    match(r.err, re);
  }
});
