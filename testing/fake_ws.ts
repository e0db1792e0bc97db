/**
 * Test support: a scripted stand-in for the global `WebSocket`, so handler tests can queue
 * socket events in any order (an open and a close together, a backlog of frames before a poll)
 * without a network or sleeps. {@linkcode installFakeWebSocket} swaps it in and returns the
 * sockets created plus a restore function. `send` throws unless the socket is OPEN (the worst
 * case: Deno itself throws only while CONNECTING and silently drops sends once closed), and
 * records every attempt. `close` only changes `readyState`; a test fires `onclose` itself
 * (or never, to model a peer that never finishes the close handshake).
 * @module
 */

/** One scripted socket. */
export class FakeWebSocket {
  /** Same values as the real constants. */
  static readonly CONNECTING = 0;
  /** Open. */
  static readonly OPEN = 1;
  /** Closing. */
  static readonly CLOSING = 2;
  /** Closed. */
  static readonly CLOSED = 3;
  /** Sockets created since the last install, in order. */
  static created: FakeWebSocket[] = [];
  /** The URL given. */
  readonly url: string;
  /** Current state (0..3). */
  readyState = 0;
  /** Frames sent while OPEN. */
  readonly sent: string[] = [];
  /** Send attempts while not OPEN. */
  badSends = 0;
  /** Close calls. */
  closes = 0;
  /** Handlers set by the code under test. */
  onopen: ((e: Event) => void) | null = null;
  /** Message handler. */
  onmessage: ((e: MessageEvent) => void) | null = null;
  /** Error handler. */
  onerror: ((e: Event) => void) | null = null;
  /** Close handler. */
  onclose: ((e: CloseEvent) => void) | null = null;

  /** Records itself in {@linkcode FakeWebSocket.created}. */
  constructor(url: string) {
    this.url = url;
    FakeWebSocket.created.push(this);
  }

  /** Record `data`; throws (InvalidStateError-like) unless OPEN. */
  send(data: string): void {
    if (this.readyState !== 1) {
      this.badSends++;
      throw new DOMException("socket is not open", "InvalidStateError");
    }
    this.sent.push(data);
  }

  /** Move to CLOSING (no event: see {@linkcode FakeWebSocket.fireClose}). */
  close(_code?: number, _reason?: string): void {
    this.closes++;
    if (this.readyState < 2) this.readyState = 2;
  }

  /** The peer accepted: OPEN, then `onopen`. */
  fireOpen(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  /** A text frame arrived. */
  fireMessage(data: string): void {
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  /** The socket closed: CLOSED, then `onclose`. */
  fireClose(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }
}

/** Replace the global `WebSocket` with {@linkcode FakeWebSocket}; call the result to restore. */
export function installFakeWebSocket(): () => void {
  const real = globalThis.WebSocket;
  FakeWebSocket.created = [];
  (globalThis as { WebSocket: unknown }).WebSocket = FakeWebSocket;
  return () => {
    (globalThis as { WebSocket: unknown }).WebSocket = real;
  };
}
