/**
 * A preallocated output byte buffer that flushes synchronously to a target (a file, stdout, or
 * an in-memory sink). Writers put ASCII or binary bytes in place; nothing allocates per event.
 *
 * Contract: capacity is fixed at construction (default 1 MiB); `ensure(n)` flushes when fewer
 * than `n` bytes are free. Single-threaded.
 * @module
 */

/** Where flushed bytes go. `Deno.FsFile` and `Deno.stdout` fit (`writeSync` may write partially). */
export interface ByteTarget {
  /** Write some of `p`; return the number of bytes written. */
  writeSync(p: Uint8Array): number;
}

const DIGITS = new Uint8Array(24);

/** The output buffer. */
export class OutBuffer {
  /** The bytes (valid up to {@linkcode pos}). */
  readonly buf: Uint8Array;
  /** A view on {@linkcode buf} for binary fields. */
  readonly view: DataView;
  /** Next free byte. */
  pos = 0;
  /** Bytes flushed to the target so far. */
  flushed = 0;
  #target: ByteTarget;

  /** A buffer of `capacity` bytes flushing to `target`. */
  constructor(target: ByteTarget, capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
    this.#target = target;
  }

  /** Total bytes written (flushed + buffered). */
  get total(): number {
    return this.flushed + this.pos;
  }

  /** Make room for `n` contiguous bytes (flushing if needed). */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
    if (n > this.buf.length) throw new RangeError(`record of ${n} bytes exceeds the buffer`);
  }

  /** Write every buffered byte to the target. */
  flush(): void {
    let off = 0;
    const end = this.pos;
    while (off < end) off += this.#target.writeSync(this.buf.subarray(off, end));
    this.flushed += end;
    this.pos = 0;
  }

  /** Append one byte (room must have been ensured). */
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** Append bytes (room must have been ensured). A plain loop: `set()` costs more for short literals. */
  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** Append a non-negative safe integer in decimal (room must have been ensured: 16 bytes). */
  uint(v: number): void {
    if (v >= 1e9) {
      // Split so every digit loop runs on int32 values.
      const hi = Math.floor(v / 1e9);
      this.uint(hi);
      this.padded(v - hi * 1e9, 9);
      return;
    }
    if (v < 10) {
      this.buf[this.pos++] = 48 + v;
      return;
    }
    let n = 0;
    let x = v | 0;
    while (x > 0) {
      const q = (x / 10) | 0;
      DIGITS[n++] = 48 + x - q * 10;
      x = q;
    }
    const buf = this.buf;
    let p = this.pos;
    while (n > 0) buf[p++] = DIGITS[--n]!;
    this.pos = p;
  }

  /** Append `v` (< 10^9) as exactly `width` (<= 9) decimal digits, zero-padded. */
  padded(v: number, width: number): void {
    const buf = this.buf;
    let p = this.pos + width;
    this.pos = p;
    let x = v | 0;
    for (let i = 0; i < width; i++) {
      const q = (x / 10) | 0;
      buf[--p] = 48 + x - q * 10;
      x = q;
    }
  }

  /** Append a fixed-point value with `scale` fractional digits, e.g. 268380000000, 8 → "2683.80000000". */
  fixed(v: number, scale: number, pow: number): void {
    if (scale === 0) return this.uint(v);
    const int = Math.floor(v / pow);
    this.uint(int);
    this.buf[this.pos++] = 46;
    this.padded(v - int * pow, scale);
  }
}

/** A {@linkcode ByteTarget} that keeps only a byte count and a checksum (for benchmarks). */
export class CountingTarget implements ByteTarget {
  /** Bytes received. */
  bytes = 0;
  /** Sum of every 4096th byte (a cheap witness that bytes were written). */
  checksum = 0;
  /** Count `p`. */
  writeSync(p: Uint8Array): number {
    for (let i = 0; i < p.length; i += 4096) this.checksum = (this.checksum + p[i]!) | 0;
    this.bytes += p.length;
    return p.length;
  }
}

/** A {@linkcode ByteTarget} that keeps every byte in memory (for tests; allocates). */
export class MemoryTarget implements ByteTarget {
  #chunks: Uint8Array[] = [];
  /** Copy and keep `p`. */
  writeSync(p: Uint8Array): number {
    this.#chunks.push(p.slice());
    return p.length;
  }
  /** Everything written, as one array. */
  bytes(): Uint8Array {
    let n = 0;
    for (const c of this.#chunks) n += c.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.#chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
  /** Everything written, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}
