/**
 * Private: the WebSocket session side of the single-symbol Binance simulator — which paths open
 * a stream session (`/ws/<stream>[/<stream>…]` raw, `/stream?streams=a/b` combined, `/ws` for
 * `SUBSCRIBE`; `/live/…` the redirect target; all under `/public` for USD-M), the `redirect`
 * fault's 301, the upgrade handshake, and the client it opens (kept in the simulator's client
 * set while the socket lives). Not a hot path.
 * @module
 */
import { respond, type SimRequest, writeHead } from "./_sim_http.ts";
import { controlMessage, type SimClient } from "./_sim_streams.ts";
import type { SimStats } from "./_sim_types.ts";
import { acceptKey, SimSocket } from "./_sim_ws.ts";

/**
 * Serve request `req` on `conn` as a stream session: 404 for a path that is no stream path, 301
 * to `/live/…` while `redirect` is on, 400 without an upgrade; else upgrade, add the client to
 * `clients` (removed when its socket closes) and resolve when the socket is done. `futures`:
 * stream paths are under `/public`.
 */
export async function serveSession(
  conn: Deno.Conn,
  req: SimRequest,
  futures: boolean,
  redirect: boolean,
  stats: SimStats,
  clients: Set<SimClient>,
): Promise<void> {
  const path = req.url.pathname;
  const isUpgrade = (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
  const live = path.startsWith("/live/");
  let streamPath = live ? path.slice(5) : path;
  if (futures) {
    if (!streamPath.startsWith("/public/")) return respond(conn, 404, `{"code":-1,"msg":"not found"}`);
    streamPath = streamPath.slice(7);
  }
  if (!(streamPath === "/ws" || streamPath.startsWith("/ws/") || streamPath === "/stream")) {
    return respond(conn, 404, `{"code":-1,"msg":"not found"}`);
  }
  if (redirect && !live) {
    stats.redirects++;
    return respond(conn, 301, "", { Location: `/live${req.target}`, "Content-Type": "text/plain" });
  }
  const key = req.headers.get("sec-websocket-key");
  if (!isUpgrade || key === undefined) return respond(conn, 400, `{"code":-1,"msg":"upgrade required"}`);
  await writeHead(conn, 101, {
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Accept": await acceptKey(key),
  });
  const combined = streamPath === "/stream";
  const names = combined
    ? (req.url.searchParams.get("streams") ?? "").split("/")
    : streamPath.slice(4).split("/");
  const client: SimClient = {
    sock: new SimSocket(conn, req.target, req.rest),
    combined,
    streams: new Set(),
  };
  for (const n of names) if (n) client.streams.add(n);
  client.sock.onText = (t) => controlMessage(client, t);
  client.sock.onClosed = () => clients.delete(client);
  clients.add(client);
  stats.connections++;
  await client.sock.done;
}
