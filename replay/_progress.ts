/**
 * The replay's progress line on a terminal: rewritten in place (`\r`, erase line) at most every
 * `intervalNs`, and cleared before any other line is written to the same stream, so a warning
 * never lands glued to the end of a progress line. Disabled (every call a no-op except
 * {@linkcode ProgressLine.line}) when the stream is not a terminal.
 * @module
 */
import type { Clock } from "../engine/clock.ts";

/** A synchronous byte stream (e.g. `Deno.stderr`). */
export interface SyncWriter {
  /** Write some bytes; returns how many were written. */
  writeSync(p: Uint8Array): number;
}

const CLEAR = "\r\x1b[K";

/** A progress line that other lines on the same stream clear first. */
export class ProgressLine {
  readonly #out: SyncWriter;
  readonly #clock: Clock;
  readonly #enabled: boolean;
  readonly #intervalNs: number;
  readonly #enc = new TextEncoder();
  #last: number;
  #shown = false;

  /** Progress on `out` when `enabled`, at most once per `intervalNs` of `clock` (none before the first interval). */
  constructor(out: SyncWriter, clock: Clock, enabled: boolean, intervalNs = 250e6) {
    this.#out = out;
    this.#clock = clock;
    this.#enabled = enabled;
    this.#intervalNs = intervalNs;
    this.#last = clock.monoNs();
  }

  #write(s: string): void {
    const b = this.#enc.encode(s);
    for (let off = 0; off < b.length;) off += this.#out.writeSync(b.subarray(off));
  }

  /** Show `text` as the progress line, unless one was shown less than an interval ago. */
  update(text: string): void {
    if (!this.#enabled) return;
    const now = this.#clock.monoNs();
    if (now - this.#last < this.#intervalNs) return;
    this.#last = now;
    this.#write(CLEAR + text);
    this.#shown = true;
  }

  /** Erase the progress line, if one is shown. */
  clear(): void {
    if (!this.#shown) return;
    this.#write(CLEAR);
    this.#shown = false;
  }

  /** Write `msg` as a line of its own: the progress line (if shown) is erased first. */
  line(msg: string): void {
    this.clear();
    this.#write(msg + "\n");
  }
}
