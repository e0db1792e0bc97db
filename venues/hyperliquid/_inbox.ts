/**
 * The handler's input queue: I/O callbacks push raw input here (frame text plus receive times,
 * or a connection event) and `pollOnce` drains it. FIFO, unbounded (grows by doubling; the
 * engine drains it on every wake), single-threaded: the callbacks and the poll run on the same
 * thread. Strings are kept by reference; no per-message allocation once grown.
 * @module
 */

/** Kinds of queued input. */
export const InKind = {
  /** The socket opened. */
  Open: 1,
  /** A text frame: `data` is the frame. */
  Message: 2,
  /** The socket closed: `code`, `data` = reason. */
  Close: 3,
  /** The socket reported an error: `data` = message. */
  Error: 4,
} as const;

/** A FIFO of raw input with parallel typed arrays. */
export class Inbox {
  #kind = new Uint8Array(256);
  #wall = new Float64Array(256);
  #mono = new Float64Array(256);
  #code = new Float64Array(256);
  #data: string[] = [];
  #head = 0;
  #tail = 0;

  /** Queued items. */
  get length(): number {
    return this.#tail - this.#head;
  }

  /** Queue one item. */
  push(kind: number, data: string, wallNs: number, monoNs: number, code = 0): void {
    if (this.#tail === this.#kind.length) this.#compactOrGrow();
    const i = this.#tail++;
    this.#kind[i] = kind;
    this.#wall[i] = wallNs;
    this.#mono[i] = monoNs;
    this.#code[i] = code;
    this.#data[i] = data;
  }

  /** Kind of the oldest item (0 when empty). */
  peekKind(): number {
    return this.#head < this.#tail ? this.#kind[this.#head]! : 0;
  }

  /** Data of the oldest item. */
  peekData(): string {
    return this.#data[this.#head]!;
  }

  /** Receive time (wall ns) of the oldest item. */
  peekWall(): number {
    return this.#wall[this.#head]!;
  }

  /** Receive time (mono ns) of the oldest item. */
  peekMono(): number {
    return this.#mono[this.#head]!;
  }

  /** Close code of the oldest item. */
  peekCode(): number {
    return this.#code[this.#head]!;
  }

  /** Drop the oldest item. */
  shift(): void {
    this.#data[this.#head] = "";
    this.#head++;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
  }

  #compactOrGrow(): void {
    const n = this.#tail - this.#head;
    if (this.#head > 0 && n < this.#kind.length / 2) {
      this.#kind.copyWithin(0, this.#head, this.#tail);
      this.#wall.copyWithin(0, this.#head, this.#tail);
      this.#mono.copyWithin(0, this.#head, this.#tail);
      this.#code.copyWithin(0, this.#head, this.#tail);
      for (let i = 0; i < n; i++) this.#data[i] = this.#data[this.#head + i]!;
      this.#data.length = n;
    } else {
      const cap = this.#kind.length * 2;
      const grow = <T extends Float64Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.#kind = grow(this.#kind, new Uint8Array(cap));
      this.#wall = grow(this.#wall, new Float64Array(cap));
      this.#mono = grow(this.#mono, new Float64Array(cap));
      this.#code = grow(this.#code, new Float64Array(cap));
      return;
    }
    this.#tail = n;
    this.#head = 0;
  }
}
