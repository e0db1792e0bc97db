/**
 * Private: the running counters of `HyperliquidHandler` (the {@linkcode HyperliquidStats} type
 * is re-exported by `handler.ts`) and the pure helper that logs the per-change-kind level
 * counters. Called every 20 books and at stop, not per message.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";

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
