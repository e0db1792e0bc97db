/**
 * The client side of the RFC 6455 opening handshake (§4.1), apart from the socket: the upgrade
 * request, the expected `Sec-WebSocket-Accept`, and the check of the server's answer — 101 with
 * the right headers, or a 3xx redirect (with its `Location`, which the caller may follow: Deno's
 * own `WebSocket` does not), or a failure with one line saying why. Pure except
 * {@linkcode acceptFor} (Web Crypto). Not a hot path.
 * @module
 */

const enc = new TextEncoder();
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** A fresh random `Sec-WebSocket-Key` (16 random bytes, base64). */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b));
}

/** The `Sec-WebSocket-Accept` a server must answer for `key`. */
export async function acceptFor(key: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-1", enc.encode(key + GUID)));
  return btoa(String.fromCharCode(...d));
}

/** The GET upgrade request for `url` (ws: or wss:) with `key` and extra `headers`. */
export function upgradeRequest(url: URL, key: string, headers: Record<string, string> = {}): Uint8Array {
  const defaultPort = url.protocol === "wss:" ? "443" : "80";
  const host = url.port === "" || url.port === defaultPort ? url.hostname : `${url.hostname}:${url.port}`;
  let s = `GET ${url.pathname || "/"}${url.search} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n]/.test(k + v)) throw new TypeError(`header ${k}: line breaks are not allowed`);
    s += `${k}: ${v}\r\n`;
  }
  return enc.encode(s + "\r\n");
}

/** The server's answer, judged. */
export type UpgradeAnswer =
  | { kind: "open" }
  | { kind: "redirect"; location: string; status: number }
  | { kind: "fail"; why: string };

/**
 * Judge the response head `head` (status line and headers, without the blank line) against the
 * `accept` value expected. A redirect's `Location` is resolved against `url` and given as ws(s).
 */
export function judgeAnswer(head: string, accept: string, url: URL): UpgradeAnswer {
  const lines = head.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (m === null) {
    return { kind: "fail", why: `not an HTTP response: ${JSON.stringify(lines[0]?.slice(0, 60))}` };
  }
  const status = Number(m[1]);
  const h = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i]!.indexOf(":");
    if (c > 0) h.set(lines[i]!.slice(0, c).trim().toLowerCase(), lines[i]!.slice(c + 1).trim());
  }
  if (status >= 300 && status < 400 && h.has("location")) {
    const http = new URL(url.href.replace(/^ws/, "http"));
    const to = new URL(h.get("location")!, http).href.replace(/^http/, "ws");
    return { kind: "redirect", location: to, status };
  }
  if (status !== 101) return { kind: "fail", why: `Invalid status code: ${status}` };
  if (h.get("upgrade")?.toLowerCase() !== "websocket") return { kind: "fail", why: "no Upgrade: websocket" };
  if (!/\bupgrade\b/i.test(h.get("connection") ?? "")) return { kind: "fail", why: "no Connection: Upgrade" };
  if (h.get("sec-websocket-accept") !== accept) return { kind: "fail", why: "wrong Sec-WebSocket-Accept" };
  if (h.has("sec-websocket-extensions")) return { kind: "fail", why: "an extension was not asked for" };
  return { kind: "open" };
}

/** Offset just past the first `\r\n\r\n` in `b[0..end)`, or -1. */
export function headEnd(b: Uint8Array, end: number): number {
  for (let i = 3; i < end; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  }
  return -1;
}
