/**
 * `deno task sim:binance`: the local Binance-compatible simulator on 127.0.0.1 (REST depth,
 * WS diff-depth / trades, faults). Runs until SIGINT/SIGTERM, `--max-batches`, or the end of a
 * `--replay` capture.
 * @module
 */
import {
  BinanceSimulator,
  SIM_FAULTS,
  type SimFault,
  type SimulatorOptions,
} from "../sim/binance/simulator.ts";
import { durationFlag, numberFlag, parseCli, UsageError } from "./_cli.ts";
import { systemClock } from "../engine/clock.ts";
import { type MarketOptions, PEPE_MARKET } from "../sim/binance/market.ts";
import { startMultiSim } from "./_sim_binance_multi.ts";

const USAGE = `deno task sim:binance [flags]

A Binance-spot-compatible simulator on 127.0.0.1, driven by a seeded synthetic L3 order flow or
by replaying a capture directory (snapshot.json + diffs.jsonl).

  --port <n>              TCP port (default 0 = ephemeral; the bound address is printed)
  --symbol <SYM>          symbol of the synthetic market (default BTCUSDT)
  --symbols <A,B,…>       many symbols (seed+k each): combined streams and /ws + SUBSCRIBE, one
                          weight window, at most 1024 streams and 5 messages/s per connection
                          (a client breaking them is disconnected); with --market usdm the USD-M
                          paths (/public/…, /fapi/v1/…); per-symbol faults with
                          POST /sim/fault?kind=skip_update|malformed|huge&symbol=X
  --market <m>            spot (default) | usdm: USD-M futures (GET /fapi/v1/depth with E/T, WS under
                          /public/ws and /public/stream, frames with T and pu, U != previous u + 1);
                          a --replay capture is served as USD-M when its frames carry pu;
                          pepe: a PEPE-like spot market: PEPEUSDT, mid 0.00001234, tick 0.00000001,
                          lot 1, orders up to 2x10^11 (quantities past 10^8; flags above override)
  --mid <dec>             starting mid price (default 60000.00)
  --tick <dec>            price tick (default 0.01); prices are exact at its decimals
  --lot <dec>             quantity lot (default 0.00001)
  --seed <n>              PRNG seed (default 1)
  --interval-ms <n>       ms between 100 ms batches (default 100)
  --max-batches <n>       stop producing after n batches (then exit)
  --replay <dir>          replay a capture dir (depth, and trades.jsonl when present) instead
                          of the synthetic market
  --truth-file <path>     write ground-truth order events (JSONL) here
  --fault <kind@batch>    arm a fault before batch n (repeatable); kinds: ${SIM_FAULTS.join(", ")}
  --redirect              start with the WS redirect fault on (301 to /live/...)
  --ping-interval-ms <n>  server ping interval (default 20000; 0 = never)
  --weight-limit <n>      REQUEST_WEIGHT per minute (default 6000; usdm 2400)
  --retry-after <s>       Retry-After of fault 429/418 answers (default 1)
  -h, --help              this help

Endpoints: GET /api/v3/depth?symbol=&limit=, WS /ws/<stream>, /stream?streams=a/b, /ws + SUBSCRIBE
(usdm: /fapi/v1/depth, /public/ws/<stream>, /public/stream?streams=a/b).
Control:   curl -X POST 'http://127.0.0.1:<port>/sim/fault?kind=drop'; GET /sim/truth.`;

const { config } = parseCli(Deno.args, {
  name: "sim:binance",
  usage: USAGE,
  common: false,
  options: {
    port: { type: "string" },
    symbol: { type: "string" },
    mid: { type: "string" },
    tick: { type: "string" },
    lot: { type: "string" },
    symbols: { type: "string" },
    market: { type: "string" },
    seed: { type: "string" },
    "interval-ms": { type: "string" },
    "max-batches": { type: "string" },
    replay: { type: "string" },
    "truth-file": { type: "string" },
    fault: { type: "string", multiple: true },
    redirect: { type: "boolean" },
    "ping-interval-ms": { type: "string" },
    "weight-limit": { type: "string" },
    "retry-after": { type: "string" },
  },
}, (v) => {
  const port = numberFlag("port", v.port, true) ?? 0;
  const now = systemClock.wallNs() / 1e6;
  if (port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
  if (v.market !== undefined && v.market !== "spot" && v.market !== "usdm" && v.market !== "pepe") {
    throw new UsageError(`--market must be spot, usdm or pepe, got "${String(v.market)}"`);
  }
  const preset: MarketOptions = v.market === "pepe" ? { ...PEPE_MARKET } : {};
  for (const k of ["mid", "tick", "lot"] as const) {
    const s = v[k];
    if (s === undefined) continue;
    if (typeof s !== "string" || !/^\d+(\.\d+)?$/.test(s) || !/[1-9]/.test(s)) {
      throw new UsageError(`--${k} must be a positive decimal like 0.00000001, got "${s}"`);
    }
    preset[k] = s;
  }
  const symbol = typeof v.symbol === "string" ? v.symbol.toUpperCase() : preset.symbol ?? "BTCUSDT";
  if (!/^[A-Z0-9]{2,20}$/.test(symbol)) {
    throw new UsageError(`--symbol must be alphanumeric, got "${symbol}"`);
  }
  const o: SimulatorOptions = {
    port,
    market: { ...preset, seed: numberFlag("seed", v.seed, true) ?? 1, symbol, futures: v.market === "usdm" },
    intervalMs: durationFlag("interval-ms", v["interval-ms"], 1, now) ?? 100,
    pingIntervalMs: durationFlag("ping-interval-ms", v["ping-interval-ms"], 1, now, true) ?? 20_000,
    weightLimit: numberFlag("weight-limit", v["weight-limit"], true) ?? (v.market === "usdm" ? 2400 : 6000),
    retryAfterSec: numberFlag("retry-after", v["retry-after"], true) ?? 1,
    faults: [],
  };
  const max = numberFlag("max-batches", v["max-batches"], true);
  if (max !== undefined) o.maxBatches = max;
  if (typeof v.replay === "string") o.replayDir = v.replay;
  if (typeof v["truth-file"] === "string") o.truthFile = v["truth-file"];
  for (const f of (v.fault as string[] | undefined) ?? []) {
    const [kind, at] = f.split("@");
    if (!SIM_FAULTS.includes(kind as SimFault)) throw new UsageError(`--fault: unknown kind "${kind}"`);
    const atBatch = numberFlag("fault", at, true);
    if (atBatch === undefined || atBatch < 1) {
      throw new UsageError(`--fault needs kind@batch (batch >= 1), got "${f}"`);
    }
    o.faults!.push({ kind: kind as SimFault, atBatch });
  }
  const symbols = typeof v.symbols === "string"
    ? v.symbols.split(",").map((x) => x.trim().toUpperCase())
    : [];
  for (const x of symbols) {
    if (!/^[A-Z0-9]{2,20}$/.test(x)) throw new UsageError(`--symbols: not a symbol: "${x}"`);
  }
  if (
    symbols.length > 0 &&
    (o.replayDir || o.truthFile || o.faults!.length > 0 || v.redirect === true || v.market === "pepe")
  ) {
    throw new UsageError(
      "--symbols does not take --replay, --truth-file, --fault, --redirect or --market pepe",
    );
  }
  return { sim: o, redirect: v.redirect === true, symbols };
});

if (config.symbols.length > 0) Deno.exit(await startMultiSim(config.symbols, config.sim));

let sim: BinanceSimulator;
try {
  sim = await BinanceSimulator.start(config.sim);
} catch (e) {
  console.error(`sim:binance: ${e instanceof Error ? e.message : String(e)}`);
  Deno.exit(1);
}
if (config.redirect) sim.fault("redirect");
const s = sim.symbol.toLowerCase();
console.log(
  `sim:binance listening on 127.0.0.1:${sim.port} (${
    config.sim.replayDir ? "replay " + config.sim.replayDir : "synthetic " + sim.symbol
  }, ${sim.futures ? "USD-M futures" : "spot"})`,
);
console.log(`  REST     ${sim.restUrl}${sim.depthPath}?symbol=${sim.symbol}&limit=1000`);
console.log(`  WS       ${sim.wsUrl()}`);
const pre = sim.futures ? "/public" : "";
console.log(`  combined ${sim.wsUrl(`${pre}/stream?streams=${s}@depth@100ms/${s}@trade`)}`);
console.log(`  faults   curl -X POST '${sim.restUrl}/sim/fault?kind=<${SIM_FAULTS.join("|")}>'`);

const stop = new AbortController();
const onSignal = () => stop.abort();
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);
await Promise.race([sim.finished, new Promise((r) => stop.signal.addEventListener("abort", r))]);
Deno.removeSignalListener("SIGINT", onSignal);
Deno.removeSignalListener("SIGTERM", onSignal);
console.log(
  `sim:binance: ${sim.batches} batches, ${sim.stats.connections} connections, ${sim.stats.snapshots} snapshots`,
);
await sim.close();
