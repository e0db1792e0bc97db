/**
 * `deno task demo`: the whole pipeline offline, in about ten seconds.
 * 1. Start the Binance simulator on 127.0.0.1 (seeded synthetic order flow with ground truth,
 *    one gap injected so the run shows a resync).
 * 2. Run `deno task poc:binance` against it as a child process, pinned (`--core`, taskset),
 *    capturing depth and trades, writing its final book.
 * 3. Run `deno task replay` on the capture (bincode out, accuracy against the ground truth) and
 *    print its summary, then where everything is.
 * Exits 0 when every step succeeded.
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { numberFlag, parseCli, UsageError } from "./_cli.ts";
import { outputProblem } from "./_outputs.ts";

const USAGE = `deno task demo [--seconds <s>] [--core <n>] [--seed <n>] [--out-dir <dir>]

Runs the whole pipeline offline: the Binance simulator, poc:binance against it (pinned with
taskset, capturing), then replay of the capture. Prints where the capture is.

  --seconds <s>   how long poc:binance records (default 6)
  --core <n>      CPU for the engine (default 0, or HFT_CORE)
  --seed <n>      seed of the synthetic market (default 42)
  --out-dir <dir> root for captures/ and out/ (default: the current directory); the demo
                  may write only under the project's captures/ and out/, so give a
                  directory inside them (e.g. out/demo)
  -h, --help      this help`;

const { config } = parseCli(Deno.args, {
  name: "demo",
  usage: USAGE,
  common: false,
  options: {
    seconds: { type: "string" },
    core: { type: "string" },
    seed: { type: "string" },
    "out-dir": { type: "string" },
  },
}, (v) => {
  const outDir = typeof v["out-dir"] === "string" ? v["out-dir"] : ".";
  // Checked here, before the simulator starts: a path the demo may not write is exit 2, one line.
  for (const sub of ["captures", "out"]) {
    const problem = outputProblem({ flag: "--out-dir", path: `${outDir}/${sub}`, kind: "dir" });
    if (problem !== undefined) throw new UsageError(problem.replace(`${outDir}/${sub}`, outDir));
  }
  return {
    seconds: numberFlag("seconds", v.seconds, false) ?? 6,
    core: numberFlag("core", v.core, true) ?? Number(Deno.env.get("HFT_CORE") ?? 0),
    seed: numberFlag("seed", v.seed, true) ?? 42,
    outDir,
  };
});

const session = `demo-${Math.round(systemClock.wallNs() / 1e6)}`;
const captureRoot = `${config.outDir}/captures`;
const outRoot = `${config.outDir}/out`;
await Deno.mkdir(captureRoot, { recursive: true });
await Deno.mkdir(outRoot, { recursive: true });
const truthFile = `${outRoot}/${session}-truth.jsonl`;
const bookOut = `${outRoot}/${session}-book.json`;
const inferred = `${outRoot}/${session}-inferred.bin`;

function step(msg: string): void {
  console.log(`\n== ${msg}`);
}

async function run(args: string[]): Promise<number> {
  console.log(`$ deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "inherit" }).spawn();
  return (await child.status).code;
}

step("starting the Binance simulator on 127.0.0.1 (seeded synthetic order flow, one gap injected)");
const sim = await BinanceSimulator.start({
  port: 0,
  market: { seed: config.seed, symbol: "BTCUSDT" },
  intervalMs: 100,
  truthFile,
  // The gap comes 3 batches after poc:binance fetched its snapshot, however long it took to start.
  faults: [{ kind: "skip_update", afterSnapshot: 3 }],
});
console.log(`simulator: REST ${sim.restUrl}, WS ${sim.wsUrl()}`);

let code = 1;
try {
  step(`poc:binance for ${config.seconds}s, pinned to cpu ${config.core}, capturing depth and trades`);
  const wsUrl = sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade");
  code = await run([
    "task",
    "poc:binance",
    "--symbol",
    "BTCUSDT",
    "--ws-url",
    wsUrl,
    "--rest-url",
    sim.restUrl,
    "--trades",
    "--capture-dir",
    captureRoot,
    "--capture-session",
    session,
    "--duration",
    String(config.seconds),
    "--core",
    String(config.core),
    "--book-out",
    bookOut,
  ]);
} finally {
  await sim.close();
}
if (code !== 0) {
  console.error(`demo: poc:binance exited with ${code}`);
  Deno.exit(code);
}

const sessionDir = `${captureRoot}/BTCUSDT/${session}`;
step("replaying the capture: book rebuilt, L3 events inferred, accuracy against the simulator's truth");
code = await run([
  "task",
  "replay",
  "--session",
  sessionDir,
  "--out",
  inferred,
  "--out-format",
  "bincode",
  "--truth",
  truthFile,
]);
if (code !== 0) {
  console.error(`demo: replay exited with ${code}`);
  Deno.exit(code);
}

step("done");
console.log(`capture:         ${sessionDir}/`);
console.log(`final live book: ${bookOut}`);
console.log(`inferred events: ${inferred} (bincode)`);
console.log(`ground truth:    ${truthFile}`);
