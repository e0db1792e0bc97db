/**
 * Private: the running counters of `HyperliquidHandler` and `HyperliquidMultiHandler` (the
 * {@linkcode HyperliquidStats} and {@linkcode MultiStats} types are re-exported by `handler.ts`
 * and `multi_handler.ts`) and the pure helper that logs the per-change-kind level
 * counters. Called every 20 books and at stop, not per message.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";

/** Counters of a `HyperliquidMultiHandler`. */
export interface MultiStats {
  /** Messages applied per book channel: slow l2Book, fast l2Book, bbo. */
  books: number;
  /** Fast l2Book messages. */
  fastBooks: number;
  /** bbo messages. */
  bbos: number;
  /** trades messages. */
  tradeMessages: number;
  /** Frames for a coin this handler does not serve (skipped). */
  unknownCoin: number;
  /** Malformed frames. */
  malformed: number;
  /** `error` frames. */
  venueErrors: number;
  /** Subscriptions acknowledged (all connections, all connects). */
  subscribed: number;
  /** Connections opened. */
  connections: number;
  /** Reconnects scheduled. */
  reconnects: number;
  /** Heartbeat timeouts. */
  pongTimeouts: number;
  /** Coins found silent for the stale limit (each then cleared and resubscribed). */
  staleCoins: number;
  /** Coins moved to a finer scale (or back to their base) to hold a value exactly. */
  rescales: number;
}

/** Running counters of the handler. */
export interface HyperliquidStats {
  /** Connections opened. */
  connections: number;
  /** Subscriptions confirmed. */
  subscribed: number;
  /** l2Book messages received. */
  books: number;
  /** trades messages received. */
  tradeMessages: number;
  /** Books skipped (malformed, or another coin). */
  skipped: number;
  /** Malformed frames. */
  malformed: number;
  /** `error` frames. */
  venueErrors: number;
  /** Crossed books received. */
  crossed: number;
  /** Pong timeouts. */
  pongTimeouts: number;
  /** Reconnects scheduled. */
  reconnects: number;
}

/** All counters at zero. */
export function newHyperliquidStats(): HyperliquidStats {
  return {
    connections: 0,
    subscribed: 0,
    books: 0,
    tradeMessages: 0,
    skipped: 0,
    malformed: 0,
    venueErrors: 0,
    crossed: 0,
    pongTimeouts: 0,
    reconnects: 0,
  };
}

/**
 * Log one `counter` event per level-change kind (index 0, "none", is skipped): `byKind[k]`
 * under the interned label `labels[k]` (`levels_<name>`).
 */
export function emitKindCounters(logger: Logger, src: number, byKind: Float64Array, labels: number[]): void {
  for (let k = 1; k < byKind.length; k++) logger.counter(src, labels[k]!, byKind[k]!);
}

/** Zeroed {@linkcode MultiStats}. */
export function newMultiStats(): MultiStats {
  return {
    books: 0,
    fastBooks: 0,
    bbos: 0,
    tradeMessages: 0,
    unknownCoin: 0,
    malformed: 0,
    venueErrors: 0,
    subscribed: 0,
    connections: 0,
    reconnects: 0,
    pongTimeouts: 0,
    staleCoins: 0,
    rescales: 0,
  };
}
