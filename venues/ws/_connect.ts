/**
 * Private: the opening of a `RawWebSocket` — TCP (`Deno.connect`, `TCP_NODELAY`) or TLS
 * (`Deno.connectTls`, optional extra CA certificates), the upgrade request, and the server's
 * answer judged (`handshake.ts`): the open connection with the bytes read past the answer's head,
 * or a redirect to follow. The connect and handshake share one deadline (`connectTimeoutMs`) and
 * the caller's abort signal. Allocates (once per connection).
 * @module
 */
import { acceptFor, headEnd, judgeAnswer, newKey, upgradeRequest } from "./handshake.ts";
import type { RawWsOptions } from "./_raw_options.ts";

const dec = new TextDecoder();

/** A connection a `RawWebSocket` reads. */
export type Conn = Deno.TcpConn | Deno.TlsConn;

/** What one upgrade attempt gave. */
export type Handshake =
  | { kind: "open"; conn: Conn; rest: Uint8Array }
  | { kind: "redirect"; location: string; status: number };

/** Connect to `url` and run the opening handshake; rejects with an Error saying why. */
export async function handshake(url: string, o: RawWsOptions): Promise<Handshake> {
  const u = new URL(url);
  if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new DOMException(`not a ws: or wss: URL: ${url}`, "SyntaxError");
  }
  const tls = u.protocol === "wss:";
  const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === "" ? (tls ? 443 : 80) : Number(u.port);
  const timeout = AbortSignal.timeout(o.connectTimeoutMs ?? 10_000);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  signal.throwIfAborted();
  const conn: Conn = tls
    ? await Deno.connectTls({ hostname, port, ...(o.caCerts ? { caCerts: o.caCerts } : {}) })
    : await Deno.connect({ hostname, port, signal });
  const onAbort = (): void => {
    try {
      conn.close();
    } catch { /* closed */ }
  };
  signal.addEventListener("abort", onAbort);
  try {
    if (!tls) (conn as Deno.TcpConn).setNoDelay(true);
    const key = newKey();
    const req = upgradeRequest(u, key, o.headers);
    for (let w = 0; w < req.length;) w += await conn.write(req.subarray(w));
    const buf = new Uint8Array(16 << 10);
    let end = 0, at = -1;
    while (at < 0) {
      if (end === buf.length) throw new Error("failed to connect to WebSocket: response head too large");
      const n = await conn.read(buf.subarray(end));
      if (n === null) {
        throw new Error("failed to connect to WebSocket: connection closed during the handshake");
      }
      end += n;
      at = headEnd(buf, end);
    }
    const answer = judgeAnswer(dec.decode(buf.subarray(0, at - 4)), await acceptFor(key), u);
    if (answer.kind === "fail") throw new Error(`failed to connect to WebSocket: ${answer.why}`);
    if (answer.kind === "redirect") {
      conn.close();
      return answer;
    }
    return { kind: "open", conn, rest: buf.slice(at, end) };
  } catch (e) {
    onAbort();
    if (signal.aborted) {
      throw new Error(`failed to connect to WebSocket: ${timeout.aborted ? "timed out" : "aborted"}`);
    }
    throw e;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
