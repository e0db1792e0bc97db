/**
 * `Logger`: the producer side of the logging pipeline. It writes fixed-size binary records
 * (layout in `events.ts`) into an SPSC ring that the logger Worker drains.
 *
 * Hot-path contract: every method except `intern`, `handlerEvent` and `shutdown` writes one
 * record without allocating.
 *
 * Poll scope: between {@linkcode Logger.beginPoll} and {@linkcode Logger.endPoll} (the engine
 * wraps every `pollOnce` in them) records are stamped with the time read once at `beginPoll`
 * and committed to the ring without a cross-core store; `endPoll` publishes them (so does every
 * 32nd record). That keeps a record at tens of nanoseconds. Outside a poll (I/O callbacks,
 * set-up) each record reads the clock and is published at once. Names (handler sources, latency labels) are interned once with
 * {@linkcode Logger.intern} and passed as small integer ids. Free text is UTF-8-encoded straight
 * into the record and truncated with "…". When the ring is full the record is dropped and
 * counted (see `queueDepth`), the caller never blocks.
 * @module
 */
import { RingProducer } from "../spsc/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import { encodeHeader, encodeText } from "./codec.ts";
import { EventKind, type ResyncReason } from "./events.ts";

/** Options for {@linkcode Logger}. */
export interface LoggerOptions {
  /** Clock for record timestamps (default: the system clock). */
  clock?: Clock;
  /** Resolves when the consumer has drained and flushed everything (set by `startLogger`). */
  drained?: () => Promise<void>;
}

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

/** Most deferred poll-latency records left unpublished by {@linkcode Logger.endPoll}. */
export const DEFER_MAX = 16;
/** Longest a deferred poll-latency record stays unpublished while polls go on, ns (50 ms). */
export const DEFER_NS = 50e6;

/** The producer handle of the logger. One thread only. */
export class Logger {
  /** The ring this logger writes. */
  readonly ring: RingProducer;
  readonly #clock: Clock;
  readonly #drained: (() => Promise<void>) | undefined;
  readonly #names: string[] = [""];
  readonly #ids = new Map<string, number>();
  #sentNames = 1;
  #closed = false;
  #inPoll = false;
  #pollNs = 0;
  #eager = false; // a record other than a deferred poll latency is committed and unpublished
  #deferredNs = 0; // poll time of the oldest unpublished deferred poll latency
  #consumerError: string | undefined;

  /** Attach to a ring buffer whose consumer is a logger Worker (or a test). */
  constructor(sab: SharedArrayBuffer, options: LoggerOptions = {}) {
    this.ring = new RingProducer(sab);
    this.#clock = options.clock ?? systemClock;
    this.#drained = options.drained;
  }

  /** The clock stamping this logger's records. */
  get clock(): Clock {
    return this.#clock;
  }

  /** Id for `name`, registering it with the Worker on first use. Allocates on first use only. */
  intern(name: string): number {
    const have = this.#ids.get(name);
    if (have !== undefined) return have;
    const id = this.#names.length;
    if (id > 0xffff) throw new RangeError("too many interned names (max 65535)");
    this.#names.push(name);
    this.#ids.set(name, id);
    this.#flushNames();
    return id;
  }

  /** Write one record. Returns false when the ring was full (the drop is counted). */
  emit(kind: number, source = 0, label = 0, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0): boolean {
    if (this.#sentNames < this.#names.length && !this.#flushNames()) return false;
    const ring = this.ring;
    const off = ring.claim();
    if (off < 0) return false;
    if (this.#inPoll) {
      encodeHeader(ring.view, off, kind, source, label, this.#pollNs, a, b, c, d, e, f);
      this.#eager = true;
      ring.commit();
    } else {
      encodeHeader(ring.view, off, kind, source, label, this.#clock.monoNs(), a, b, c, d, e, f);
      ring.publish();
    }
    return true;
  }

  /** Write one record with text. Returns false when the ring was full. */
  emitText(kind: number, source: number, text: string, a = 0, b = 0, c = 0, label = 0): boolean {
    if (this.#sentNames < this.#names.length && !this.#flushNames()) return false;
    const ring = this.ring;
    const off = ring.claim();
    if (off < 0) return false;
    encodeHeader(
      ring.view,
      off,
      kind,
      source,
      label,
      this.#inPoll ? this.#pollNs : this.#clock.monoNs(),
      a,
      b,
      c,
      0,
      0,
      0,
    );
    encodeText(ring.bytes, ring.view, off, text);
    this.#eager = true;
    if (this.#inPoll) ring.commit();
    else ring.publish();
    return true;
  }

  /** Enter poll scope: read the clock once; later records share this time and are batched. */
  beginPoll(): void {
    this.#pollNs = this.#clock.monoNs();
    this.#inPoll = true;
  }

  /**
   * Leave poll scope and publish every record written in it — except when the only records
   * unpublished are {@linkcode Logger.pollLatency} ones, fewer than {@linkcode DEFER_MAX} and
   * the oldest from under {@linkcode DEFER_NS} ago: those wait for the next publish (never lost),
   * so a poll per message does not wake a sleeping consumer per message.
   */
  endPoll(): void {
    this.#inPoll = false;
    const p = this.ring.pending();
    if (p === 0) return;
    if (!this.#eager && p < DEFER_MAX && this.#pollNs - this.#deferredNs < DEFER_NS) return;
    this.ring.flush();
    this.#eager = false;
  }

  /** Publish any committed records now. */
  flush(): void {
    if (this.ring.pending() > 0) this.ring.flush();
    this.#eager = false;
  }

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
  /**
   * A poll's latency (the engine's, inside poll scope): as {@linkcode Logger.latency}, but
   * {@linkcode Logger.endPoll} may leave it unpublished until a later record, up to
   * {@linkcode DEFER_MAX} records or {@linkcode DEFER_NS}.
   */
  pollLatency(label: number, ns: number, source = 0): boolean {
    if (!this.#inPoll) return this.latency(label, ns, source);
    const eager = this.#eager;
    const first = this.ring.pending() === 0;
    const ok = this.emit(EventKind.Latency, source, label, ns);
    this.#eager = eager && this.ring.pending() > 0;
    if (first) this.#deferredNs = this.#pollNs;
    return ok;
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

  /**
   * Resolve once the ring has room for `n` more records (polls every millisecond), giving up
   * after `timeoutMs` or at once when the consumer has failed. Resolves to whether there is
   * room. For the few records that must not be dropped (errors at shutdown); not for the hot
   * path.
   */
  async whenRoom(n = 16, timeoutMs = 2000): Promise<boolean> {
    const ring = this.ring;
    const want = Math.min(n, ring.capacity);
    // A deadline in real time even under a fake record clock: this bounds a wait, it stamps nothing.
    const end = systemClock.monoNs() + timeoutMs * 1e6;
    while (ring.capacity - ring.len() < want) {
      if (this.#consumerError !== undefined || systemClock.monoNs() > end) return false;
      await new Promise((r) => setTimeout(r, 1));
    }
    return true;
  }

  /**
   * Tell the logger its consumer is gone (the Worker died): waits for room stop at once and
   * `shutdown()` does not wait for a drain that cannot happen.
   */
  consumerFailed(reason: string): void {
    this.#consumerError ??= reason;
  }

  /** Why the consumer failed, or undefined while it is healthy. */
  get consumerError(): string | undefined {
    return this.#consumerError;
  }

  /** Records dropped so far because the ring was full. */
  dropped(): number {
    return this.ring.dropped();
  }

  /**
   * Finish: write a `Shutdown` record (waiting up to `timeoutMs` for room if the ring is full,
   * so it is not dropped while the consumer is alive), close the ring, and resolve once the
   * consumer has drained every record pushed before it and flushed its sinks. Idempotent.
   * When the consumer has failed it resolves without waiting for a drain.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.endPoll();
      const room = await this.whenRoom(this.#names.length - this.#sentNames + 1, timeoutMs);
      if (room && this.#flushNames()) this.emit(EventKind.Shutdown);
      this.ring.close();
    }
    if (this.#drained && this.#consumerError === undefined) await this.#drained();
  }

  #flushNames(): boolean {
    const ring = this.ring;
    while (this.#sentNames < this.#names.length) {
      if (!ring.hasRoom()) return false;
      const off = ring.claim();
      if (off < 0) return false;
      const id = this.#sentNames;
      encodeHeader(ring.view, off, EventKind.Intern, 0, 0, this.#clock.monoNs(), id, 0, 0, 0, 0, 0);
      encodeText(ring.bytes, ring.view, off, this.#names[id]!);
      ring.publish();
      this.#sentNames++;
    }
    return true;
  }
}
