/**
 * Timers of any length. `setTimeout` holds a delay in a signed 32-bit integer: past 2^31-1 ms
 * (24.8 days) it fires after 1 ms instead. {@linkcode setLongTimeout} and
 * {@linkcode setLongInterval} chain timers of at most {@linkcode MAX_TIMER_MS} and compare
 * against the {@linkcode Clock} before firing, so a 30-day delay means 30 days. The timer
 * functions themselves are a seam ({@linkcode Timers}) so a test drives them with a fake clock
 * and fires them by hand, with no real waiting.
 * @module
 */
import { type Clock, systemClock } from "./clock.ts";

/** The longest delay one `setTimeout` honours, in ms (2^31 - 1). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The timer functions a long timer is built on (default: the global ones). */
export interface Timers {
  /** Call `fn` once after `ms` (never more than {@linkcode MAX_TIMER_MS}); returns a handle. */
  set(fn: () => void, ms: number): unknown;
  /** Cancel a handle from `set`. */
  clear(handle: unknown): void;
}

/** The real timers: `setTimeout` / `clearTimeout`. */
export const systemTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A running long timer. */
export interface LongTimer {
  /** Cancel it (idempotent). */
  clear(): void;
}

/** Where a long timer reads the time and sets its steps (defaults: system clock and timers). */
export interface LongTimerOptions {
  /** The clock compared against before firing. */
  clock?: Clock;
  /** The timer functions. */
  timers?: Timers;
}

/**
 * Call `fn` once, `ms` milliseconds from now by `clock` (any finite `ms` >= 0). Throws a
 * RangeError for a negative or non-finite `ms`.
 */
export function setLongTimeout(fn: () => void, ms: number, options: LongTimerOptions = {}): LongTimer {
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new RangeError(`timer delay must be a finite ms >= 0, got ${ms}`);
  }
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const dueNs = clock.monoNs() + ms * 1e6;
  let handle: unknown;
  let live = true;
  const arm = (): void => {
    const leftMs = (dueNs - clock.monoNs()) / 1e6;
    if (leftMs <= 0) {
      live = false;
      fn();
      return;
    }
    handle = timers.set(arm, Math.min(Math.ceil(leftMs), MAX_TIMER_MS));
  };
  arm();
  return {
    clear(): void {
      if (live) timers.clear(handle);
      live = false;
    },
  };
}

/**
 * Call `fn` every `ms` milliseconds (`ms` > 0, finite), each period measured from the previous
 * call. Throws a RangeError for a bad `ms`.
 */
export function setLongInterval(fn: () => void, ms: number, options: LongTimerOptions = {}): LongTimer {
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`timer period must be a finite ms > 0, got ${ms}`);
  }
  let current: LongTimer;
  let live = true;
  const tick = (): void => {
    if (!live) return;
    current = setLongTimeout(tick, ms, options);
    fn();
  };
  current = setLongTimeout(tick, ms, options);
  return {
    clear(): void {
      live = false;
      current.clear();
    },
  };
}
