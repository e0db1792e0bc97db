/**
 * Private: how `WsSession` opens its socket, over either transport, wired to the inbox — every
 * message queued as an `InKind.Message` entry of generation `gen` with its receive times (a text
 * frame as its UTF-8 bytes in the inbox's arena, never as a string: the parser reads those bytes
 * in place), the close as `InKind.Close` (reason, code), `wake()` after queuing.
 *
 * - "raw" (default): {@linkcode RawWebSocket} — all frames of one socket read are queued with one
 *   receive time and one `wake()`, so the engine handles a burst in one poll; reading pauses
 *   while the inbox holds `readAhead` entries or more and resumes when a poll has drained it
 *   (`Inbox.onDrained`): a handler slower than its feed holds a bounded backlog, the rest stays in
 *   the kernel and the venue sees a slow reader. A text frame's bytes are copied from the read
 *   buffer into the inbox once; one that is not all ASCII is checked and, when it is not UTF-8,
 *   fails the connection (1007).
 * - "websocket": Deno's `WebSocket` (one event-loop task per message, reads ahead without bound);
 *   kept for comparison and for tests that script a fake global `WebSocket`. Its text messages
 *   are encoded into the inbox's bytes (a non-text message is queued as it came).
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { RawWebSocket } from "../ws/raw_socket.ts";
import { type Inbox, InKind } from "./_inbox.ts";
import { openWebSocket } from "./redirect.ts";

/** A Binance handler's WebSocket transport. */
export type WsTransport = "raw" | "websocket";

/** What the session keeps of an open socket, whatever the transport. */
export interface OpenSocket {
  /** Queue a text frame; false when the socket is not open. */
  send(text: string): boolean;
  /** Start the close handshake. */
  close(code: number, reason: string): void;
  /** The URL connected to (after redirects). */
  url: string;
  /** Begin delivering messages (after the session queued its `Open` entry). */
  start(): void;
}

/** Where and how to open. */
export interface WsOpenOptions {
  /** Stream URL. */
  url: string;
  /** The transport. */
  transport: WsTransport;
  /** Inbox entries at which reading pauses ("raw"). */
  readAhead: number;
  /** Redirects followed. */
  maxHops: number;
  /** Aborts the connect. */
  signal: AbortSignal;
  /** Where input goes. */
  inbox: Inbox;
  /** Receive-time clock. */
  clock: Clock;
  /** Called after queuing. */
  wake: () => void;
  /** Called once when the socket closed (after its `Close` entry was queued). */
  onClosed: () => void;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// True when b[s, e) is valid UTF-8 (allocates: only for frames that are not all ASCII).
function isUtf8(b: Uint8Array, s: number, e: number): boolean {
  try {
    utf8.decode(b.subarray(s, e));
    return true;
  } catch {
    return false;
  }
}

/** Open a socket for generation `gen`; rejects like `openWebSocket` when it cannot be opened. */
export async function openSocket(o: WsOpenOptions, gen: number): Promise<OpenSocket> {
  const { inbox, clock, wake } = o;
  const onClose = (code: number, reason: string): void => {
    inbox.push(InKind.Close, reason, clock.monoNs(), clock.wallNs(), gen, code);
    o.onClosed();
    wake();
  };
  if (o.transport === "websocket") {
    const s = await openWebSocket(
      o.url,
      {
        // A binary frame (ArrayBuffer) is queued as is: the parser reports it malformed, the capture
        // records it in other.jsonl (BinanceCapture.parse).
        onMessage: (ev) => {
          if (typeof ev.data === "string") {
            inbox.pushEncoded(InKind.Message, ev.data, clock.monoNs(), clock.wallNs(), gen);
          } else inbox.push(InKind.Message, ev.data as string, clock.monoNs(), clock.wallNs(), gen);
          wake();
        },
        onClose: (ev) => onClose(ev.code, ev.reason),
      },
      o.maxHops,
      o.signal,
    );
    const ws = s.ws;
    return {
      url: s.url,
      send: (text) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(text);
        return true;
      },
      close: (code, reason) => ws.close(code, reason),
      start: () => {},
    };
  }
  let mono = NaN, wall = NaN; // one receive time per read
  // The callbacks run only after `start()`, so `ws` is set by then.
  const ws = await RawWebSocket.open(o.url, {
    onText: (b, s, e) => {
      if (mono !== mono) (mono = clock.monoNs(), wall = clock.wallNs());
      // Copied once into the inbox's bytes; only a frame that is not all ASCII is validated further.
      if (!inbox.pushBytes(InKind.Message, b, s, e, mono, wall, gen) && !isUtf8(b, s, e)) {
        inbox.dropNewest();
        return ws.fail(1007, "invalid UTF-8 in a text frame");
      }
    },
    onBinary: (b, s, e) => {
      if (mono !== mono) (mono = clock.monoNs(), wall = clock.wallNs());
      inbox.push(InKind.Message, b.slice(s, e).buffer as unknown as string, mono, wall, gen);
    },
    onBatch: () => {
      mono = wall = NaN;
      wake();
    },
    onClose: (code, reason) => {
      if (inbox.onDrained === resume) inbox.onDrained = null;
      onClose(code, reason);
    },
  }, {
    maxHops: o.maxHops,
    signal: o.signal,
    canRead: () => inbox.length < o.readAhead,
  });
  const resume = (): void => ws.resume();
  inbox.onDrained = resume;
  return {
    url: ws.url,
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    start: () => ws.start(),
  };
}
