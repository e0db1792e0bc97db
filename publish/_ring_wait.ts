/**
 * Private: an asynchronous sleep on a record ring for consumers that must keep their event loop
 * running (the NATS publisher Worker: its client does socket I/O in the same loop). The same
 * protocol as `RingConsumer.wait` (`spsc/layout.ts`: flag SLEEP, read WSEQ, re-check, then wait
 * on WSEQ), with `Atomics.waitAsync` instead of the blocking `Atomics.wait`; and
 * {@linkcode nextTurn}, the cheap yield a consumer polls with before it sleeps.
 * @module
 */
import { setImmediate } from "node:timers";
import { CLOSED, DATA_OFFSET, HEAD, SLEEP, TAIL, WSEQ } from "../spsc/layout.ts";

/**
 * Resolve on the next turn of the event loop, after pending I/O callbacks (`setImmediate`: a few
 * µs under Deno 2.9, where `setTimeout(0)` takes a timer tick, ~2.5 ms).
 */
export function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Waits for records on a ring without blocking the thread. */
export class AsyncRingWaiter {
  readonly #ctrl: Int32Array;

  /** Wait on the ring in `sab`. */
  constructor(sab: SharedArrayBuffer) {
    this.#ctrl = new Int32Array(sab, 0, DATA_OFFSET / 4);
  }

  #available(): boolean {
    return Atomics.load(this.#ctrl, HEAD) !== Atomics.load(this.#ctrl, TAIL);
  }

  /**
   * Resolve when records are readable, the ring is closed, or `timeoutMs` passed; true when it
   * really slept (gave the event loop a turn).
   */
  /**
   * The same wait, blocking the thread (`Atomics.wait`: one futex wake, no event-loop hop) for at
   * most `timeoutMs`; false when it timed out with nothing to read. The caller's event loop does
   * not run meanwhile: give it a turn after a timeout.
   */
  block(timeoutMs: number): boolean {
    const ctrl = this.#ctrl;
    Atomics.store(ctrl, SLEEP, 1);
    const seq = Atomics.load(ctrl, WSEQ);
    if (this.#available() || Atomics.load(ctrl, CLOSED) === 1) {
      Atomics.store(ctrl, SLEEP, 0);
      return true;
    }
    const r = Atomics.wait(ctrl, WSEQ, seq, timeoutMs);
    Atomics.store(ctrl, SLEEP, 0);
    return r !== "timed-out";
  }

  async wait(timeoutMs: number): Promise<boolean> {
    const ctrl = this.#ctrl;
    Atomics.store(ctrl, SLEEP, 1);
    const seq = Atomics.load(ctrl, WSEQ);
    if (this.#available() || Atomics.load(ctrl, CLOSED) === 1) {
      Atomics.store(ctrl, SLEEP, 0);
      return false;
    }
    const r = Atomics.waitAsync(ctrl, WSEQ, seq, timeoutMs);
    if (r.async) await r.value;
    Atomics.store(ctrl, SLEEP, 0);
    return r.async;
  }
}
