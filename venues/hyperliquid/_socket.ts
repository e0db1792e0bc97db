/**
 * Private: the WebSocket slot of `HyperliquidHandler`. {@linkcode SocketSlot.open} creates a
 * socket whose callbacks only queue raw input into the handler's {@linkcode Inbox} (with
 * receive times) and call `ctx.wake()`; events of a socket that is no longer
 * {@linkcode SocketSlot.current} are ignored, so an abandoned socket cannot disturb its
 * successor. Every socket's close handshake is tracked so `stop` can wait for them, bounded.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import { errorText, isUnretryable } from "../_fatal.ts";
import { type Inbox, InKind } from "./_inbox.ts";
import { binaryFrameLine } from "../capture_frame.ts";

/** The handler's current socket plus the close handshakes still in flight. */
export class SocketSlot {
  /** The live socket; undefined between connections. Events of other sockets are ignored. */
  current: WebSocket | undefined;
  readonly #inbox: Inbox;
  readonly #closing = new Set<Promise<void>>();

  /** A slot feeding `inbox`. */
  constructor(inbox: Inbox) {
    this.#inbox = inbox;
  }

  /** Close handshakes not finished yet. */
  get pending(): number {
    return this.#closing.size;
  }

  /**
   * Open a socket to `url` and make it current. When the constructor throws, a `Close` entry
   * ("cannot connect: …", code 0) is queued instead — a `Fatal` entry when retrying cannot help
   * (see `_fatal.ts`) — and `current` is left as it was.
   */
  open(url: string, ctx: HandlerContext): void {
    const inbox = this.#inbox;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
      ws.binaryType = "arraybuffer"; // a binary frame arrives readable
    } catch (e) {
      if (isUnretryable(e)) inbox.push(InKind.Fatal, `cannot connect to ${url}: ${errorText(e)}`, 0, 0);
      else inbox.push(InKind.Close, `cannot connect: ${errorText(e)}`, 0, 0, 0);
      ctx.wake();
      return;
    }
    this.current = ws;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    this.#closing.add(closed);
    closed.then(() => this.#closing.delete(closed));
    const clock = ctx.clock;
    ws.onopen = () => {
      if (this.current !== ws) return;
      inbox.push(InKind.Open, "", clock.monoNs(), clock.wallNs());
      ctx.wake();
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.current !== ws) return;
      // A binary frame becomes its {"binaryFrame":…} JSON line: warned as unknown, captured.
      const text = typeof e.data === "string" ? e.data : binaryFrameLine(e.data);
      inbox.push(InKind.Message, text, clock.monoNs(), clock.wallNs());
      ctx.wake();
    };
    ws.onerror = (e: Event) => {
      if (this.current !== ws) return;
      inbox.push(InKind.Error, `websocket error: ${(e as ErrorEvent).message ?? "unknown"}`, 0, 0);
      ctx.wake();
    };
    ws.onclose = (e: CloseEvent) => {
      resolveClosed();
      if (this.current !== ws) return;
      inbox.push(InKind.Close, e.reason, clock.monoNs(), clock.wallNs(), e.code);
      ctx.wake();
    };
  }

  /** Detach the current socket (its later events are ignored) and return it. */
  take(): WebSocket | undefined {
    const ws = this.current;
    this.current = undefined;
    return ws;
  }

  /**
   * Detach the current socket (its later events are ignored) and start its close handshake
   * with `code` and `reason`; nothing when there is none or it is closed already.
   */
  drop(code: number, reason: string): void {
    const ws = this.take();
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(code, reason);
      } catch { /* closing already */ }
    }
  }

  /** Wait for every tracked close handshake, at most `limitMs` (a dead peer must not hang). */
  async settle(limitMs: number): Promise<void> {
    let guard: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((r) => (guard = setTimeout(r, limitMs)));
    await Promise.race([Promise.all([...this.#closing]), limit]);
    clearTimeout(guard);
  }
}

/** Send `text` if `ws` is OPEN; false when it is not or the send failed. Never throws. */
export function sendIfOpen(ws: WebSocket, text: string): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}
