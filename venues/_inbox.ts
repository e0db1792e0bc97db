/**
 * A handler's inbox, shared by every venue: a single-threaded FIFO of raw input queued by I/O
 * callbacks (frame text plus receive times, or a connection event) and drained by `pollOnce`.
 *
 * Contract:
 * - Single-threaded: the callbacks and the poll run on the same thread; no locking.
 * - Preallocated parallel arrays in a power-of-two ring: a push or shift allocates nothing;
 *   strings are kept by reference and released on `shift()`.
 * - Frame bytes ({@linkcode Inbox.pushBytes}, {@linkcode Inbox.pushEncoded}) are copied once into
 *   the inbox's {@linkcode ByteArena} and read in place by the poll (`bytes`, `start(i)`,
 *   `end(i)`; the byte at `end(i)` is spare: a scanner may use it as its sentinel); released on
 *   `shift()`. No string is made for them unless `text(i)` is asked (it decodes; allocates).
 * - Never drops (capture and sync must see everything): when full it doubles, keeping order.
 * - Entry kinds and the meaning of the numbers a..d are the venue's (its `InKind`).
 * @module
 */

import { ByteArena } from "./_byte_arena.ts";

/** Numbers per entry (a, b, c, d); what they mean is up to each venue's entry kinds. */
export const INBOX_NUMS = 4;
const NUMS = INBOX_NUMS;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

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
  #at: Float64Array; // virtual start of the entry's bytes in #arena, -1: none
  #n: Int32Array; // byte length of the entry's bytes
  #arena: ByteArena | null = null; // made by the first byte entry
  #head = 0;
  #len = 0;
  /**
   * UTF-16 code units of all text queued so far (bytes, for the ASCII JSON venues send), plus the
   * bytes of entries queued as bytes and of binary frames.
   */
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
    this.#at = new Float64Array(capacity).fill(-1);
    this.#n = new Int32Array(capacity);
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
    this.#at[i] = -1;
    // A binary frame (its ArrayBuffer, queued as it came) counts its bytes, never NaN.
    this.textUnits += typeof text === "string" ? text.length : byteLengthOf(text);
    this.#len++;
  }

  /**
   * Queue an entry whose bytes are `src[start, end)`, copied into the arena (`text` is ""). Returns
   * true when every byte is ASCII (so the bytes are UTF-8 without looking further). Allocates one
   * view (for the copy); more only when the inbox or its arena must grow.
   */
  pushBytes(
    kind: number,
    src: Uint8Array,
    start: number,
    end: number,
    monoNs: number,
    wallNs: number,
    a = 0,
    b = 0,
    c = 0,
    d = 0,
  ): boolean {
    const n = end - start;
    const arena = this.#arena ??= new ByteArena();
    const v = arena.reserve(n);
    arena.buf.set(src.subarray(start, end), arena.at(v)); // one memcpy (a JS byte loop is ~10x slower)
    this.push(kind, "", monoNs, wallNs, a, b, c, d);
    const i = (this.#head + this.#len - 1) & (this.#cap - 1);
    this.#at[i] = v;
    this.#n[i] = n;
    this.textUnits += n;
    return arena.ascii(v, n);
  }

  /** Queue an entry whose bytes are the UTF-8 form of `text` (encoded into the arena). */
  pushEncoded(kind: number, text: string, monoNs: number, wallNs: number, a = 0, b = 0, c = 0, d = 0): void {
    const arena = this.#arena ??= new ByteArena();
    const v = arena.reserve(text.length * 3);
    const at = arena.at(v);
    const n = encoder.encodeInto(text, arena.buf.subarray(at, at + text.length * 3)).written;
    arena.trim(v, n);
    this.push(kind, "", monoNs, wallNs, a, b, c, d);
    const i = (this.#head + this.#len - 1) & (this.#cap - 1);
    this.#at[i] = v;
    this.#n[i] = n;
    this.textUnits += n;
  }

  /** Remove the newest entry (e.g. bytes that turned out not to be valid UTF-8). */
  dropNewest(): void {
    if (this.#len === 0) return;
    const i = (this.#head + this.#len - 1) & (this.#cap - 1);
    const v = this.#at[i]!;
    if (v >= 0) {
      this.#arena!.unreserve(v);
      this.textUnits -= this.#n[i]!;
    } else {
      const t = this.#text[i]!;
      this.textUnits -= typeof t === "string" ? t.length : byteLengthOf(t);
    }
    this.#text[i] = "";
    this.#at[i] = -1;
    this.#len--;
  }

  /** True when the entry at slot `i` holds bytes (read them with `bytes`, `start(i)`, `end(i)`). */
  hasBytes(i: number): boolean {
    return this.#at[i]! >= 0;
  }
  /** The arena's bytes, where `start(i)`/`end(i)` point (valid until the next push). */
  get bytes(): Uint8Array {
    return this.#arena?.buf ?? EMPTY;
  }
  /** Index in `bytes` of the first byte of the entry at slot `i` (with `hasBytes(i)`). */
  start(i: number): number {
    return this.#arena!.at(this.#at[i]!);
  }
  /** Index in `bytes` just past the last byte of the entry at slot `i`; `bytes[end(i)]` is spare. */
  end(i: number): number {
    return this.#arena!.at(this.#at[i]!) + this.#n[i]!;
  }

  /** Index of the oldest entry (valid while `length > 0`); read it, then `shift()`. */
  get head(): number {
    return this.#head;
  }
  /** Kind at slot `i`. */
  kind(i: number): number {
    return this.#kind[i]!;
  }
  /** Text at slot `i` (an entry holding bytes is decoded as UTF-8: allocates). */
  text(i: number): string {
    if (this.#at[i]! < 0) return this.#text[i]!;
    return decoder.decode(this.bytes.subarray(this.start(i), this.end(i)));
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
    const h = this.#head;
    const v = this.#at[h]!;
    if (v >= 0) {
      this.#arena!.release(ByteArena.endOf(v, this.#n[h]!));
      this.#at[h] = -1;
    }
    this.#text[h] = "";
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
    const at = new Float64Array(cap).fill(-1);
    const n = new Int32Array(cap);
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
      at[k] = this.#at[i]!;
      n[k] = this.#n[i]!;
    }
    this.#cap = cap;
    this.#text = text;
    this.#kind = kind;
    this.#mono = mono;
    this.#wall = wall;
    this.#num = num;
    this.#at = at;
    this.#n = n;
    this.#head = 0;
  }
}

const EMPTY = new Uint8Array(0);

function byteLengthOf(data: unknown): number {
  const n = (data as { byteLength?: unknown } | null)?.byteLength;
  return typeof n === "number" ? n : 0;
}
