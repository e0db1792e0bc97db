/**
 * A handler's inbox, shared by every venue: a single-threaded FIFO of raw input queued by I/O
 * callbacks (frame text plus receive times, or a connection event) and drained by `pollOnce`.
 *
 * Contract:
 * - Single-threaded: the callbacks and the poll run on the same thread; no locking.
 * - Preallocated parallel arrays in a power-of-two ring: a push or shift allocates nothing;
 *   strings are kept by reference and released on `shift()`.
 * - Never drops (capture and sync must see everything): when full it doubles, keeping order.
 * - Entry kinds and the meaning of the numbers a..d are the venue's (its `InKind`).
 * @module
 */

/** Numbers per entry (a, b, c, d); what they mean is up to each venue's entry kinds. */
export const INBOX_NUMS = 4;
const NUMS = INBOX_NUMS;

/**
 * FIFO of input entries: a ring of preallocated parallel arrays (one string slot, a kind byte,
 * monotonic and wall receive times, {@linkcode INBOX_NUMS} numbers). Read the oldest entry at
 * `head` with the slot accessors, then `shift()`.
 */
export class Inbox {
  #cap: number;
  #text: string[];
  #kind: Uint8Array;
  #mono: Float64Array;
  #wall: Float64Array;
  #num: Float64Array; // NUMS per entry
  #head = 0;
  #len = 0;
  /** UTF-16 code units of all text queued so far (bytes, for the ASCII JSON venues send), plus the bytes of binary frames. */
  textUnits = 0;
  /**
   * Called by `shift()` when it empties the inbox (e.g. a socket paused by backpressure reads
   * again). Must not push or shift.
   */
  onDrained: (() => void) | null = null;

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
    // A binary frame (its ArrayBuffer, queued as it came) counts its bytes, never NaN.
    this.textUnits += typeof text === "string" ? text.length : byteLengthOf(text);
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
    if (--this.#len === 0 && this.onDrained !== null) this.onDrained();
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

function byteLengthOf(data: unknown): number {
  const n = (data as { byteLength?: unknown } | null)?.byteLength;
  return typeof n === "number" ? n : 0;
}
