/**
 * `--pace recorded`: replay a capture at the speed it was received. Each data line is due at
 * the first line's time plus its receive-time distance from the first line (`*.recv_ns`), on the
 * monotonic clock of the one clock seam (`engine/clock.ts`); a line that is due later than
 * {@linkcode PACE_SLACK_NS} from now is waited for with the given `sleep` (a fake clock's in
 * tests: the waits are then exactly the recorded gaps, no wall clock involved). Lines without a
 * receive time (0) are never waited for. `--pace max` is no pacer at all.
 * @module
 */
import type { Clock } from "../engine/clock.ts";

/** Waits shorter than this are not slept (the next line catches up), ns. */
export const PACE_SLACK_NS = 1_000_000;

/** Sleeps `ms` milliseconds (a timer; tests pass one that advances a fake clock). */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep: a timer. */
export const timerSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Paces lines by their recorded receive times (see the module doc). */
export class RecordedPace {
  /** Sleeps so far. */
  sleeps = 0;
  /** Total time slept, ns (as asked for). */
  sleptNs = 0;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  #t0 = NaN; // monotonic time of the first line
  #sec0 = 0; // its receive time
  #sub0 = 0;

  /** Pace on `clock`, waiting with `sleep`. */
  constructor(clock: Clock, sleep: Sleep = timerSleep) {
    this.#clock = clock;
    this.#sleep = sleep;
  }

  /** A line received at `recvSec`.`recvSubNs` is next: resolves when it is due (undefined: now). */
  wait(recvSec: number, recvSubNs: number): Promise<void> | undefined {
    if (recvSec === 0 && recvSubNs === 0) return undefined;
    const now = this.#clock.monoNs();
    if (this.#t0 !== this.#t0) {
      this.#t0 = now;
      this.#sec0 = recvSec;
      this.#sub0 = recvSubNs;
      return undefined;
    }
    const due = this.#t0 + (recvSec - this.#sec0) * 1e9 + (recvSubNs - this.#sub0);
    const ahead = due - now;
    if (ahead < PACE_SLACK_NS) return undefined;
    this.sleeps++;
    this.sleptNs += ahead;
    return this.#sleep(ahead / 1e6);
  }
}
