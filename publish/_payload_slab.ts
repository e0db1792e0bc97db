/**
 * Private: the bytes the publisher Worker hands to the NATS client — payloads and `Nats-Msg-Id`
 * headers — cut from 1 MiB slabs. The client keeps a reference to each payload until its socket
 * write (it does not copy on publish), and the outbox keeps it until acknowledged, so a region is
 * never handed out twice: a slab is dropped when full and freed by the GC once no view of it is
 * left. Per message this costs one small view object instead of an ArrayBuffer, a string
 * encoding and a headers object.
 * @module
 */

const CRLF2 = [13, 10, 13, 10];

/** Bump allocator over 1 MiB slabs. */
export class PayloadSlab {
  #buf: Uint8Array;
  #pos = 0;
  readonly #chunk: number;
  readonly #enc = new TextEncoder();

  /** Slabs of `chunk` bytes (a larger request gets a slab of its own size). */
  constructor(chunk = 1 << 20) {
    this.#chunk = chunk;
    this.#buf = new Uint8Array(chunk);
  }

  #room(n: number): void {
    if (this.#pos + n > this.#buf.length) {
      this.#buf = new Uint8Array(Math.max(this.#chunk, n));
      this.#pos = 0;
    }
  }

  /** Room for `n` bytes: the slab to write into from {@linkcode at}; then {@linkcode commit}. */
  room(n: number): Uint8Array {
    this.#room(n);
    return this.#buf;
  }

  /** Where the next region starts in the slab {@linkcode room} returned. */
  get at(): number {
    return this.#pos;
  }

  /** Take what was written from {@linkcode at} up to `end`. */
  commit(end: number): Uint8Array {
    const p = this.#pos;
    this.#pos = end;
    return this.#buf.subarray(p, end);
  }

  /** A copy of `src[0, n)`. */
  copy(src: Uint8Array, n: number): Uint8Array {
    this.#room(n);
    const p = this.#pos;
    this.#buf.set(n === src.length ? src : src.subarray(0, n), p);
    this.#pos = p + n;
    return this.#buf.subarray(p, p + n);
  }

  /** `s` as UTF-8. */
  text(s: string): Uint8Array {
    this.#room(s.length * 3);
    const p = this.#pos;
    const n = this.#enc.encodeInto(s, this.#buf.subarray(p)).written;
    this.#pos = p + n;
    return this.#buf.subarray(p, p + n);
  }

  /**
   * A NATS header block `NATS/1.0\r\nNats-Msg-Id: <prefix><seq>\r\n\r\n`: `head` holds
   * `NATS/1.0\r\nNats-Msg-Id: <prefix>` (see {@linkcode msgIdHead}), `seq` a non-negative integer.
   */
  msgIdHeader(head: Uint8Array, seq: number): Uint8Array {
    this.#room(head.length + 20);
    const b = this.#buf;
    const p = this.#pos;
    b.set(head, p);
    let o = p + head.length;
    let digits = 1;
    for (let x = seq; x >= 10; x = Math.floor(x / 10)) digits++;
    let x = seq;
    for (let i = digits - 1; i >= 0; i--) {
      b[o + i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    o += digits;
    for (let i = 0; i < 4; i++) b[o + i] = CRLF2[i]!;
    this.#pos = o + 4;
    return b.subarray(p, this.#pos);
  }
}

/** The constant start of a `Nats-Msg-Id` header block whose id begins with `idPrefix`. Allocates. */
export function msgIdHead(idPrefix: string): Uint8Array {
  return new TextEncoder().encode(`NATS/1.0\r\nNats-Msg-Id: ${idPrefix}`);
}

/**
 * Header bytes in the shape the NATS client's `publish` reads: it calls `encode()` once,
 * synchronously, and sends the result as the header block. One reusable object; set
 * {@linkcode bytes} before each publish.
 */
export class EncodedHeaders {
  /** The header block of the next publish. */
  bytes: Uint8Array = new Uint8Array(0);
  /** What the client sends. */
  encode(): Uint8Array {
    return this.bytes;
  }
}
