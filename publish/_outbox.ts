/**
 * Private: the publisher Worker's bounded buffer of JetStream publishes not yet acknowledged.
 *
 * Contract:
 * - FIFO of at most `maxEntries` entries / `maxBytes` payload bytes; full: `push` returns false
 *   and the caller drops the message and counts it.
 * - Each entry is unsent, in flight or acknowledged; acknowledged entries leave from the head.
 *   At most `window` are in flight: `send` publishes without waiting (the ack comes back
 *   asynchronously to the Worker's reply subscription, which calls {@linkcode Outbox.ack} with
 *   the entry's `id`) — no promise or timer per message.
 * - An entry not acknowledged within the ack timeout ({@linkcode Outbox.expire}), a failed ack,
 *   or a disconnect ({@linkcode Outbox.suspend}) puts in-flight entries back to unsent; sending
 *   then restarts from the head, in order, once nothing is in flight and 100 ms passed (the
 *   Worker's periodic tick calls {@linkcode Outbox.pump}). The restart is a probe: only the
 *   first unacknowledged entry goes out until an ack says the stream stores again, then the
 *   whole window. So while the stream has no leader one publish is retried every 100 ms (not the
 *   whole window), and the retried entries are stored in their order: a later one cannot be
 *   stored while an earlier one is still refused. A late ack of an entry already put back still
 *   counts (same `Nats-Msg-Id`: a resend is stored once).
 * - Stream order is kept in every case but one: publishes in flight when the stream's leader is
 *   lost without a refusal (its route still up, the messages silently dropped) are found only at
 *   the ack timeout; a later publish stored meanwhile by a new leader precedes their resend.
 *   Excluding that needs each publish to name the stream sequence of the previous one on its
 *   subject (`Nats-Expected-Last-Subject-Sequence`), known only from its ack: one round trip per
 *   message per subject. Consumers hold and reorder (`_book_apply.ts`).
 * - Entries are pooled (a ring of reused objects, grown up to `maxEntries`): no allocation per
 *   message once warm.
 * @module
 */

/** One message to publish. */
export interface OutEntry {
  /** Position in the outbox's sequence of pushes (the ack's token). */
  id: number;
  /** Subject. */
  subject: string;
  /** Payload. */
  payload: Uint8Array;
  /** Header block (`Nats-Msg-Id`). */
  header: Uint8Array;
  /** 0 unsent, 1 in flight, 2 acknowledged. */
  state: 0 | 1 | 2;
  /** When it was last sent (ms, the Worker's clock). */
  sentAt: number;
}

/** Publishes one entry (its reply subject carries `e.id`); must not throw for expected errors. */
export type SendFn = (e: OutEntry) => void;

/** Counters of an {@linkcode Outbox}. */
export interface OutboxStats {
  /** Entries accepted. */
  accepted: number;
  /** Entries acknowledged (stored). */
  acked: number;
  /** Acks that said duplicate (a retry of something already stored). */
  duplicates: number;
  /** Publishes retried (ack failed or timed out, or cut by a disconnect). */
  retries: number;
}

/** The bounded, windowed FIFO. */
export class Outbox {
  readonly stats: OutboxStats = { accepted: 0, acked: 0, duplicates: 0, retries: 0 };
  #ring: OutEntry[] = [];
  #head = 0; // id of the oldest entry held
  #tail = 0; // id the next push takes
  #next = 0; // id the next send looks at
  #inflight = 0;
  #bytes = 0;
  #rewind = false;
  #probe = false; // after a failure: one in flight until an ack says the stream stores again
  #holdUntil = 0; // after a failure, resend no sooner than this (not in a hot loop)
  /** False stops sending (disconnected). */
  open = true;
  readonly #send: SendFn;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #window: number;
  #onIdle: (() => void) | undefined;
  /** The clock (ms). */
  now: () => number = () => performance.now();

  /** A buffer of at most `maxEntries` / `maxBytes`, `window` publishes in flight. */
  constructor(send: SendFn, maxEntries: number, maxBytes: number, window: number) {
    this.#send = send;
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#window = window;
  }

  /** Entries held (unsent, in flight, or acknowledged but not yet at the head). */
  get size(): number {
    return this.#tail - this.#head;
  }

  /** Publishes in flight. */
  get inflight(): number {
    return this.#inflight;
  }

  #at(id: number): OutEntry {
    return this.#ring[id % this.#ring.length]!;
  }

  /** Add a message (unsent) unless the buffer is full; false = full, the caller drops it. */
  push(subject: string, payload: Uint8Array, header: Uint8Array): boolean {
    const n = this.size;
    if (n >= this.#maxEntries || this.#bytes + payload.length > this.#maxBytes) return false;
    if (n === this.#ring.length) this.#grow();
    const e = this.#at(this.#tail);
    e.id = this.#tail++;
    e.subject = subject;
    e.payload = payload;
    e.header = header;
    e.state = 0;
    this.#bytes += payload.length;
    this.stats.accepted++;
    return true;
  }

  // Double the pool (up to maxEntries), keeping the held entries at their ids.
  #grow(): void {
    const old = this.#ring;
    const cap = Math.min(this.#maxEntries, Math.max(1024, old.length * 2));
    const ring: OutEntry[] = new Array(cap);
    for (let id = this.#head; id < this.#tail; id++) ring[id % cap] = old[id % old.length]!;
    for (let i = 0; i < cap; i++) {
      ring[i] ??= { id: -1, subject: "", payload: EMPTY, header: EMPTY, state: 2, sentAt: 0 };
    }
    this.#ring = ring;
  }

  /** Send what the window allows. */
  pump(): void {
    if (!this.open) return;
    if (this.#rewind) {
      if (this.#inflight > 0) return; // resend in order once nothing is in flight
      if (this.now() < this.#holdUntil) return; // the Worker's tick pumps again
      this.#rewind = false;
      this.#probe = true;
      this.#next = this.#head;
    }
    if (this.#next < this.#head) this.#next = this.#head;
    const t = this.now();
    const window = this.#probe ? 1 : this.#window;
    while (this.#inflight < window && this.#next < this.#tail) {
      const e = this.#at(this.#next++);
      if (e.state !== 0) continue;
      e.state = 1;
      e.sentAt = t;
      this.#inflight++;
      this.#send(e);
    }
  }

  /** The ack of entry `id` arrived (late or repeated acks are taken or ignored as they fit). */
  ack(id: number, r: "stored" | "duplicate" | "retry"): void {
    if (id < this.#head || id >= this.#tail) return; // already acknowledged and gone
    const e = this.#at(id);
    if (e.state === 2) return;
    if (e.state === 1) this.#inflight--;
    if (r === "retry") {
      if (e.state === 1) this.#putBack(e);
    } else {
      e.state = 2;
      this.#probe = false;
      this.stats.acked++;
      if (r === "duplicate") this.stats.duplicates++;
      this.#advance();
    }
    this.#pumpSoon();
  }

  // One pump after a run of acks (they arrive many per socket read): one socket write, not one
  // per ack.
  #pumpQueued = false;
  #pumpSoon(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.pump();
    });
  }

  #putBack(e: OutEntry): void {
    e.state = 0;
    this.stats.retries++;
    this.#rewind = true;
    this.#holdUntil = this.now() + RETRY_PAUSE_MS;
  }

  // Acknowledged entries leave from the head.
  #advance(): void {
    while (this.#head < this.#tail) {
      const h = this.#at(this.#head);
      if (h.state !== 2) break;
      this.#bytes -= h.payload.length;
      h.payload = EMPTY;
      h.header = EMPTY;
      this.#head++;
    }
    if (this.size === 0 && this.#onIdle) {
      const f = this.#onIdle;
      this.#onIdle = undefined;
      f();
    }
  }

  /** Put every in-flight entry sent before `now - timeoutMs` back to unsent; returns how many. */
  expire(timeoutMs: number): number {
    if (this.#inflight === 0) return 0;
    const before = this.now() - timeoutMs;
    let n = 0;
    for (let id = this.#head; id < this.#next && id < this.#tail; id++) {
      const e = this.#at(id);
      if (e.state === 1 && e.sentAt <= before) {
        this.#inflight--;
        this.#putBack(e);
        n++;
      }
    }
    return n;
  }

  /** The connection dropped: stop sending; what was in flight will be resent from the head. */
  suspend(): void {
    this.open = false;
    for (let id = this.#head; id < this.#next && id < this.#tail; id++) {
      const e = this.#at(id);
      if (e.state === 1) this.#putBack(e);
    }
    this.#inflight = 0;
    this.#rewind = true;
  }

  /** Resolve when nothing is left unacknowledged (or at once when empty). */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.#onIdle = r);
  }
}

const EMPTY = new Uint8Array(0);
/** Pause before resending after a failure (e.g. the stream is missing for a moment), ms. */
const RETRY_PAUSE_MS = 100;
