/**
 * How many Binance symbols (spot or USD-M) are spread over WebSocket connections within the
 * venue's limits (protocols.md §1, §4): at most 1024 streams per connection (`perConnection`,
 * configurable so tests can use 3), one depth stream per symbol (`<s>@depth@100ms` by default,
 * or the `speed` asked: `markets.ts` `depthStreamName`) plus `<s>@trade` with trades. Two ways to
 * ask for the streams: in the URL (`<base>/stream?streams=a/b/…`, combined payloads) or by
 * `SUBSCRIBE` messages on `<base>/ws` (sent after each connect, paced by the caller under the
 * venue's incoming messages per second per connection: spot 5, USD-M 10). USD-M paths are under
 * `/public` (`<base>/public/stream?streams=…`, `<base>/public/ws`). A full stream URL (`…/ws/<s>@…` or
 * `…/stream?streams=…`) is used as is for one connection. Allocates: built once, at construction.
 * @module
 */
import { type BinanceMarket, type DepthSpeed, depthStreamName, streamPrefix } from "./markets.ts";

/** Venue limits (spot, per connection / per IP). */
export const BINANCE_WS_LIMITS = {
  /** Streams one connection may carry. */
  streamsPerConnection: 1024,
  /** Incoming control messages (SUBSCRIBE, pings, pongs) per second per connection. */
  messagesPerSecond: 5,
  /** Connection attempts per 5 minutes per IP. */
  connectsPer5Min: 300,
} as const;

/** How the streams of a connection are requested. */
export type SubscribeMode = "url" | "message";

/** One planned connection. */
export interface PlannedConnection {
  /** The URL to connect to. */
  url: string;
  /** Stream names carried, in order. */
  streams: string[];
  /** Index into the symbol list of each symbol carried (its depth stream is on this connection). */
  symbols: number[];
  /** `SUBSCRIBE` message bodies to send after each connect (mode "message"), in order; ids from 1. */
  subscribe: string[];
}

/** Options of {@linkcode planStreams}. */
export interface StreamPlanOptions {
  /** WebSocket base (`ws://127.0.0.1:9000`, `wss://stream.binance.com:9443`) or a full stream URL. */
  wsUrl: string;
  /** "url" (default): `/stream?streams=…`; "message": `/ws` + SUBSCRIBE. */
  mode?: SubscribeMode;
  /** Streams per connection (default 1024, the venue's limit; never above it). */
  perConnection?: number;
  /** Also `<s>@trade`. */
  trades?: boolean;
  /** Streams per SUBSCRIBE message (default 200). */
  perMessage?: number;
  /** Market (default "spot"): USD-M paths are under `/public`. */
  market?: BinanceMarket;
  /** Depth stream speed (default the market's first: 100ms). */
  speed?: DepthSpeed;
}

/** True when `url` already names streams (`/ws/<stream>` or `?streams=`): a full stream URL. */
export function isFullStreamUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.searchParams.has("streams") || /\/ws\/[^/]/.test(u.pathname);
  } catch {
    return false;
  }
}

/**
 * Spread `symbols` (upper case) over connections. RangeError when there are no symbols, one is
 * repeated or not alphanumeric, `perConnection` is outside 1..1024, or a full stream URL is given
 * with several symbols.
 */
export function planStreams(symbols: readonly string[], o: StreamPlanOptions): PlannedConnection[] {
  if (symbols.length === 0) throw new RangeError("no symbols");
  if (new Set(symbols).size !== symbols.length) throw new RangeError("a symbol is listed twice");
  for (const s of symbols) if (!/^[A-Z0-9]{2,20}$/.test(s)) throw new RangeError(`not a symbol: "${s}"`);
  const per = o.perConnection ?? BINANCE_WS_LIMITS.streamsPerConnection;
  if (!Number.isInteger(per) || per < 1 || per > BINANCE_WS_LIMITS.streamsPerConnection) {
    throw new RangeError(`streams per connection must be 1..${BINANCE_WS_LIMITS.streamsPerConnection}`);
  }
  const perSymbol = o.trades === true ? 2 : 1;
  if (per < perSymbol) throw new RangeError("streams per connection smaller than one symbol's streams");
  const base = o.wsUrl.replace(/\/+$/, "");
  if (isFullStreamUrl(base)) {
    if (symbols.length > 1) {
      throw new RangeError("a full stream URL serves one symbol: give the WebSocket base with several");
    }
    return [{ url: base, streams: streamNames(symbols[0]!, o), symbols: [0], subscribe: [] }];
  }
  const mode = o.mode ?? "url";
  const perMessage = o.perMessage ?? 200;
  if (!Number.isInteger(perMessage) || perMessage < 1) throw new RangeError("perMessage must be >= 1");
  const perConn = Math.floor(per / perSymbol);
  const out: PlannedConnection[] = [];
  for (let i = 0; i < symbols.length; i += perConn) {
    const idx: number[] = [];
    const streams: string[] = [];
    for (let k = i; k < Math.min(symbols.length, i + perConn); k++) {
      idx.push(k);
      streams.push(...streamNames(symbols[k]!, o));
    }
    const subscribe: string[] = [];
    if (mode === "message") {
      for (let j = 0; j < streams.length; j += perMessage) {
        const params = streams.slice(j, j + perMessage);
        subscribe.push(JSON.stringify({ method: "SUBSCRIBE", params, id: subscribe.length + 1 }));
      }
    }
    const pre = base + streamPrefix(o.market ?? "spot");
    const url = mode === "message" ? `${pre}/ws` : `${pre}/stream?streams=${streams.join("/")}`;
    out.push({ url, streams, symbols: idx, subscribe });
  }
  return out;
}

function streamNames(symbol: string, o: StreamPlanOptions): string[] {
  const s = symbol.toLowerCase();
  const depth = depthStreamName(s, o.market ?? "spot", o.speed);
  return o.trades === true ? [depth, `${s}@trade`] : [depth];
}
