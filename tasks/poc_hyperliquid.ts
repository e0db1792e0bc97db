/**
 * `deno task poc:hyperliquid`: live Hyperliquid l2Book for one coin (or many with `--coins`).
 * Thin: parse flags, build a {@linkcode HyperliquidHandler} (or
 * {@linkcode HyperliquidMultiHandler}), fetch the coins' precision from the venue's metadata
 * before the engine starts (`POST <rest>/info` meta/spotMeta: a coin it does not list exits 2, a
 * request that keeps failing exits 1), hand it to `runLive` (pinning, logger, engine, SIGINT,
 * --book-out).
 * @module
 */
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import { HyperliquidMultiHandler } from "../venues/hyperliquid/multi_handler.ts";
import { parseChannels, planSubscriptions } from "../venues/hyperliquid/subscription_plan.ts";
import {
  HL_DEFAULT_WS_URL,
  type HyperliquidConfig,
  type HyperliquidMultiConfig,
  l2BookSubscription,
} from "../venues/hyperliquid/config.ts";
import { hlRestUrlFor } from "../venues/hyperliquid/meta.ts";
import { HlUnknownCoinError, loadHlDecimals } from "../venues/hyperliquid/meta_fetch.ts";
import type { Decimals } from "../venues/binance/precision.ts";
import { captureConfig, numberFlag, parseCli, staleAfterFlag, UsageError } from "./_cli.ts";
import { runLive } from "./_live.ts";
import { emptyShardLine, selectShard } from "../publish/shard.ts";

const USAGE = `deno task poc:hyperliquid [flags]

Keeps the top-20 l2Book of one Hyperliquid coin: every message is a full snapshot; each one is
diffed against the previous into level changes (insert/change/delete, and exit/enter for levels
that only left or entered the 20-level window). Heartbeat ping after 50 s idle, reconnect with
capped jittered backoff, logging through the SPSC logger.

  --ws-url <url>          WebSocket URL (default ${HL_DEFAULT_WS_URL})
  --rest-url <url>        REST base for the instrument metadata (POST /info meta, spotMeta) asked
                          at start (default: the --ws-url host, e.g. https://api.hyperliquid.xyz)
  --skip-meta             do not ask the metadata: every coin starts at 10^-8 / 10^-8 and the
                          wire's decimals decide (a coin the venue does not list is not caught)
  --coin <COIN>           coin (default BTC)
  --n-sig-figs <n>        aggregate to 2, 3, 4 or 5 significant figures (default: full precision)
  --mantissa <m>          1, 2 or 5; only with --n-sig-figs 5
  --trades                also subscribe to trades (captured)
  --stale-after <s>       no l2Book for this long with the socket open: warn, mark the book stale
                          and reconnect (default 10); with --coins: clear and resubscribe that
                          coin only
  --coins <A,B,…>         many coins in one process (BTC, PURR/USDC, @107, xyz:MSTR, …)
  --channels <list>       l2book,fast,bbo,trades (default with --coins: l2book,fast,bbo)
                          --coins or --channels runs the multi-coin handler: fast l2Book on
                          its own connection, the book per coin composed from the channels
                          (README "Hyperliquid"); --capture-dir writes one session per coin

Example against the local simulator (deno task sim:hyperliquid --port 9100):
  deno task poc:hyperliquid --ws-url ws://127.0.0.1:9100/ws --duration 10 --book-out out/hl_book.json`;

const { common, config } = parseCli(Deno.args, {
  name: "poc:hyperliquid",
  usage: USAGE,
  options: {
    "ws-url": { type: "string" },
    "rest-url": { type: "string" },
    "skip-meta": { type: "boolean" },
    coin: { type: "string" },
    "n-sig-figs": { type: "string" },
    mantissa: { type: "string" },
    trades: { type: "boolean" },
    "stale-after": { type: "string" },
    coins: { type: "string" },
    channels: { type: "string" },
  },
}, (v, c): HyperliquidConfig & { multi?: HyperliquidMultiConfig; restUrl?: string } => {
  const restUrl = v["skip-meta"] === true ? undefined : restUrlOf(v);
  if (v.coins !== undefined || v.channels !== undefined) return { multi: multiConfig(v, c), restUrl };
  const coin = typeof v.coin === "string" ? v.coin : "BTC";
  if (!/^[A-Za-z0-9@:/_-]{1,32}$/.test(coin)) throw new UsageError(`--coin is not a coin name: "${coin}"`);
  const cfg: HyperliquidConfig = { coin, trades: v.trades === true };
  const sig = numberFlag("n-sig-figs", v["n-sig-figs"], true);
  const man = numberFlag("mantissa", v.mantissa, true);
  l2BookSubscription(coin, sig, man); // RangeError -> exit 2
  if (sig !== undefined) cfg.nSigFigs = sig;
  if (man !== undefined) cfg.mantissa = man;
  const url = wsUrlOf(v);
  if (url !== undefined) cfg.wsUrl = url;
  const staleAfterMs = staleAfterFlag(v["stale-after"]);
  if (staleAfterMs !== undefined) cfg.staleAfterMs = staleAfterMs;
  if (c.maxMessages !== undefined) cfg.maxMessages = c.maxMessages;
  return { ...cfg, ...captureConfig(c, coin), restUrl };
});

function restUrlOf(v: Record<string, unknown>): string {
  if (v["rest-url"] === undefined) return hlRestUrlFor(wsUrlOf(v) ?? HL_DEFAULT_WS_URL);
  const s = String(v["rest-url"]);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`--rest-url is not a URL: "${s}"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UsageError(`--rest-url must use http: or https:, got "${u.protocol}"`);
  }
  return s.replace(/\/+$/, "");
}

// Before the engine starts: each coin's base scale from the venue's metadata.
async function fetchDecimals(coins: string[], use: (ds: Decimals[]) => void): Promise<number | undefined> {
  const rest = config.restUrl;
  if (rest === undefined) return undefined; // --skip-meta
  try {
    const ds = await loadHlDecimals(rest, coins, {
      onRetry: (problem, ms) => console.error(`warning: ${problem}; retrying in ${ms} ms`),
    });
    use(ds);
    const list = coins.map((c, i) => `${c} 10^-${ds[i]!.priceDecimals}/10^-${ds[i]!.qtyDecimals}`);
    console.log(`precision from ${rest}/info: ${list.join(", ")}`);
    return undefined;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof HlUnknownCoinError ? 2 : 1;
  }
}

function wsUrlOf(v: Record<string, unknown>): string | undefined {
  if (v["ws-url"] === undefined) return undefined;
  const s = String(v["ws-url"]);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`--ws-url is not a URL: "${s}"`);
  }
  if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new UsageError(`--ws-url must use ws: or wss:, got "${u.protocol}"`);
  }
  return s;
}

// --coins / --channels: the multi-coin handler (usage errors exit 2).
function multiConfig(v: Record<string, unknown>, c: Parameters<typeof captureConfig>[0]) {
  const all = String(v.coins ?? v.coin ?? "BTC").split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const coin of all) {
    if (!/^[A-Za-z0-9@:/_-]{1,32}$/.test(coin)) throw new UsageError(`--coins: not a coin name: "${coin}"`);
  }
  const coins = selectShard(all, c.nats?.shard ?? { index: 0, count: 1 });
  const cfg: HyperliquidMultiConfig = { coins };
  const sig = numberFlag("n-sig-figs", v["n-sig-figs"], true);
  const man = numberFlag("mantissa", v.mantissa, true);
  if (coins.length === 0) return cfg; // none in this --shard: the task says so and exits 0
  try {
    l2BookSubscription(coins[0] ?? "BTC", sig, man);
    cfg.channels = parseChannels(String(v.channels ?? "l2book,fast,bbo"));
    if (v.trades === true && !cfg.channels.includes("trades")) cfg.channels.push("trades");
    planSubscriptions(coins, cfg.channels);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (sig !== undefined) cfg.nSigFigs = sig;
  if (man !== undefined) cfg.mantissa = man;
  const url = wsUrlOf(v);
  if (url !== undefined) cfg.wsUrl = url;
  const staleAfterMs = staleAfterFlag(v["stale-after"]);
  if (staleAfterMs !== undefined) cfg.staleAfterMs = staleAfterMs;
  if (c.maxMessages !== undefined) cfg.maxMessages = c.maxMessages;
  let capture = {};
  for (const coin of coins) capture = captureConfig(c, coin); // checks every coin's session folder
  return { ...cfg, ...capture };
}

if (config.multi !== undefined) {
  if (config.multi.coins.length === 0) {
    console.log(emptyShardLine(common.nats!.shard!));
    Deno.exit(0);
  }
  const multi = new HyperliquidMultiHandler(config.multi);
  Deno.exit(
    await runLive(multi, common, {
      prepare: () => fetchDecimals(multi.coins.map((c) => c.coin), (ds) => multi.useDecimals(ds)),
      synchronized: () => multi.neverSynchronized().length < multi.coins.length,
      fatal: () => multi.fatal,
      inputLost: () => {
        const stop = multi.capture?.stopped();
        if (stop !== undefined) return `a capture stopped writing: ${stop}`;
        const never = multi.neverSynchronized();
        return never.length > 0 && never.length < multi.coins.length
          ? `no book for ${never.join(", ")}`
          : undefined;
      },
    }),
  );
}

const handler = new HyperliquidHandler(config);
// Synchronized at least once: an l2Book window was applied as the book.
Deno.exit(
  await runLive(handler, common, {
    prepare: () => fetchDecimals([handler.coin], (ds) => handler.useDecimals(ds[0]!)),
    synchronized: () => handler.differ.totals.snapshots > 0,
    fatal: () => handler.fatal,
    inputLost: () => {
      const stop = handler.capture?.writer.stopped;
      return stop ? `the capture stopped writing: ${stop.reason}` : undefined;
    },
  }),
);
