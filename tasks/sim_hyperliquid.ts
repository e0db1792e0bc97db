/**
 * `deno task sim:hyperliquid`: the local Hyperliquid-compatible WebSocket server on 127.0.0.1.
 * Runs until SIGINT/SIGTERM.
 * @module
 */
import { type HlSimOptions, HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { durationFlag, numberFlag, parseCli, UsageError } from "./_cli.ts";
import { systemClock } from "../engine/clock.ts";

const USAGE = `deno task sim:hyperliquid [flags]

A Hyperliquid-compatible WebSocket server on 127.0.0.1 (path /ws): greeting frame,
subscriptionResponse, l2Book snapshots (a seeded synthetic book, or the l2Book/trades lines of a
capture or fixture, cycled), trades, pong for ping, error frames for bad requests; on the same
port POST /info answers {"type":"meta"} and {"type":"spotMeta"} for the coins served
(szDecimals 5; 0 for --pepe-coins).

  --port <n>              TCP port (default 0 = ephemeral; the URL is printed)
  --coin <COIN>           coin served (default BTC)
  --coins <A,B,…>         several coins (synthetic books; l2Book, fast l2Book, bbo, trades)
  --slow-every <n>        the slow 20-level l2Book every n steps (default 1; fast, bbo every step)
  --pepe-coins <A,B,…>    of --coins, those with a PEPE-sized book (prices like 0.00000123,
                          sizes like 123456789012.00)
  --seed <n>              seed of the synthetic book (default 1)
  --interval-ms <n>       publish a book every n ms (default 500)
  --lines <file>          replay this messages.jsonl instead of the synthetic book
                          (e.g. ../shared/fixtures/hyperliquid-btc-20250126/messages.jsonl)
  --idle-timeout-ms <n>   close connections silent for this long (default 60000; 0 = never)
  -h, --help              this help`;

const { config } = parseCli(Deno.args, {
  name: "sim:hyperliquid",
  usage: USAGE,
  common: false,
  options: {
    port: { type: "string" },
    coin: { type: "string" },
    coins: { type: "string" },
    "pepe-coins": { type: "string" },
    "slow-every": { type: "string" },
    seed: { type: "string" },
    "interval-ms": { type: "string" },
    lines: { type: "string" },
    "idle-timeout-ms": { type: "string" },
  },
}, (v): HlSimOptions => {
  const port = numberFlag("port", v.port, true) ?? 0;
  const now = systemClock.wallNs() / 1e6;
  if (port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
  const o: HlSimOptions = {
    port,
    seed: numberFlag("seed", v.seed, true) ?? 1,
    intervalMs: durationFlag("interval-ms", v["interval-ms"], 1, now) ?? 500,
    idleTimeoutMs: durationFlag("idle-timeout-ms", v["idle-timeout-ms"], 1, now, true) ?? 60_000,
  };
  if (typeof v.coin === "string") {
    if (!/^[A-Za-z0-9@:/_-]{1,32}$/.test(v.coin)) {
      throw new UsageError(`--coin is not a coin name: "${v.coin}"`);
    }
    o.coin = v.coin;
  }
  if (typeof v.coins === "string") {
    o.coins = v.coins.split(",").filter((c) => c !== "");
    for (const c of o.coins) {
      if (!/^[A-Za-z0-9@:/_-]{1,32}$/.test(c)) throw new UsageError(`--coins: not a coin name: "${c}"`);
    }
  }
  if (typeof v["pepe-coins"] === "string") {
    o.pepeCoins = v["pepe-coins"].split(",").filter((c) => c !== "");
    const served = o.coins ?? [o.coin ?? "BTC"];
    for (const c of o.pepeCoins) {
      if (!served.includes(c)) throw new UsageError(`--pepe-coins: "${c}" is not one of the coins served`);
    }
  }
  const slow = numberFlag("slow-every", v["slow-every"], true);
  if (slow !== undefined) {
    if (slow < 1) throw new UsageError(`--slow-every must be >= 1, got ${slow}`);
    o.slowEvery = slow;
  }
  if (typeof v.lines === "string") {
    let text: string;
    try {
      text = Deno.readTextFileSync(v.lines);
    } catch (e) {
      throw new UsageError(`--lines ${v.lines}: ${e instanceof Error ? e.message : e}`);
    }
    o.lines = text.split("\n").filter((l) => l !== "");
    if (!o.lines.some((l) => l.includes('"l2Book"'))) {
      throw new UsageError(`--lines ${v.lines}: no l2Book line`);
    }
    if (o.coin === undefined) {
      const first = o.lines.find((l) => l.includes('"l2Book"'))!;
      o.coin = JSON.parse(first).data.coin;
    }
  }
  return o;
});

const sim = await HyperliquidSimulator.start(config);
console.log(`sim:hyperliquid listening on ${sim.url} (coins ${sim.coins.join(",")})`);
const done = new Promise<void>((resolve) => {
  for (const s of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(s, () => resolve());
});
await done;
await sim.close();
console.log(`sim:hyperliquid stopped: ${JSON.stringify(sim.stats)}`);
Deno.exit(0);
