/**
 * Open a WebSocket and follow HTTP redirects by hand. Deno's `WebSocket` does not follow a
 * 301/302 on the upgrade ("Invalid status code: 301"), so when an open fails this fetches the
 * http(s) form of the URL with `redirect: "manual"`, and if the answer is a 3xx with a
 * `Location`, retries the WebSocket there — at most `maxHops` times.
 *
 * Pings: Deno answers server pings by itself (a pong with the same payload; JS never sees the
 * ping), which is what Binance requires (ping every 20 s, pong within 1 min).
 * @module
 */

/** Callbacks installed on the socket before it can deliver anything. */
export interface SocketCallbacks {
  /** Each message event. */
  onMessage: (ev: MessageEvent) => void;
  /** The close event (after open). */
  onClose: (ev: CloseEvent) => void;
}

/** A connected socket and where it ended up. */
export interface OpenedSocket {
  /** The open socket. */
  ws: WebSocket;
  /** The URL actually connected to (after redirects). */
  url: string;
  /** Redirects followed. */
  hops: number;
}

/** `ws://` → `http://`, `wss://` → `https://` (other schemes unchanged). */
export function toHttpUrl(url: string): string {
  if (url.startsWith("ws://")) return "http://" + url.slice(5);
  if (url.startsWith("wss://")) return "https://" + url.slice(6);
  return url;
}

/** `http://` → `ws://`, `https://` → `wss://` (other schemes unchanged). */
export function toWsUrl(url: string): string {
  if (url.startsWith("http://")) return "ws://" + url.slice(7);
  if (url.startsWith("https://")) return "wss://" + url.slice(8);
  return url;
}

/**
 * Where `url` redirects to, or null when it does not. `url` is a ws(s) URL; the probe uses its
 * http(s) form and never follows the redirect itself.
 */
export async function probeRedirect(url: string, signal?: AbortSignal): Promise<string | null> {
  const http = toHttpUrl(url);
  const init: RequestInit = { redirect: "manual" };
  if (signal) init.signal = signal;
  const r = await fetch(http, init);
  await r.body?.cancel();
  const loc = r.headers.get("location");
  if (r.status < 300 || r.status >= 400 || loc === null) return null;
  return toWsUrl(new URL(loc, http).href);
}

function openOnce(url: string, cb: SocketCallbacks): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      reject(e);
      return;
    }
    let opened = false;
    ws.binaryType = "arraybuffer"; // a binary frame arrives readable (captured, never fatal)
    ws.onmessage = cb.onMessage;
    ws.onopen = () => {
      opened = true;
      resolve(ws);
    };
    ws.onerror = (e) => {
      if (!opened) reject(new Error((e as ErrorEvent).message || "WebSocket error"));
    };
    ws.onclose = (e) => {
      if (opened) cb.onClose(e);
      else reject(new Error(`WebSocket closed before open (code ${e.code})`));
    };
  });
}

/**
 * Open a WebSocket to `url`, following up to `maxHops` redirects. Rejects with the last error
 * when the socket cannot be opened (the caller backs off and retries).
 */
export async function openWebSocket(
  url: string,
  cb: SocketCallbacks,
  maxHops = 3,
  signal?: AbortSignal,
): Promise<OpenedSocket> {
  let current = url;
  for (let hops = 0;; hops++) {
    try {
      const ws = await openOnce(current, cb);
      return { ws, url: current, hops };
    } catch (e) {
      if (hops >= maxHops) throw e;
      let next: string | null;
      try {
        next = await probeRedirect(current, signal);
      } catch {
        throw e;
      }
      if (next === null) throw e;
      current = next;
    }
  }
}
