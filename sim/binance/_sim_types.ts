/**
 * Public option, fault and counter types of the Binance simulator (re-exported by
 * `simulator.ts`).
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import type { MarketOptions } from "./market.ts";

/** Fault switches of the simulator. */
export type SimFault =
  | "drop"
  | "skip_update"
  | "stale_snapshot"
  | "rate_limit"
  | "ban"
  | "malformed"
  | "server_shutdown"
  | "redirect"
  | "silence"
  | "binary";

/** All fault names, for CLI validation. */
export const SIM_FAULTS: readonly SimFault[] = [
  "drop",
  "skip_update",
  "stale_snapshot",
  "rate_limit",
  "ban",
  "malformed",
  "server_shutdown",
  "redirect",
  "silence",
  "binary",
];

/** Options of {@linkcode BinanceSimulator.start}. */
export interface SimulatorOptions {
  /** TCP port (default 0 = ephemeral). The host is always 127.0.0.1. */
  port?: number;
  /** Synthetic market options (ignored with `replayDir`). */
  market?: MarketOptions;
  /** Replay this capture directory instead of the synthetic market. */
  replayDir?: string;
  /** Real ms between batches (default 100; 0 = only {@linkcode BinanceSimulator.step}). */
  intervalMs?: number;
  /** Stop producing after this many batches (default: unlimited). */
  maxBatches?: number;
  /**
   * Faults to arm before sending batch number `atBatch` (1-based), or the `afterSnapshot`-th
   * batch after the first REST snapshot was served (independent of how fast a client starts).
   */
  faults?: ({ kind: SimFault; atBatch: number } | { kind: SimFault; afterSnapshot: number })[];
  /** Server ping interval in ms (default 20000, as Binance; 0 = never). */
  pingIntervalMs?: number;
  /** REQUEST_WEIGHT per minute (default 6000). */
  weightLimit?: number;
  /** `Retry-After` seconds of fault 429/418 answers (default 1). */
  retryAfterSec?: number;
  /** 429 answers per `rate_limit` fault (default 2). */
  rateLimitCount?: number;
  /** Delay between the serverShutdown event and the close, ms (default 200). */
  shutdownGraceMs?: number;
  /** Write ground-truth order events here, one JSON line each. */
  truthFile?: string;
  /** Clock for the weight window (default: system clock). */
  clock?: Clock;
}

/** Counters of what the simulator did. */
export interface SimStats {
  /** WebSocket connections accepted. */
  connections: number;
  /** REST depth answers with 200. */
  snapshots: number;
  /** REST answers with 429. */
  rateLimited: number;
  /** REST answers with 418. */
  banned: number;
  /** 301 answers. */
  redirects: number;
  /** Depth frames sent (per connection). */
  framesSent: number;
}
