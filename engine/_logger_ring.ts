/**
 * Private: the ring side of `Logger` (`logger.ts`, which adds the typed events) — interned
 * names, raw records with and without text, the poll scope and its deferred poll-latency
 * records, waiting for room, the consumer's failure, and shutdown. See `logger.ts` for the
 * contract.
 * @module
 */
import { RingProducer } from "../spsc/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import { encodeText, HeaderWriter } from "./codec.ts";
import { EventKind } from "./events.ts";

/** Options of {@linkcode LoggerRing}. */
export interface LoggerOptions {
  /** Clock for record timestamps (default: the system clock). */
  clock?: Clock;
  /** Resolves when the consumer has drained and flushed everything (set by `startLogger`). */
  drained?: () => Promise<void>;
}

/** Records committed in a poll scope between two publications (`endPoll` publishes the rest). */
export const PUBLISH_EVERY = 256;

/** Most deferred poll-latency records left unpublished by {@linkcode LoggerRing.endPoll}. */
export const DEFER_MAX = 16;
/** Longest a deferred poll-latency record stays unpublished while polls go on, ns (50 ms). */
export const DEFER_NS = 50e6;

/** The ring side of {@linkcode Logger}: names, records, poll scope, shutdown. One thread only. */
export class LoggerRing {
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
  readonly #header: HeaderWriter;

  /** Attach to a ring buffer whose consumer is a logger Worker (or a test). */
  constructor(sab: SharedArrayBuffer, options: LoggerOptions = {}) {
    this.ring = new RingProducer(sab, { flushEvery: PUBLISH_EVERY });
    this.#clock = options.clock ?? systemClock;
    this.#drained = options.drained;
    this.#header = new HeaderWriter(sab);
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
      this.#header.write(off, kind, source, label, this.#pollNs, a, b, c, d, e, f);
      this.#eager = true;
      ring.commit();
    } else {
      this.#header.write(off, kind, source, label, this.#clock.monoNs(), a, b, c, d, e, f);
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
    this.#header.write(
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
   * unpublished are {@linkcode LoggerRing.pollLatency} ones, fewer than {@linkcode DEFER_MAX} and
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

  /**
   * A poll's latency (the engine's, inside poll scope): a `Latency` record, but
   * {@linkcode LoggerRing.endPoll} may leave it unpublished until a later record, up to
   * {@linkcode DEFER_MAX} records or {@linkcode DEFER_NS}.
   */
  pollLatency(label: number, ns: number, source = 0): boolean {
    if (!this.#inPoll) return this.emit(EventKind.Latency, source, label, ns);
    const eager = this.#eager;
    const first = this.ring.pending() === 0;
    const ok = this.emit(EventKind.Latency, source, label, ns);
    this.#eager = eager && this.ring.pending() > 0;
    if (first) this.#deferredNs = this.#pollNs;
    return ok;
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
      this.#header.write(off, EventKind.Intern, 0, 0, this.#clock.monoNs(), id, 0, 0, 0, 0, 0);
      encodeText(ring.bytes, ring.view, off, this.#names[id]!);
      ring.publish();
      this.#sentNames++;
    }
    return true;
  }
}
