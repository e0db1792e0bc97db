/**
 * `deno task poc:binance`: live Binance spot diff-depth for one symbol. Thin: parse flags, build
 * a {@linkcode BinanceHandler}, hand it to `runLive` (pinning, logger, engine, SIGINT, --book-out).
 * @module
 */
import { BinanceHandler, type BinanceHandlerConfig } from "../venues/binance/handler.ts";
import { captureConfig, numberFlag, parseCli, staleAfterFlag, UsageError } from "./_cli.ts";
import { runLive } from "./_live.ts";
import { type BinanceMultiConfig, BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import {
  BINANCE_MULTI_HELP,
  BINANCE_MULTI_OPTIONS,
  binanceMultiConfig,
  wantsMulti,
} from "./_binance_multi_cli.ts";

const USAGE = `deno task poc:binance [flags]

Keeps a local order book of one Binance spot symbol from the diff-depth stream (snapshot + diffs,
resync on gaps, reconnect with backoff), logging through the SPSC logger.

  --symbol <SYM>          symbol (default BTCUSDT)
  --ws-url <url>          full stream URL (default wss://stream.binance.com:9443/ws/<sym>@depth@100ms,
                          or /stream?streams=<sym>@depth@100ms/<sym>@trade with --trades)
  --rest-url <url>        REST base URL (default https://api.binance.com)
  --trades                also subscribe to <sym>@trade and capture trades
  --snapshot-limit <n>    REST depth snapshot limit, 1..5000 (default 1000)
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
  const limit = numberFlag("snapshot-limit", v["snapshot-limit"], true) ?? 1000;
  if (limit < 1 || limit > 5000) throw new UsageError(`--snapshot-limit must be 1..5000, got ${limit}`);
  const cfg: BinanceHandlerConfig = { symbol, trades: v.trades === true, snapshotLimit: limit };
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
    const urls = {
      ...(cfg.wsUrl ? { wsUrl: cfg.wsUrl } : {}),
      ...(cfg.restUrl ? { restUrl: cfg.restUrl } : {}),
    };
    return { multi: binanceMultiConfig(v, c, urls, limit) };
  }
  if (c.maxMessages !== undefined) cfg.maxMessages = c.maxMessages;
  return { ...cfg, ...captureConfig(c, symbol.toUpperCase()) };
});

if (config.multi !== undefined) {
  const multi = new BinanceMultiHandler(config.multi);
  Deno.exit(
    await runLive(multi, common, {
      synchronized: () => multi.stats.everSynced > 0,
      fatal: () => multi.fatal,
      inputLost: () => {
        const never = multi.neverSynchronized();
        return never.length > 0 && never.length < multi.books.length
          ? `no book for ${never.join(", ")}`
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
