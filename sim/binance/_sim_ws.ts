/**
 * Minimal RFC 6455 server side over a raw TCP connection, for the simulator. Raw TCP (rather
 * than `Deno.upgradeWebSocket`) lets the simulator drop a connection without a close frame,
 * answer an upgrade with a redirect, and send faster than `Deno.serve` can.
 *
 * Contract: one writer loop per connection sends queued frames in order; a client slower than
 * `maxBacklog` bytes is dropped (as Binance does). Client frames are unmasked and parsed:
 * text → `onText`, ping → pong, close → close echo. Not a hot path of the project.
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** `Sec-WebSocket-Accept` for a client key. */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", encoder.encode(key + WS_GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** Encode one unmasked server frame. */
export function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, head);
  return out;
}

/** A server-side WebSocket on a raw connection. */
export class SimSocket {
  /** Request path (with query) the client connected to. */
  readonly path: string;
  /** Called for each text message from the client. */
  onText: (text: string) => void = () => {};
  /** Called once when the connection ends (any reason). */
  onClosed: () => void = () => {};
  readonly #conn: Deno.Conn;
  readonly #queue: Uint8Array[] = [];
  readonly #maxBacklog: number;
  #backlog = 0;
  #wake: (() => void) | null = null;
  #closed = false;
  #closing = false;
  /** Resolves when both loops have ended. */
  readonly done: Promise<void>;

  /** Wrap an upgraded connection; `rest` holds bytes already read past the request head. */
  constructor(conn: Deno.Conn, path: string, rest: Uint8Array, maxBacklog = 64 << 20) {
    this.#conn = conn;
    this.path = path;
    this.#maxBacklog = maxBacklog;
    this.done = Promise.all([this.#writeLoop(), this.#readLoop(rest)]).then(() => {});
  }

  /** True once closed or dropped. */
  get closed(): boolean {
    return this.#closed || this.#closing;
  }

  /** Queue a text frame. */
  sendText(text: string): void {
    this.#push(encodeFrame(0x1, encoder.encode(text)));
  }

  /** Queue raw bytes (e.g. a deliberately malformed frame). */
  sendRaw(bytes: Uint8Array): void {
    this.#push(bytes);
  }

  /** Queue a ping with `payload`. */
  ping(payload = "sim"): void {
    this.#push(encodeFrame(0x9, encoder.encode(payload)));
  }

  /** Send a close frame after the queued frames, then end the connection. */
  close(code = 1000, reason = ""): void {
    if (this.closed) return;
    const r = encoder.encode(reason);
    const p = new Uint8Array(2 + r.length);
    p[0] = code >> 8;
    p[1] = code & 0xff;
    p.set(r, 2);
    this.#push(encodeFrame(0x8, p));
    this.#closing = true;
    this.#wake?.();
  }

  /** End the TCP connection at once, without a close frame. */
  drop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#wake?.();
  }

  #push(frame: Uint8Array): void {
    if (this.closed) return;
    this.#queue.push(frame);
    this.#backlog += frame.length;
    if (this.#backlog > this.#maxBacklog) {
      this.drop();
      return;
    }
    this.#wake?.();
  }

  async #writeLoop(): Promise<void> {
    while (!this.#closed) {
      if (this.#queue.length === 0) {
        if (this.#closing) break;
        await new Promise<void>((r) => this.#wake = r);
        this.#wake = null;
        continue;
      }
      // Coalesce queued frames into one write.
      const frames = this.#queue.splice(0, this.#queue.length);
      let n = 0;
      for (const f of frames) n += f.length;
      const buf = new Uint8Array(n);
      let o = 0;
      for (const f of frames) {
        buf.set(f, o);
        o += f.length;
      }
      this.#backlog -= n;
      try {
        let off = 0;
        while (off < n) off += await this.#conn.write(buf.subarray(off));
      } catch {
        break;
      }
    }
    this.drop();
    this.onClosed();
  }

  async #readLoop(rest: Uint8Array): Promise<void> {
    let buf = rest;
    const chunk = new Uint8Array(16384);
    for (;;) {
      // Parse every complete frame in buf.
      for (;;) {
        const f = parseFrame(buf);
        if (f === null) break;
        buf = buf.subarray(f.end);
        if (f.opcode === 0x1) this.onText(decoder.decode(f.payload));
        else if (f.opcode === 0x9) this.#push(encodeFrame(0xa, f.payload));
        else if (f.opcode === 0x8) {
          if (!this.closed) this.close(1000, "");
        }
      }
      let n: number | null;
      try {
        n = await this.#conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) break;
      const next = new Uint8Array(buf.length + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.length);
      buf = next;
    }
    this.#closing = true;
    this.#wake?.();
  }
}

function parseFrame(b: Uint8Array): { opcode: number; payload: Uint8Array; end: number } | null {
  if (b.length < 2) return null;
  const opcode = b[0]! & 0x0f;
  const masked = (b[1]! & 0x80) !== 0;
  let len = b[1]! & 0x7f;
  let p = 2;
  if (len === 126) {
    if (b.length < 4) return null;
    len = (b[2]! << 8) | b[3]!;
    p = 4;
  } else if (len === 127) {
    if (b.length < 10) return null;
    len = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
    p = 10;
  }
  const maskAt = p;
  if (masked) p += 4;
  if (b.length < p + len) return null;
  const payload = b.slice(p, p + len);
  if (masked) { for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ b[maskAt + (i & 3)]!; }
  return { opcode, payload, end: p + len };
}
