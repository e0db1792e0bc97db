/**
 * `deno task poc:binance`: live Binance spot or USD-M futures diff-depth for one symbol. Thin: parse flags, build
 * a {@linkcode BinanceHandler}, hand it to `runLive` (pinning, logger, engine, SIGINT, --book-out).
 * @module
 */
import { BinanceHandler, type BinanceHandlerConfig } from "../venues/binance/handler.ts";
import { captureConfig, numberFlag, parseCli, staleAfterFlag, UsageError } from "./_cli.ts";
import {
  BINANCE_MARKETS,
  type BinanceMarket,
  DEPTH_SPEEDS,
  type DepthSpeed,
  MAX_DEPTH_LIMIT,
  MIN_DEPTH_LIMIT,
} from "../venues/binance/markets.ts";
import { runLive } from "./_live.ts";
import { emptyShardLine } from "../publish/shard.ts";
import { type BinanceMultiConfig, BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import {
  BINANCE_MULTI_HELP,
  BINANCE_MULTI_OPTIONS,
  binanceMultiConfig,
  wantsMulti,
} from "./_binance_multi_cli.ts";

const USAGE = `deno task poc:binance [flags]

Keeps a local order book of one (or, with --symbols, many) Binance spot or USD-M futures symbols from the diff-depth stream
(snapshot + diffs, resync on gaps, reconnect with backoff), logging through the SPSC logger.

  --symbol <SYM>          symbol (default BTCUSDT)
  --market <m>            spot (default) | usdm (USD-M futures: fstream/fapi hosts, pu continuity)
  --depth-stream <speed>  depth stream of the default URL: spot 100ms (default) | 1000ms;
                          usdm 100ms (default) | 0ms | 250ms (@depth) | 500ms
  --ws-url <url>          full stream URL (default wss://stream.binance.com:9443/ws/<sym>@depth@100ms,
                          or /stream?streams=<sym>@depth@100ms/<sym>@trade with --trades; usdm:
                          wss://fstream.binance.com/public/ws/<sym>@depth@100ms, /public/stream?streams=…)
  --rest-url <url>        REST base URL (default https://api.binance.com; usdm https://fapi.binance.com,
                          path /fapi/v1/depth)
  --trades                also subscribe to <sym>@trade and capture trades
  --snapshot-limit <n>    REST depth snapshot limit, spot 1..5000, usdm 5..1000 (default 1000)
  --stale-after <s>       no depth frame for this long with the socket open: warn, mark the book
                          stale, reconnect and resync (default 10; raise it for an illiquid symbol)
${BINANCE_MULTI_HELP}

Example against the local simulator (deno task sim:binance --port 9000):
  deno task poc:binance --ws-url ws://127.0.0.1:9000/ws/btcusdt@depth@100ms \\
    --rest-url http://127.0.0.1:9000 --duration 10 --book-out out/book.json`;

const { common, config } = parseCli(Deno.args, {
  name: "poc:binance",
  usage: USAGE,
  options: {
    symbol: { type: "string" },
    market: { type: "string" },
    "depth-stream": { type: "string" },
    "ws-url": { type: "string" },
    "rest-url": { type: "string" },
    trades: { type: "boolean" },
    "snapshot-limit": { type: "string" },
    "stale-after": { type: "string" },
    ...BINANCE_MULTI_OPTIONS,
  },
}, (v, c): BinanceHandlerConfig & { multi?: BinanceMultiConfig } => {
  const symbol = typeof v.symbol === "string" ? v.symbol : "BTCUSDT";
  if (!/^[A-Za-z0-9]{2,20}$/.test(symbol)) {
    throw new UsageError(`--symbol must be alphanumeric, got "${symbol}"`);
  }
  const market = (v.market ?? "spot") as BinanceMarket;
  if (!BINANCE_MARKETS.includes(market)) {
    throw new UsageError(`--market must be ${BINANCE_MARKETS.join(" or ")}, got "${String(v.market)}"`);
  }
  const speeds = DEPTH_SPEEDS[market];
  const speed = (v["depth-stream"] ?? speeds[0]) as DepthSpeed;
  if (!speeds.includes(speed)) {
    throw new UsageError(
      `--depth-stream must be ${speeds.join(", ")} with --market ${market}, got "${
        String(v["depth-stream"])
      }"`,
    );
  }
  const limit = numberFlag("snapshot-limit", v["snapshot-limit"], true) ?? 1000;
  const [lo, hi] = [MIN_DEPTH_LIMIT[market], MAX_DEPTH_LIMIT[market]];
  if (limit < lo || limit > hi) {
    throw new UsageError(`--snapshot-limit must be ${lo}..${hi} with --market ${market}, got ${limit}`);
  }
  const cfg: BinanceHandlerConfig = {
    symbol,
    market,
    depthStream: speed,
    trades: v.trades === true,
    snapshotLimit: limit,
  };
  const staleAfterMs = staleAfterFlag(v["stale-after"]);
  if (staleAfterMs !== undefined) cfg.staleAfterMs = staleAfterMs;
  for (
    const [flag, key, schemes] of [["ws-url", "wsUrl", ["ws:", "wss:"]], ["rest-url", "restUrl", [
      "http:",
      "https:",
    ]]] as const
  ) {
    const s = v[flag];
    if (s === undefined) continue;
    let u: URL;
    try {
      u = new URL(String(s));
    } catch {
      throw new UsageError(`--${flag} is not a URL: "${String(s)}"`);
    }
    if (!(schemes as readonly string[]).includes(u.protocol)) {
      throw new UsageError(`--${flag} must use ${schemes.join(" or ")}, got "${u.protocol}"`);
    }
    cfg[key] = String(s);
  }
  if (wantsMulti(v)) {
    const base = {
      ...(cfg.wsUrl ? { wsUrl: cfg.wsUrl } : {}),
      ...(cfg.restUrl ? { restUrl: cfg.restUrl } : {}),
      market,
      depthStream: speed,
      snapshotLimit: limit,
    };
    return { multi: binanceMultiConfig(v, c, base) };
  }
  if (c.maxMessages !== undefined) cfg.maxMessages = c.maxMessages;
  return { ...cfg, ...captureConfig(c, symbol.toUpperCase()) };
});

if (config.multi !== undefined) {
  if (config.multi.symbols.length === 0) {
    console.log(emptyShardLine(common.nats!.shard!));
    Deno.exit(0);
  }
  const multi = new BinanceMultiHandler(config.multi);
  Deno.exit(
    await runLive(multi, common, {
      synchronized: () => multi.stats.everSynced > 0,
      fatal: () => multi.fatal,
      inputLost: () => {
        const lost = multi.inputLost;
        if (lost !== undefined) return lost;
        const never = multi.neverSynchronized();
        return never.length > 0 && never.length < multi.books.length
          ? `no book for ${never.slice(0, 10).join(", ")}${
            never.length > 10 ? ` and ${never.length - 10} more` : ""
          }`
          : undefined;
      },
    }),
  );
}

const handler = new BinanceHandler(config);
// Synchronized at least once: a diff was applied on top of a snapshot (BookSync counts only those).
Deno.exit(
  await runLive(handler, common, {
    synchronized: () => handler.sync.applied > 0,
    fatal: () => handler.fatal,
    inputLost: () => {
      const stop = handler.capture?.writer.stopped;
      return stop ? `the capture stopped writing: ${stop.reason}` : undefined;
    },
  }),
);
