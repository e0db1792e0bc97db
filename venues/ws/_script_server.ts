/**
 * Private test support: a scripted TCP peer for `RawWebSocket` tests — it accepts one connection,
 * reads the upgrade request, answers what the test says (a good 101 by default), then writes raw
 * bytes the test hands it (frames well-formed or not, split anywhere) and decodes the client's
 * masked frames. Every wait has a deadline.
 * @module
 */
import assert from "node:assert/strict";
import { acceptFor } from "./handshake.ts";
import type { RawWsEvents } from "./_raw_options.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reject after `ms` with `what` unless `p` settles first. */
export async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((
    _,
    no,
  ) => (timer = setTimeout(() => no(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([p, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** An unmasked server frame. */
export function serverFrame(opcode: number, payload: Uint8Array | string, fin = true, extra = 0): Uint8Array {
  const p = typeof payload === "string" ? enc.encode(payload) : payload;
  const n = p.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + n);
  out[0] = (fin ? 0x80 : 0) | extra | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) (out[1] = 126, out[2] = n >> 8, out[3] = n & 0xff);
  else (out[1] = 127, new DataView(out.buffer).setBigUint64(2, BigInt(n)));
  out.set(p, head);
  return out;
}

/** A frame the client sent, unmasked. */
export interface ClientFrame {
  /** Opcode. */
  opcode: number;
  /** True when the client masked it (it must). */
  masked: boolean;
  /** Payload after unmasking. */
  payload: Uint8Array;
}

/** One scripted server connection. */
export class ScriptServer {
  /** The listener. */
  readonly listener: Deno.Listener;
  /** The request head the client sent. */
  request = "";
  #conn: Deno.Conn | null = null;
  #scheme = "ws";
  #in = new Uint8Array(0);

  private constructor(l: Deno.Listener) {
    this.listener = l;
  }

  /** Listen on 127.0.0.1 (any port). */
  static listen(): ScriptServer {
    return new ScriptServer(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  }

  /** Listen with TLS on 127.0.0.1 (any port) with PEM `cert` and `key`. */
  static listenTls(cert: string, key: string): ScriptServer {
    const s = new ScriptServer(Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key }));
    s.#scheme = "wss";
    return s;
  }

  /** `ws://127.0.0.1:<port><path>` (`wss://` with TLS). */
  url(path = "/ws"): string {
    return `${this.#scheme}://127.0.0.1:${(this.listener.addr as Deno.NetAddr).port}${path}`;
  }

  /**
   * Accept one connection and answer its upgrade: `answer(accept)` gives the response head
   * (default: a correct 101), followed in the same write by the bytes `after`. Returns after the
   * answer was written.
   */
  async accept(answer?: (accept: string) => string, after = new Uint8Array(0)): Promise<void> {
    const conn = await within(this.listener.accept(), "accept");
    this.#conn = conn;
    while (!new TextDecoder().decode(this.#in).includes("\r\n\r\n")) {
      if (!(await this.#fill())) throw new Error("the client left before its upgrade request");
    }
    const text = new TextDecoder().decode(this.#in);
    const end = text.indexOf("\r\n\r\n") + 4;
    this.request = text.slice(0, end);
    this.#in = this.#in.slice(end);
    const key = /sec-websocket-key: *(\S+)/i.exec(this.request)?.[1] ?? "";
    const acc = await acceptFor(key);
    const head = answer?.(acc) ??
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acc}\r\n\r\n`;
    const h = enc.encode(head);
    const out = new Uint8Array(h.length + after.length);
    out.set(h);
    out.set(after, h.length);
    await this.write(out);
  }

  /** Write `bytes` (all of them). */
  async write(bytes: Uint8Array): Promise<void> {
    for (let o = 0; o < bytes.length;) o += await this.#conn!.write(bytes.subarray(o));
  }

  /** The next frame the client sent (deadline 10 s); null when the client closed TCP first. */
  async nextFrame(): Promise<ClientFrame | null> {
    for (;;) {
      const b = this.#in;
      if (b.length >= 2) {
        const masked = (b[1]! & 0x80) !== 0;
        let len = b[1]! & 0x7f, p = 2;
        if (len === 126) (len = (b[2]! << 8) | b[3]!, p = 4);
        else if (len === 127) (len = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(2)), p = 10);
        const key = masked ? b.subarray(p, p + 4) : new Uint8Array(4);
        if (masked) p += 4;
        if (b.length >= p + len) {
          const payload = b.slice(p, p + len).map((x, i) => x ^ key[i & 3]!);
          this.#in = b.slice(p + len);
          return { opcode: b[0]! & 0x0f, masked, payload };
        }
      }
      if (!(await this.#fill())) return null;
    }
  }

  /** Close the TCP connection (no close frame) and the listener. */
  close(): void {
    try {
      this.#conn?.close();
    } catch { /* closed */ }
    try {
      this.listener.close();
    } catch { /* closed */ }
  }

  async #fill(): Promise<boolean> {
    const buf = new Uint8Array(65536);
    const n = await within(this.#conn!.read(buf), "read from the client").catch(() => null);
    if (n === null) return false;
    const m = new Uint8Array(this.#in.length + n);
    m.set(this.#in);
    m.set(buf.subarray(0, n), this.#in.length);
    this.#in = m;
    return true;
  }
}

/** Records what a `RawWebSocket` delivers; `until` waits (10 s deadline) for a condition on it. */
export class Rec implements RawWsEvents {
  /** Text messages. */
  texts: string[] = [];
  /** Binary messages. */
  binaries: Uint8Array[] = [];
  /** `onBatch` calls. */
  batches = 0;
  /** The close reported (once). */
  close: { code: number; reason: string; clean: boolean } | null = null;
  #waiters: [() => boolean, () => void][] = [];
  /** See `RawWsEvents` (or: resolve once `pred()` holds). */
  onText(b: Uint8Array, s: number, e: number): void {
    this.texts.push(dec.decode(b.subarray(s, e)));
    this.#check();
  }
  /** See `RawWsEvents` (or: resolve once `pred()` holds). */
  onBinary(b: Uint8Array, s: number, e: number): void {
    this.binaries.push(b.slice(s, e));
    this.#check();
  }
  /** See `RawWsEvents` (or: resolve once `pred()` holds). */
  onBatch(): void {
    this.batches++;
  }
  /** See `RawWsEvents` (or: resolve once `pred()` holds). */
  onClose(code: number, reason: string, clean: boolean): void {
    assert.equal(this.close, null, "onClose once");
    this.close = { code, reason, clean };
    this.#check();
  }
  /** See `RawWsEvents` (or: resolve once `pred()` holds). */
  until(pred: () => boolean, what: string): Promise<void> {
    if (pred()) return Promise.resolve();
    const p = Promise.withResolvers<void>();
    this.#waiters.push([pred, p.resolve]);
    return within(p.promise, what);
  }
  #check(): void {
    this.#waiters = this.#waiters.filter(([pred, done]) => !(pred() && (done(), true)));
  }
}
