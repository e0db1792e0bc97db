/**
 * The metrics channel between the engine thread and the logger Worker. The Worker blocks in
 * `Atomics.wait` and never reads messages after start, so requests travel through a small
 * shared control block and answers come back with `postMessage`:
 *
 * | Int32 index | meaning |
 * |---|---|
 * | 0 | request sequence number (incremented by the engine thread, last) |
 * | 1 | what is wanted: bit 0 the `/metrics` text (the instrument list always comes) |
 * | Float64 index 1 (byte 8) | the engine's monotonic ns at the request: "now" for ages |
 *
 * One request is in flight at a time; callers that arrive meanwhile share the next round, so
 * the control block is never rewritten under the Worker. The Worker checks it after every
 * drain (at least every 20 ms while idle).
 * @module
 */
import { MetricsRegistry, type QueueFigures, type RegistryOptions } from "./registry.ts";
import type { MetricsSnapshot } from "./snapshot.ts";

/** Bit of the `want` word: include the `/metrics` exposition text. */
export const WANT_TEXT = 1;

/** A fresh control block for {@linkcode MetricsLink} and {@linkcode MetricsResponder}. */
export function createMetricsControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(16);
}

/** The message the Worker posts in answer. */
export interface MetricsReply extends MetricsSnapshot {
  /** Always "metrics". */
  type: "metrics";
}

/** Worker side: keeps a {@linkcode MetricsRegistry} and answers requests from the control block. */
export class MetricsResponder {
  /** The registry fed with every decoded event. */
  readonly registry: MetricsRegistry;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #post: (m: MetricsReply) => void;
  #seen = 0;

  /** Answer requests arriving in `ctrl` by calling `post`. */
  constructor(ctrl: SharedArrayBuffer, post: (m: MetricsReply) => void, options: RegistryOptions = {}) {
    this.#i32 = new Int32Array(ctrl, 0, 2);
    this.#f64 = new Float64Array(ctrl, 8, 1);
    this.#post = post;
    this.registry = new MetricsRegistry(options);
  }

  /** Answer a pending request, if any. Cheap when there is none (one atomic load). */
  poll(q: QueueFigures): void {
    const seq = Atomics.load(this.#i32, 0);
    if (seq === this.#seen) return;
    this.#seen = seq;
    const want = Atomics.load(this.#i32, 1);
    const now = this.#f64[0]!;
    const reply: MetricsReply = {
      type: "metrics",
      seq,
      instruments: this.registry.instruments(now),
      queue: { depth: q.depth, capacity: q.capacity, dropped: q.dropped },
    };
    if (want & WANT_TEXT) reply.text = this.registry.render(now, q);
    this.#post(reply);
  }
}

interface Round {
  seq: number;
  want: number;
  waiters: { resolve: (s: MetricsSnapshot) => void; reject: (e: Error) => void }[];
  timer?: ReturnType<typeof setTimeout>;
}

/** Engine-thread side: asks the Worker for a snapshot; give it every `metrics` reply. */
export class MetricsLink {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #timeoutMs: number;
  #seq = 0;
  #inFlight: Round | null = null;
  #next: Round | null = null;
  #now: () => number;

  /** A link over `ctrl`; `now` gives the engine clock's monotonic ns; replies must come within `timeoutMs`. */
  constructor(ctrl: SharedArrayBuffer, now: () => number, timeoutMs = 2000) {
    this.#i32 = new Int32Array(ctrl, 0, 2);
    this.#f64 = new Float64Array(ctrl, 8, 1);
    this.#now = now;
    this.#timeoutMs = timeoutMs;
  }

  /** Ask for a snapshot (`want`: {@linkcode WANT_TEXT} for the exposition). Rejects after the timeout. */
  request(want = 0): Promise<MetricsSnapshot> {
    return new Promise((resolve, reject) => {
      const round = this.#inFlight === null
        ? this.#start()
        : (this.#next ??= { seq: 0, want: 0, waiters: [] });
      round.want |= want;
      round.waiters.push({ resolve, reject });
      if (round === this.#inFlight) this.#send(round);
    });
  }

  /** Deliver a Worker reply. Replies to rounds already given up are ignored. */
  onReply(m: MetricsReply): void {
    const round = this.#inFlight;
    if (round === null || m.seq !== round.seq) return;
    this.#finish(round);
    for (const w of round.waiters) w.resolve(m);
  }

  /** Reject every waiter (the Worker is gone). */
  fail(reason: string): void {
    for (const round of [this.#inFlight, this.#next]) {
      if (round === null) continue;
      clearTimeout(round.timer);
      for (const w of round.waiters) w.reject(new Error(reason));
    }
    this.#inFlight = null;
    this.#next = null;
  }

  #start(): Round {
    this.#inFlight = { seq: 0, want: 0, waiters: [] };
    return this.#inFlight;
  }

  #send(round: Round): void {
    if (round.seq !== 0) return; // already sent
    round.seq = ++this.#seq;
    this.#f64[0] = this.#now();
    Atomics.store(this.#i32, 1, round.want);
    Atomics.store(this.#i32, 0, round.seq);
    round.timer = setTimeout(() => {
      this.#finish(round);
      for (const w of round.waiters) w.reject(new Error("the logger Worker did not answer in time"));
    }, this.#timeoutMs);
  }

  #finish(round: Round): void {
    clearTimeout(round.timer);
    this.#inFlight = null;
    const next = this.#next;
    this.#next = null;
    if (next !== null) {
      this.#inFlight = next;
      this.#send(next);
    }
  }
}
