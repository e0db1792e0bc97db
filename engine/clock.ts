/**
 * The one clock seam of hft-ts. Everything that needs the time asks a {@linkcode Clock};
 * only {@linkcode systemClock} reads the real clocks, so replay and tests can be made
 * deterministic with {@linkcode FakeClock}.
 *
 * Units: nanoseconds as a `number`. `monoNs` is monotonic from an arbitrary origin (exact to
 * the timer step, about 80 ns here). `wallNs` is nanoseconds since the Unix epoch; as an f64 it
 * is exact to 256 ns at today's epoch values, which is below the timer step of the sources it is
 * derived from.
 * @module
 */

/** A source of time. */
export interface Clock {
  /** Monotonic nanoseconds from an arbitrary origin. Never goes backwards. */
  monoNs(): number;
  /** Nanoseconds since the Unix epoch (wall clock). */
  wallNs(): number;
}

const ORIGIN_MS = performance.timeOrigin;

/** The real clock: `performance.now()` for monotonic time, `timeOrigin + now()` for wall time. */
export const systemClock: Clock = {
  monoNs(): number {
    return performance.now() * 1e6;
  },
  wallNs(): number {
    return Math.round((ORIGIN_MS + performance.now()) * 1e3) * 1e3;
  },
};

/** A manually advanced clock for tests and replay. Both readings move together. */
export class FakeClock implements Clock {
  #mono: number;
  #wall: number;
  /** Start at `monoNs` on the monotonic scale and `wallNs` on the wall scale. */
  constructor(monoNs = 0, wallNs = 1_700_000_000_000_000_000) {
    this.#mono = monoNs;
    this.#wall = wallNs;
  }
  /** Current monotonic time in ns. */
  monoNs(): number {
    return this.#mono;
  }
  /** Current wall time in ns since the epoch. */
  wallNs(): number {
    return this.#wall;
  }
  /** Move both clocks forward by `ns` nanoseconds. */
  advance(ns: number): void {
    if (ns < 0) throw new RangeError("FakeClock cannot go backwards");
    this.#mono += ns;
    this.#wall += ns;
  }
}
