/**
 * Private: the construction of `BinanceMultiHandler`'s parts from its configuration — one
 * {@linkcode SymbolBook} per symbol (sharing the handler's parser output), the connections of
 * the stream plan, and the shared snapshot requests — with the defaults of `BinanceMultiConfig`
 * for the market (spot or USD-M). Once, at construction.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import type { ParsedFrame } from "./parse.ts";
import { SymbolBook } from "./symbol_book.ts";
import { planStreams } from "./stream_plan.ts";
import { defaultRestUrl, defaultWsBase, MESSAGES_PER_SECOND } from "./markets.ts";
import { MultiConn } from "./_multi_conn.ts";
import { MultiSnapshots } from "./_multi_rest.ts";
import type { BinanceMultiConfig } from "./_multi_config.ts";

/** The parts of a many-symbol handler; RangeError from the plan on bad symbols or limits. */
export function buildMulti(
  cfg: BinanceMultiConfig,
  pf: ParsedFrame,
  clock: Clock,
  wake: () => void,
): { books: SymbolBook[]; conns: MultiConn[]; rest: MultiSnapshots } {
  const symbols = cfg.symbols.map((s) => s.toUpperCase());
  const market = cfg.market ?? "spot";
  const limit = cfg.snapshotLimit ?? 1000;
  const plan = planStreams(symbols, {
    wsUrl: cfg.wsUrl ?? defaultWsBase(market),
    mode: cfg.subscribe ?? "url",
    ...(cfg.perConnection !== undefined ? { perConnection: cfg.perConnection } : {}),
    ...(cfg.perMessage !== undefined ? { perMessage: cfg.perMessage } : {}),
    trades: cfg.trades === true,
    market,
    ...(cfg.depthStream !== undefined ? { speed: cfg.depthStream } : {}),
  });
  const opts = {
    snapshotLimit: limit,
    market,
    ...(cfg.instruments ? { instruments: cfg.instruments } : {}),
    ...(cfg.onSubscriberError ? { onSubscriberError: cfg.onSubscriberError } : {}),
  };
  const books = symbols.map((s) => new SymbolBook(s, pf, opts));
  const perSecond = cfg.controlPerSecond ?? MESSAGES_PER_SECOND[market] - 1;
  const conns = plan.map((p) =>
    new MultiConn(p, {
      clock,
      wake,
      backoff: cfg.backoff ?? { baseMs: 250, maxMs: 30_000 },
      perSecond,
      maxHops: cfg.maxRedirects ?? 3,
      maxConnectionMs: cfg.maxConnectionMs ?? 23.5 * 3600_000,
      closeTimeoutMs: cfg.closeTimeoutMs ?? 2000,
      ...(cfg.transport !== undefined ? { transport: cfg.transport } : {}),
      ...(cfg.readAhead !== undefined ? { readAhead: cfg.readAhead } : {}),
    })
  );
  const rest = new MultiSnapshots({
    restUrl: cfg.restUrl ?? defaultRestUrl(market),
    market,
    symbols,
    limit,
    ...(cfg.budgetFraction !== undefined ? { budgetFraction: cfg.budgetFraction } : {}),
    ...(cfg.banMinMs !== undefined ? { banMinMs: cfg.banMinMs } : {}),
    policy: cfg.snapshotPolicy ?? "priority",
    clock,
    wake,
    timeoutMs: cfg.snapshotTimeoutMs ?? 10_000,
  });
  return { books, conns, rest };
}
