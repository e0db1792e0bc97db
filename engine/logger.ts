/**
 * `Logger`: the producer side of the logging pipeline. It writes fixed-size binary records
 * (layout in `events.ts`) into an SPSC ring that the logger Worker drains. The ring side
 * (names, records, poll scope, shutdown) is `_logger_ring.ts`; this adds the typed events.
 *
 * Hot-path contract: every method except `intern`, `handlerEvent` and `shutdown` writes one
 * record without allocating.
 *
 * Poll scope: between {@linkcode Logger.beginPoll} and {@linkcode Logger.endPoll} (the engine
 * wraps every `pollOnce` in them) records are stamped with the time read once at `beginPoll`
 * and committed to the ring without a cross-core store; `endPoll` publishes them (so does every
 * {@linkcode PUBLISH_EVERY}th record). The engine's own per-poll latency record ({@linkcode Logger.pollLatency}) is
 * deferred: alone it is not published at `endPoll` but with the next other record, after
 * {@linkcode DEFER_MAX} of them or {@linkcode DEFER_NS} of poll time, so a poll per message does
 * not wake a sleeping logger Worker per message (never lost: shutdown and every record published
 * outside a poll publish it too). That keeps a record at tens of nanoseconds. Outside a poll (I/O callbacks,
 * set-up) each record reads the clock and is published at once. Names (handler sources, latency labels) are interned once with
 * {@linkcode Logger.intern} and passed as small integer ids. Free text is UTF-8-encoded straight
 * into the record and truncated with "…". When the ring is full the record is dropped and
 * counted (see `queueDepth`), the caller never blocks.
 * @module
 */
import { EventKind, type ResyncReason } from "./events.ts";
import { LoggerRing } from "./_logger_ring.ts";

export { DEFER_MAX, DEFER_NS, type LoggerOptions, LoggerRing, PUBLISH_EVERY } from "./_logger_ring.ts";

/** Venue-specific milestones, as hft-rs's `HandlerEvent`. Convenience form; allocates. */
export type HandlerEvent =
  | { type: "connected"; url: string }
  | { type: "disconnected"; code: number; reason: string }
  | { type: "subscribed"; subscription: string }
  | { type: "snapshot_applied"; bids: number; asks: number; updateId: number }
  | { type: "synchronized"; updateId: number; buffered: number }
  | { type: "resync"; reason: ResyncReason; expected: number; received: number; detail: string }
  | { type: "warning"; message: string }
  | { type: "error"; message: string };

/** The producer handle of the logger: the ring ({@linkcode LoggerRing}) and the typed events. One thread only. */
export class Logger extends LoggerRing {
  /** `[engine] <source> started`. */
  started(source: number): boolean {
    return this.emit(EventKind.EngineStarted, source);
  }
  /** `[engine] <source> stopped`. */
  stopped(source: number): boolean {
    return this.emit(EventKind.EngineStopped, source);
  }
  /** Connection open. */
  connected(source: number, url: string): boolean {
    return this.emitText(EventKind.Connected, source, url);
  }
  /** Connection closed with a close code and reason. */
  disconnected(source: number, code: number, reason: string): boolean {
    return this.emitText(EventKind.Disconnected, source, reason, code);
  }
  /** A reconnect is scheduled after `delayMs` (attempt counts from 1). */
  reconnecting(source: number, attempt: number, delayMs: number): boolean {
    return this.emit(EventKind.Reconnecting, source, 0, attempt, delayMs);
  }
  /** A subscription was confirmed. */
  subscribed(source: number, subscription: string): boolean {
    return this.emitText(EventKind.Subscribed, source, subscription);
  }
  /** A snapshot was applied to the book. */
  snapshotApplied(source: number, bids: number, asks: number, updateId: number): boolean {
    return this.emit(EventKind.SnapshotApplied, source, 0, bids, asks, updateId);
  }
  /** The book is in sync with the stream at `updateId`. */
  synchronized(source: number, updateId: number, buffered: number): boolean {
    return this.emit(EventKind.Synchronized, source, 0, updateId, buffered);
  }
  /** The book is being rebuilt. */
  resync(source: number, reason: ResyncReason, expected: number, received: number, detail: string): boolean {
    return this.emitText(EventKind.Resync, source, detail, reason, expected, received);
  }
  /** Periodic per-handler diff counters. */
  diffStats(
    source: number,
    received: number,
    applied: number,
    skipped: number,
    levels: number,
    lastId: number,
  ): boolean {
    return this.emit(EventKind.DiffStats, source, 0, received, applied, skipped, levels, lastId);
  }
  /** Cumulative I/O counters of a handler: bytes received, capture bytes written, REST weight spent. */
  ioStats(source: number, received: number, captured: number, restWeight: number): boolean {
    return this.emit(EventKind.IoStats, source, 0, received, captured, restWeight);
  }
  /** One latency sample in ns under an interned label; the Worker histograms it. */
  latency(label: number, ns: number, source = 0): boolean {
    return this.emit(EventKind.Latency, source, label, ns);
  }
  /** A named counter value. */
  counter(source: number, label: number, value: number): boolean {
    return this.emit(EventKind.Counter, source, label, value);
  }
  /** Ask the Worker to print latency summaries and flush its sinks. */
  metricsFlushed(): boolean {
    return this.emit(EventKind.MetricsFlushed);
  }
  /** Report this ring's depth, capacity and drop count. */
  queueDepth(): boolean {
    const r = this.ring;
    return this.emit(EventKind.QueueDepth, 0, 0, r.len(), r.capacity, r.dropped());
  }
  /** An informational line. */
  info(source: number, text: string): boolean {
    return this.emitText(EventKind.Info, source, text);
  }
  /** A warning: something expected went wrong and was handled. */
  warning(source: number, text: string): boolean {
    return this.emitText(EventKind.Warning, source, text);
  }
  /** An error: something unexpected went wrong. */
  error(source: number, text: string): boolean {
    return this.emitText(EventKind.Error, source, text);
  }

  /** Emit a {@linkcode HandlerEvent}. Allocation-free itself, but the event object is not. */
  handlerEvent(source: number, ev: HandlerEvent): boolean {
    switch (ev.type) {
      case "connected":
        return this.connected(source, ev.url);
      case "disconnected":
        return this.disconnected(source, ev.code, ev.reason);
      case "subscribed":
        return this.subscribed(source, ev.subscription);
      case "snapshot_applied":
        return this.snapshotApplied(source, ev.bids, ev.asks, ev.updateId);
      case "synchronized":
        return this.synchronized(source, ev.updateId, ev.buffered);
      case "resync":
        return this.resync(source, ev.reason, ev.expected, ev.received, ev.detail);
      case "warning":
        return this.warning(source, ev.message);
      case "error":
        return this.error(source, ev.message);
    }
  }
}
