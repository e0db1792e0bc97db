/**
 * The handler's inbox: a single-threaded FIFO of raw input queued by I/O callbacks and drained
 * by `pollOnce`. Preallocated parallel arrays (string slots, kinds, two f64 times, four f64
 * numbers); it doubles when full (never drops: capture and sync must see everything).
 * @module
 */

/** Inbox entry kinds. */
export const InKind = {
  /** A WebSocket text frame: text = frame, a = generation of the socket it came from. */
  Message: 1,
  /** The socket opened: text = URL, a = generation. */
  Open: 2,
  /** The socket closed: text = reason, a = generation, b = close code. */
  Close: 3,
  /** A connect attempt failed: text = error, a = generation. */
  ConnectFailed: 4,
  /**
   * A snapshot response: text = body, a = HTTP status (0 = network error or timeout), b =
   * Retry-After s (NaN), c = used weight (NaN), d = the request's tag (`BookSync.snapshotRequested`).
   */
  Snapshot: 5,
  /** The connection reached its planned lifetime (24 h rule): a = generation. */
  Renew: 6,
} as const;

/** Numbers per entry (a, b, c, d). */
const NUMS = 4;

/** FIFO of input entries. */
export class Inbox {
  #cap: number;
  #text: string[];
  #kind: Uint8Array;
  #mono: Float64Array;
  #wall: Float64Array;
  #num: Float64Array; // NUMS per entry
  #head = 0;
  #len = 0;

  /** Room for `capacity` entries (a power of two) before growing. */
  constructor(capacity = 1 << 14) {
    this.#cap = capacity;
    this.#text = new Array<string>(capacity).fill("");
    this.#kind = new Uint8Array(capacity);
    this.#mono = new Float64Array(capacity);
    this.#wall = new Float64Array(capacity);
    this.#num = new Float64Array(capacity * NUMS);
  }

  /** Entries queued. */
  get length(): number {
    return this.#len;
  }

  /** Queue an entry. No allocation unless the inbox must grow. */
  push(kind: number, text: string, monoNs: number, wallNs: number, a = 0, b = 0, c = 0, d = 0): void {
    if (this.#len === this.#cap) this.#grow();
    const i = (this.#head + this.#len) & (this.#cap - 1);
    this.#kind[i] = kind;
    this.#text[i] = text;
    this.#mono[i] = monoNs;
    this.#wall[i] = wallNs;
    this.#num[i * NUMS] = a;
    this.#num[i * NUMS + 1] = b;
    this.#num[i * NUMS + 2] = c;
    this.#num[i * NUMS + 3] = d;
    this.#len++;
  }

  /** Index of the oldest entry (valid while `length > 0`); read it, then `shift()`. */
  get head(): number {
    return this.#head;
  }
  /** Kind at slot `i`. */
  kind(i: number): number {
    return this.#kind[i]!;
  }
  /** Text at slot `i`. */
  text(i: number): string {
    return this.#text[i]!;
  }
  /** Monotonic receive time at slot `i`, ns. */
  monoNs(i: number): number {
    return this.#mono[i]!;
  }
  /** Wall receive time at slot `i`, ns since the epoch. */
  wallNs(i: number): number {
    return this.#wall[i]!;
  }
  /** Number `k` (0..3, i.e. a..d) at slot `i`. */
  num(i: number, k: number): number {
    return this.#num[i * NUMS + k]!;
  }

  /** Drop the oldest entry (releases its string). */
  shift(): void {
    this.#text[this.#head] = "";
    this.#head = (this.#head + 1) & (this.#cap - 1);
    this.#len--;
  }

  #grow(): void {
    const cap = this.#cap * 2;
    const text = new Array<string>(cap).fill("");
    const kind = new Uint8Array(cap);
    const mono = new Float64Array(cap);
    const wall = new Float64Array(cap);
    const num = new Float64Array(cap * NUMS);
    for (let k = 0; k < this.#len; k++) {
      const i = (this.#head + k) & (this.#cap - 1);
      text[k] = this.#text[i]!;
      kind[k] = this.#kind[i]!;
      mono[k] = this.#mono[i]!;
      wall[k] = this.#wall[i]!;
      num[k * NUMS] = this.#num[i * NUMS]!;
      num[k * NUMS + 1] = this.#num[i * NUMS + 1]!;
      num[k * NUMS + 2] = this.#num[i * NUMS + 2]!;
      num[k * NUMS + 3] = this.#num[i * NUMS + 3]!;
    }
    this.#cap = cap;
    this.#text = text;
    this.#kind = kind;
    this.#mono = mono;
    this.#wall = wall;
    this.#num = num;
    this.#head = 0;
  }
}
