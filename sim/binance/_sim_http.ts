/**
 * Minimal HTTP/1.1 request-head reader and response writer over raw TCP, for the simulator.
 * One request per connection (`Connection: close`). Not a hot path.
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A parsed request head. */
export interface SimRequest {
  /** Method, e.g. "GET". */
  method: string;
  /** Path with query, e.g. "/api/v3/depth?symbol=BTCUSDT&limit=5". */
  target: string;
  /** The parsed URL (host 127.0.0.1). */
  url: URL;
  /** Header names in lower case. */
  headers: Map<string, string>;
  /** Bytes read after the head (start of a WebSocket stream or body). */
  rest: Uint8Array;
}

/** Read one request head (max 16 KiB). Returns null on EOF or a malformed head. */
export async function readRequest(conn: Deno.Conn): Promise<SimRequest | null> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  for (;;) {
    const end = findHeadEnd(buf);
    if (end >= 0) {
      const lines = decoder.decode(buf.subarray(0, end)).split("\r\n");
      const [method, target] = (lines[0] ?? "").split(" ");
      if (!method || !target) return null;
      const headers = new Map<string, string>();
      for (const l of lines.slice(1)) {
        const c = l.indexOf(":");
        if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
      }
      let url: URL;
      try {
        url = new URL(target, "http://127.0.0.1");
      } catch {
        return null;
      }
      return { method, target, url, headers, rest: buf.slice(end + 4) };
    }
    if (buf.length > 16384) return null;
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch {
      return null;
    }
    if (n === null) return null;
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
  }
}

function findHeadEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  301: "Moved Permanently",
  400: "Bad Request",
  404: "Not Found",
  418: "I'm a teapot",
  429: "Too Many Requests",
};

/** Write a full response and close the connection. Never throws. */
export async function respond(
  conn: Deno.Conn,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const b = encoder.encode(body);
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n`;
  head += `Content-Length: ${b.length}\r\nConnection: close\r\n`;
  if (!("Content-Type" in headers)) head += "Content-Type: application/json;charset=UTF-8\r\n";
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  const h = encoder.encode(head + "\r\n");
  const all = new Uint8Array(h.length + b.length);
  all.set(h);
  all.set(b, h.length);
  try {
    let off = 0;
    while (off < all.length) off += await conn.write(all.subarray(off));
  } catch { /* client went away */ }
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** Write a response head only (e.g. the 101 of a WebSocket upgrade). Throws on I/O errors. */
export async function writeHead(
  conn: Deno.Conn,
  status: number,
  headers: Record<string, string>,
): Promise<void> {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  const h = encoder.encode(head + "\r\n");
  let off = 0;
  while (off < h.length) off += await conn.write(h.subarray(off));
}

/**
 * Accept connections on `listener` until it closes, serving each with `serve`; the promises of
 * the connections being served are kept in `conns` (so a close can wait for them).
 */
export async function acceptLoop(
  listener: Deno.Listener,
  serve: (conn: Deno.Conn) => Promise<void>,
  conns: Set<Promise<void>>,
): Promise<void> {
  for (;;) {
    let conn: Deno.Conn;
    try {
      conn = await listener.accept();
    } catch {
      return;
    }
    // A venue's server sends each frame when it is written: no Nagle delay behind an unacknowledged
    // small write (without this, a frame of a quiet stream could wait for the client's delayed ACK).
    (conn as Deno.TcpConn).setNoDelay(true);
    const p = serve(conn).catch(() => {});
    conns.add(p);
    p.finally(() => conns.delete(p));
  }
}
