/**
 * Private: the publisher Worker's bounded buffer of messages not yet acknowledged by JetStream.
 * FIFO; each entry is unsent, in flight or acknowledged; acknowledged entries leave from the
 * head. At most `window` publishes are in flight (acks are awaited in windows, not one round trip
 * per message). A failed publish goes back to unsent and everything from the head is resent in
 * order, once nothing is in flight (so a retry never overtakes a later message). Full (entries or
 * bytes): the caller drops the new message and counts it. Allocates an entry per message (off the
 * engine thread).
 * @module
 */

/** One message to publish. */
export interface OutEntry {
  /** Subject. */
  subject: string;
  /** Payload. */
  payload: Uint8Array;
  /** `Nats-Msg-Id`. */
  msgId: string;
  /** 0 unsent, 1 in flight, 2 acknowledged. */
  state: 0 | 1 | 2;
}

/** Sends one entry; resolves true when stored (or a duplicate), false when it must be retried. */
export type SendFn = (e: OutEntry) => Promise<"stored" | "duplicate" | "retry">;

/** Counters of an {@linkcode Outbox}. */
export interface OutboxStats {
  /** Entries accepted. */
  accepted: number;
  /** Entries acknowledged (stored). */
  acked: number;
  /** Acks that said duplicate (a retry of something already stored). */
  duplicates: number;
  /** Publishes retried. */
  retries: number;
}

/** The bounded, windowed FIFO. */
export class Outbox {
  readonly stats: OutboxStats = { accepted: 0, acked: 0, duplicates: 0, retries: 0 };
  #q: OutEntry[] = [];
  #head = 0;
  #next = 0;
  #inflight = 0;
  #bytes = 0;
  #rewind = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** False stops sending (disconnected); in-flight publishes still settle. */
  open = true;
  readonly #send: SendFn;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #window: number;
  #onIdle: (() => void) | undefined;

  /** A buffer of at most `maxEntries` / `maxBytes`, `window` publishes in flight. */
  constructor(send: SendFn, maxEntries: number, maxBytes: number, window: number) {
    this.#send = send;
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#window = window;
  }

  /**
   * The connection dropped: stop sending, and once everything in flight settled (acked, or timed
   * out), resend from the head in order — so nothing sent after the reconnect overtakes a
   * publish whose ack was lost with the connection.
   */
  suspend(): void {
    this.open = false;
    this.#rewind = true;
  }

  /** Entries held (unsent, in flight, or acknowledged but not yet at the head). */
  get size(): number {
    return this.#q.length - this.#head;
  }

  /** Publishes in flight. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Add `e` (unsent) unless the buffer is full; false = full, the caller drops it. */
  push(e: OutEntry): boolean {
    if (this.size >= this.#maxEntries || this.#bytes + e.payload.length > this.#maxBytes) return false;
    this.#q.push(e);
    this.#bytes += e.payload.length;
    this.stats.accepted++;
    this.pump();
    return true;
  }

  /** Send what the window allows. */
  pump(): void {
    if (!this.open) return;
    if (this.#rewind) {
      if (this.#inflight > 0) return; // resend in order once nothing is in flight
      this.#rewind = false;
      this.#next = this.#head;
    }
    const q = this.#q;
    while (this.#inflight < this.#window && this.#next < q.length) {
      const e = q[this.#next++]!;
      if (e.state !== 0) continue;
      e.state = 1;
      this.#inflight++;
      this.#send(e).then((r) => this.#settled(e, r), () => this.#settled(e, "retry"));
    }
  }

  /** Resolve when nothing is left unacknowledged (or at once when empty). */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.#onIdle = r);
  }

  #settled(e: OutEntry, r: "stored" | "duplicate" | "retry"): void {
    this.#inflight--;
    if (r === "retry") {
      e.state = 0;
      this.stats.retries++;
      this.#rewind = true;
      // Retry after a pause, not in a hot loop (e.g. the stream is missing for a moment).
      this.#retryTimer ??= setTimeout(() => {
        this.#retryTimer = undefined;
        this.pump();
      }, 100);
      return;
    } else {
      e.state = 2;
      this.stats.acked++;
      if (r === "duplicate") this.stats.duplicates++;
      const q = this.#q;
      while (this.#head < q.length && q[this.#head]!.state === 2) {
        this.#bytes -= q[this.#head]!.payload.length;
        this.#head++;
      }
      if (this.#head > 4096 && this.#head * 2 > q.length) {
        this.#q = q.slice(this.#head);
        this.#next -= this.#head;
        this.#head = 0;
      }
      if (this.size === 0 && this.#onIdle) {
        const f = this.#onIdle;
        this.#onIdle = undefined;
        f();
      }
    }
    this.pump();
  }
}
