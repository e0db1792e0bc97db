/**
 * Private: the options and counters of `FastMultiSimulator` (the types re-exported by
 * `fast_multi_simulator.ts`).
 * @module
 */
import type { Clock } from "../../engine/clock.ts";

/** Options of `FastMultiSimulator.start`. */
export interface FastSimOptions {
  /** Upper-case symbols served. */
  symbols: string[];
  /** TCP port (default 0 = ephemeral). */
  port?: number;
  /** Seed of the first symbol (symbol k uses seed + k; default 1). */
  seed?: number;
  /** Depth frames per second of each symbol (default 250). */
  ratePerSymbol?: number;
  /** Timer period, ms (default 1; 0 = only `step`). */
  tickMs?: number;
  /** Levels changed per frame: 1..maxChanges (default 8). */
  maxChanges?: number;
  /** REQUEST_WEIGHT per minute (default 6000). */
  weightLimit?: number;
  /** Clock of the rate, the time base and the weight window (default: the system clock). */
  clock?: Clock;
  /**
   * Bytes queued for one client beyond which it is dropped as a slow reader, as the venue does
   * (default 64 MiB).
   */
  clientMaxBacklog?: number;
}

/** What `FastMultiSimulator` did. */
export interface FastSimStats {
  /** Depth frames sent (all connections count once per frame). */
  frames: number;
  /** Frames produced and not sent (`skip_update`). */
  skipped: number;
  /** Ticks that carried frames. */
  ticks: number;
  /** The most frames in one tick. */
  maxTickFrames: number;
  /** Bytes handed to sockets. */
  bytes: number;
  /** WebSocket connections accepted. */
  connections: number;
  /** WebSocket connections ended (closed, dropped, or dropped as slow readers). */
  disconnects: number;
  /** Time to build a tick's frames and hand them to every socket: sum and max, ns. */
  buildNsSum: number;
  /** See `buildNsSum`. */
  buildNsMax: number;
}

/** All counters at zero. */
export function newFastSimStats(): FastSimStats {
  return {
    frames: 0,
    skipped: 0,
    ticks: 0,
    maxTickFrames: 0,
    bytes: 0,
    connections: 0,
    disconnects: 0,
    buildNsSum: 0,
    buildNsMax: 0,
  };
}
