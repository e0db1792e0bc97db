/**
 * Private: the many-symbol flags of `poc:binance` — `--symbols A,B,C`, `--symbols-file <path>`
 * (one symbol per line or comma separated; blank lines and `#` comments ignored), `--subscribe
 * url|message`, `--streams-per-connection <n>` — into a `BinanceMultiConfig`. Usage errors are
 * `UsageError`s (exit 2, one line, no stack trace).
 * @module
 */
import type { BinanceMultiConfig } from "../venues/binance/multi_handler.ts";
import { planStreams } from "../venues/binance/stream_plan.ts";
import { type BinanceMarket, defaultWsBase, type DepthSpeed } from "../venues/binance/markets.ts";
import { captureConfig, type CommonFlags, numberFlag, staleAfterFlag, UsageError } from "./_cli.ts";
import { selectShard } from "../publish/shard.ts";

/** The `parseArgs` options of the many-symbol flags. */
export const BINANCE_MULTI_OPTIONS = {
  symbols: { type: "string" },
  "symbols-file": { type: "string" },
  subscribe: { type: "string" },
  "streams-per-connection": { type: "string" },
} as const;

/** The help lines of the many-symbol flags. */
export const BINANCE_MULTI_HELP =
  `  --symbols <A,B,…>       many symbols in one process (each synchronized on its own; the first
                          are synchronized first); --ws-url is then the WebSocket base
                          (e.g. ws://127.0.0.1:9000), the handler adds the streams (usdm: under
                          /public); --capture-dir writes <dir>/<SYMBOL>/<session>/ per symbol
  --symbols-file <path>   the symbols, one per line or comma separated (# comments)
  --subscribe <how>       url: /stream?streams=… (default); message: /ws + SUBSCRIBE messages
  --streams-per-connection <n>  at most n streams per connection (default and max 1024)`;

/** True when the flags ask for the many-symbol handler. */
export function wantsMulti(v: Record<string, unknown>): boolean {
  return v.symbols !== undefined || v["symbols-file"] !== undefined;
}

/** The symbols of `--symbols` and `--symbols-file`, upper case, in order. */
export function symbolsOf(v: Record<string, unknown>): string[] {
  let text = typeof v.symbols === "string" ? v.symbols : "";
  const file = v["symbols-file"];
  if (typeof file === "string") {
    try {
      text += "\n" + Deno.readTextFileSync(file);
    } catch (e) {
      throw new UsageError(`--symbols-file ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const out = text.split("\n").map((l) => l.replace(/#.*/, "")).join(",").split(/[,\s]+/).filter((s) => s);
  if (out.length === 0) throw new UsageError("--symbols / --symbols-file: no symbols given");
  for (const s of out) {
    if (!/^[A-Za-z0-9]{2,20}$/.test(s)) throw new UsageError(`--symbols: not a symbol: "${s}"`);
  }
  return out.map((s) => s.toUpperCase());
}

/**
 * The `BinanceMultiConfig` of the flags `v` (URLs, market, depth stream and snapshot limit
 * already checked, in `base`) and the common flags `c`.
 */
export function binanceMultiConfig(
  v: Record<string, unknown>,
  c: CommonFlags,
  base: {
    wsUrl?: string;
    restUrl?: string;
    market: BinanceMarket;
    depthStream: DepthSpeed;
    snapshotLimit: number;
  },
): BinanceMultiConfig {
  const symbols = selectShard(symbolsOf(v), c.nats?.shard ?? { index: 0, count: 1 });
  const cfg: BinanceMultiConfig = { symbols, trades: v.trades === true, ...base };
  for (const s of symbols) Object.assign(cfg, captureConfig(c, s));
  const mode = v.subscribe ?? "url";
  if (mode !== "url" && mode !== "message") {
    throw new UsageError(`--subscribe must be url or message, got "${String(mode)}"`);
  }
  cfg.subscribe = mode;
  const per = numberFlag("streams-per-connection", v["streams-per-connection"], true);
  if (per !== undefined) cfg.perConnection = per;
  const staleAfterMs = staleAfterFlag(v["stale-after"]);
  if (staleAfterMs !== undefined) cfg.staleAfterMs = staleAfterMs;
  if (c.maxMessages !== undefined) cfg.maxMessages = c.maxMessages;
  if (cfg.symbols.length === 0) return cfg; // none in this --shard: the task says so and exits 0
  try {
    planStreams(cfg.symbols, {
      wsUrl: cfg.wsUrl ?? defaultWsBase(base.market),
      mode,
      trades: cfg.trades === true,
      market: base.market,
      speed: base.depthStream,
      ...(per !== undefined ? { perConnection: per } : {}),
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  return cfg;
}
