/**
 * `RawWebSocket`: a minimal RFC 6455 client over `Deno.connect` / `Deno.connectTls`, built for
 * market data: each `read` of the socket (up to `readBytes`, 256 KiB by default) is split into
 * every whole frame it holds, delivered as bytes (`onText(buf, start, end)`, valid only during
 * the call) and followed by one `onBatch()` — so a burst of frames costs one event-loop task, not
 * one per message as Deno's `WebSocket` does.
 *
 * Contract:
 * - Nothing is read before `start()`.
 * - Backpressure: before each read the socket asks `canRead()`; while it says false nothing is
 *   read until `resume()` — the kernel's buffers fill and the peer sees a slow reader. Memory
 *   held here is the read buffer (grown only for a frame larger than it, up to
 *   `maxMessageBytes`) plus a fragmented message being assembled (same bound).
 * - Protocol: pings are answered with a pong of the same payload; a peer's close is echoed and
 *   ends the connection (`onClose(code, reason, true)`; code 1005 when it gave none); a bad
 *   frame (reserved bits, unknown opcode, masked, oversized control frame, continuation out of
 *   place, bad close payload) fails the connection with close code 1002, a message beyond
 *   `maxMessageBytes` with 1009; a TCP end without a close frame gives 1006 "Unexpected EOF".
 *   `onClose` is called exactly once per opened socket. Text payloads are handed over as bytes:
 *   UTF-8 validation is the consumer's (it can `fail(1007, …)`).
 * - Handshake: 101 with the right `Sec-WebSocket-Accept`; a 3xx with `Location` is followed up
 *   to `maxHops` times; `connectTimeoutMs` bounds connect + handshake; `signal` aborts them.
 * - Single-threaded; writes (sends, pongs, close) are queued in order. Not thread-safe.
 * @module
 */
import {
  closePayload,
  encodeClientFrame,
  FrameHead,
  headErrorText,
  Op,
  readFrameHead,
} from "./_frame_head.ts";
import { type Conn, handshake } from "./_connect.ts";
import type { RawWsEvents, RawWsOptions } from "./_raw_options.ts";

export type { RawWsEvents, RawWsOptions } from "./_raw_options.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One client WebSocket over a raw TCP or TLS connection. */
export class RawWebSocket {
  /** 1 open, 2 closing (close sent), 3 closed. */
  readyState = 1;
  /** The URL connected to (after redirects). */
  readonly url: string;
  /** Redirects followed. */
  readonly hops: number;
  /** Times reading waited for `resume()` (backpressure applied). */
  pauses = 0;
  /** Resolves once the connection has ended and `onClose` was called. */
  readonly closed: Promise<void>;
  readonly #done = Promise.withResolvers<void>();
  #filled: number;
  #reading = false;
  readonly #conn: Conn;
  readonly #ev: RawWsEvents;
  readonly #o: RawWsOptions;
  readonly #max: number;
  readonly #head = new FrameHead();
  #buf: Uint8Array;
  #msg = new Uint8Array(0);
  #msgLen = 0;
  #msgOp = -1; // opcode of the fragmented message being assembled, -1: none
  #writes: Promise<void> = Promise.resolve();
  #resume: (() => void) | null = null;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;
  #failed = false;

  private constructor(
    conn: Conn,
    url: string,
    hops: number,
    rest: Uint8Array,
    ev: RawWsEvents,
    o: RawWsOptions,
  ) {
    this.#conn = conn;
    this.url = url;
    this.hops = hops;
    this.#ev = ev;
    this.#o = o;
    this.#max = o.maxMessageBytes ?? 16 << 20;
    this.#buf = new Uint8Array(Math.max(o.readBytes ?? 256 << 10, rest.length + 4096));
    this.#buf.set(rest);
    this.#filled = rest.length;
    this.closed = this.#done.promise;
  }

  /**
   * Start reading (once; later calls do nothing). Nothing is delivered before: the owner first
   * records that the socket is open, then starts it.
   */
  start(): void {
    if (this.#reading || this.#ended) return;
    this.#reading = true;
    this.#loop(this.#filled);
  }

  /**
   * Connect to `url` (ws: or wss:), following redirects. Rejects with an Error saying why when no
   * socket could be opened (the caller backs off and retries); a missing permission rejects
   * with Deno's `NotCapable`.
   */
  static async open(url: string, ev: RawWsEvents, o: RawWsOptions = {}): Promise<RawWebSocket> {
    let current = url;
    const maxHops = o.maxHops ?? 3;
    for (let hops = 0;; hops++) {
      const r = await handshake(current, o);
      if (r.kind === "open") return new RawWebSocket(r.conn, current, hops, r.rest, ev, o);
      if (hops >= maxHops) {
        throw new Error(`failed to connect to WebSocket: Invalid status code: ${r.status}`);
      }
      current = r.location;
    }
  }

  /** Queue text frame `text`; false when the socket is not open. */
  send(text: string): boolean {
    if (this.readyState !== 1) return false;
    this.#write(Op.Text, enc.encode(text));
    return true;
  }

  /** Start the closing handshake (`code`, `reason`); the peer's close (or the timeout) ends it. */
  close(code = 1000, reason = ""): void {
    if (this.readyState !== 1) return;
    this.readyState = 2;
    this.#write(Op.Close, closePayload(code, reason));
    if (!this.#reading) return void this.#writes.finally(() => this.#end(code, reason, false));
    this.#closeTimer = setTimeout(
      () => this.#end(1006, "close not confirmed", false),
      this.#o.closeTimeoutMs ?? 2000,
    );
  }

  /** Fail the connection: send close `code` (best effort), drop TCP, report `code`/`reason`. */
  fail(code: number, reason: string): void {
    if (this.#ended || this.#failed) return;
    this.#failed = true;
    if (this.readyState === 1) this.#write(Op.Close, closePayload(code, reason.slice(0, 120)));
    this.readyState = 2;
    this.#writes.finally(() => this.#end(code, reason, false));
  }

  /** Drop the TCP connection now (no close frame). */
  drop(): void {
    this.#end(1006, "dropped", false);
  }

  /** Reading may continue (after `canRead()` said false). */
  resume(): void {
    const r = this.#resume;
    this.#resume = null;
    r?.();
  }

  #write(op: number, payload: Uint8Array): void {
    const frame = encodeClientFrame(op, payload, crypto.getRandomValues(new Uint8Array(4)));
    const conn = this.#conn;
    this.#writes = this.#writes.then(async () => {
      for (let o = 0; o < frame.length;) o += await conn.write(frame.subarray(o));
    }).catch(() => {}); // a broken pipe shows up on the read side
  }

  #end(code: number, reason: string, clean: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.readyState = 3;
    clearTimeout(this.#closeTimer);
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.resume();
    try {
      this.#ev.onClose(code, reason, clean);
    } finally {
      this.#done.resolve();
    }
  }

  async #loop(filled: number): Promise<void> {
    let start = 0, end = filled;
    const canRead = this.#o.canRead;
    try {
      for (;;) {
        const before = start;
        start = this.#frames(start, end);
        if (start < 0 || this.#ended || this.#failed) return; // closing or failed: #end follows the writes
        if (start !== before) this.#ev.onBatch();
        if (start === end) start = end = 0;
        else if (start > 0) {
          this.#buf.copyWithin(0, start, end);
          end -= start;
          start = 0;
        }
        if (end === this.#buf.length) this.#grow(end + 4096);
        while (canRead !== undefined && !canRead() && !this.#ended) {
          this.pauses++;
          await new Promise<void>((r) => (this.#resume = r));
        }
        if (this.#ended) return;
        const n = await this.#conn.read(this.#buf.subarray(end));
        if (n === null) return this.#end(1006, "Unexpected EOF", false);
        end += n;
      }
    } catch (e) {
      this.#end(1006, e instanceof Error ? e.message : String(e), false);
    }
  }

  #grow(need: number): void {
    const b = new Uint8Array(Math.max(need, this.#buf.length * 2));
    b.set(this.#buf);
    this.#buf = b;
  }

  // Deliver every whole frame in buf[start..end); the new start, or -1 when the connection failed.
  #frames(start: number, end: number): number {
    const h = this.#head;
    while (!this.#ended && !this.#failed) {
      const buf = this.#buf;
      const hl = readFrameHead(buf, start, end, this.#max, h);
      if (hl < 0) return this.#protocolError(hl === -5 ? 1009 : 1002, headErrorText(hl));
      if (hl === 0) return start;
      const p = start + hl, q = p + h.length;
      if (q > end) {
        if (q - start > buf.length) this.#grow(q - start); // copied to the front by the caller
        return start;
      }
      start = q;
      const op = h.opcode;
      if (op === Op.Text || op === Op.Binary) {
        if (this.#msgOp >= 0) return this.#protocolError(1002, "new message inside a fragmented one");
        if (h.fin) {
          if (op === Op.Text) this.#ev.onText(buf, p, q);
          else this.#ev.onBinary(buf, p, q);
        } else {
          this.#msgOp = op;
          this.#msgLen = 0;
          this.#append(buf, p, q);
        }
      } else if (op === Op.Continuation) {
        if (this.#msgOp < 0) return this.#protocolError(1002, "continuation without a message");
        if (this.#msgLen + (q - p) > this.#max) {
          return this.#protocolError(1009, "message larger than the limit");
        }
        this.#append(buf, p, q);
        if (h.fin) {
          const m = this.#msg, n = this.#msgLen, mop = this.#msgOp;
          this.#msgOp = -1;
          if (mop === Op.Text) this.#ev.onText(m, 0, n);
          else this.#ev.onBinary(m, 0, n);
        }
      } else if (op === Op.Ping) {
        if (this.readyState === 1) this.#write(Op.Pong, buf.slice(p, q));
      } else if (op === Op.Close) {
        if (q - p === 1) return this.#protocolError(1002, "close payload of one byte");
        const code = q - p >= 2 ? (buf[p]! << 8) | buf[p + 1]! : 1005;
        const reason = q - p > 2 ? dec.decode(buf.subarray(p + 2, q)) : "";
        if (this.readyState === 1) {
          this.readyState = 2;
          this.#write(Op.Close, code === 1005 ? new Uint8Array(0) : buf.slice(p, p + 2));
        }
        this.#writes.finally(() => this.#end(code, reason, true));
        return -1;
      } // Pong: nothing to do
    }
    return -1;
  }

  #append(buf: Uint8Array, p: number, q: number): void {
    const n = this.#msgLen + (q - p);
    if (n > this.#msg.length) {
      const m = new Uint8Array(Math.max(n, this.#msg.length * 2, 4096));
      m.set(this.#msg.subarray(0, this.#msgLen));
      this.#msg = m;
    }
    this.#msg.set(buf.subarray(p, q), this.#msgLen);
    this.#msgLen = n;
  }

  #protocolError(code: number, why: string): number {
    this.fail(code, why);
    return -1;
  }
}
