/**
 * Private: public option, fault and event types of the Hyperliquid simulator (re-exported by
 * `simulator.ts`).
 * @module
 */
import type { LongTimerOptions } from "../../engine/timer.ts";

/** A fault the simulator can inject. */
export type HlSimFault = "disconnect" | "error" | "silence" | "cross";

/** Something a test can wait for with `HyperliquidSimulator.waitFor`. */
export type HlSimEvent = "connection" | "subscribed" | "ping" | "closed";

/** Options for `HyperliquidSimulator.start`. */
export interface HlSimOptions {
  /** TCP port (default 0 = ephemeral). The host is always 127.0.0.1. */
  port?: number;
  /** Coin served (default "BTC"; in replay mode the lines' coin). */
  coin?: string;
  /** Coins served (synthetic mode; overrides `coin`), each with its own seeded book. */
  coins?: string[];
  /** Publish the slow 20-level l2Book every `slowEvery` steps (default 1); fast and bbo every step. */
  slowEvery?: number;
  /** Subscriptions allowed across all connections (default 1000); beyond: an error frame. */
  maxSubscriptions?: number;
  /** Connections allowed at once (default 10); beyond: an error frame and a close. */
  maxConnections?: number;
  /** Seed of the synthetic book (default 1). */
  seed?: number;
  /** Publish a book every `intervalMs` (default 0 = only on `step()`). */
  intervalMs?: number;
  /** A trades frame every `tradeEvery` synthetic books (default 3; 0 = none). */
  tradeEvery?: number;
  /** Replay these raw lines (l2Book / trades frames) instead of a synthetic book. */
  lines?: string[];
  /** Close connections that sent nothing for this long, ms (default 60 000; 0 = never). */
  idleTimeoutMs?: number;
  /** First book time, ms since the epoch (synthetic mode; default 1 700 000 000 000). */
  startTimeMs?: number;
  /** Coins whose synthetic book is PEPE-sized (prices ~0.00000123, sizes past 10^11; `szDecimals` 0). */
  pepeCoins?: string[];
  /** `szDecimals` per coin in `POST /info` meta/spotMeta (default 5; 0 for `pepeCoins`). */
  szDecimals?: Record<string, number>;
  /** The first `infoFailures` `POST /info` requests are answered 500 (default 0). */
  infoFailures?: number;
  /** Clock and timers behind `intervalMs` and `idleTimeoutMs` (default: the real ones). */
  timing?: LongTimerOptions;
}
