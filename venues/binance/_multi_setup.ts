/**
 * Private: the construction of `BinanceMultiHandler`'s parts from its configuration — one
 * {@linkcode SymbolBook} per symbol, the connections of the stream plan, and the shared snapshot
 * requests — with the defaults of `BinanceMultiConfig`. Once, at construction.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { SymbolBook } from "./symbol_book.ts";
import { BINANCE_WS_LIMITS, planStreams } from "./stream_plan.ts";
import { MultiConn } from "./_multi_conn.ts";
import { MultiSnapshots } from "./_multi_rest.ts";
import type { BinanceMultiConfig } from "./_multi_config.ts";

/** The parts of a many-symbol handler; RangeError from the plan on bad symbols or limits. */
export function buildMulti(
  cfg: BinanceMultiConfig,
  clock: Clock,
  wake: () => void,
): { books: SymbolBook[]; conns: MultiConn[]; rest: MultiSnapshots } {
  const symbols = cfg.symbols.map((s) => s.toUpperCase());
  const limit = cfg.snapshotLimit ?? 1000;
  const plan = planStreams(symbols, {
    wsUrl: cfg.wsUrl ?? "wss://stream.binance.com:9443",
    mode: cfg.subscribe ?? "url",
    ...(cfg.perConnection !== undefined ? { perConnection: cfg.perConnection } : {}),
    ...(cfg.perMessage !== undefined ? { perMessage: cfg.perMessage } : {}),
    trades: cfg.trades === true,
  });
  const opts = {
    snapshotLimit: limit,
    ...(cfg.instruments ? { instruments: cfg.instruments } : {}),
    ...(cfg.onSubscriberError ? { onSubscriberError: cfg.onSubscriberError } : {}),
  };
  const books = symbols.map((s) => new SymbolBook(s, opts));
  const perSecond = cfg.controlPerSecond ?? BINANCE_WS_LIMITS.messagesPerSecond - 1;
  const conns = plan.map((p) =>
    new MultiConn(p, {
      clock,
      wake,
      backoff: cfg.backoff ?? { baseMs: 250, maxMs: 30_000 },
      perSecond,
      maxHops: cfg.maxRedirects ?? 3,
      maxConnectionMs: cfg.maxConnectionMs ?? 23.5 * 3600_000,
      closeTimeoutMs: cfg.closeTimeoutMs ?? 2000,
    })
  );
  const rest = new MultiSnapshots({
    restUrl: cfg.restUrl ?? "https://api.binance.com",
    symbols,
    limit,
    ...(cfg.budgetFraction !== undefined ? { budgetFraction: cfg.budgetFraction } : {}),
    policy: cfg.snapshotPolicy ?? "priority",
    clock,
    wake,
    timeoutMs: cfg.snapshotTimeoutMs ?? 10_000,
  });
  return { books, conns, rest };
}
