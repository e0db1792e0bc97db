/**
 * Private: the Binance Spot wire types (`*Wire`) — the JSON shapes the venue sends (and the
 * control replies), with the venue's own keys (`U`, `u`, `E`, …). They document the protocol; the
 * hot path never materialises them (the scanner in `parse.ts` reads the bytes directly). Public
 * through `types.ts`, which re-exports each of them beside the domain types.
 * @module
 */

/** One price level on the wire: `[price, quantity]` as decimal strings; quantity "0…" removes it. */
export type LevelWire = [price: string, qty: string];

/** `<symbol>@depth` / `<symbol>@depth@100ms` event (raw stream form). */
export interface DepthUpdateWire {
  /** Event type, always `"depthUpdate"`. */
  e: "depthUpdate";
  /** Event time, ms since the Unix epoch. */
  E: number;
  /** Symbol, upper case (e.g. `"BTCUSDT"`). */
  s: string;
  /** First update id in this event. */
  U: number;
  /** Final update id in this event. */
  u: number;
  /** Bid levels to update: new absolute quantity per price. */
  b: LevelWire[];
  /** Ask levels to update: new absolute quantity per price. */
  a: LevelWire[];
}

/** Combined-stream envelope (`/stream?streams=…`): the raw payload wrapped with its stream name. */
export interface CombinedWire<T> {
  /** Stream name, e.g. `"btcusdt@depth@100ms"` or `"!serverShutdown"`. */
  stream: string;
  /** The raw event payload. */
  data: T;
}

/** REST `GET /api/v3/depth` body. */
export interface DepthSnapshotWire {
  /** The update id the snapshot reflects. */
  lastUpdateId: number;
  /** Bids, best (highest) first. */
  bids: LevelWire[];
  /** Asks, best (lowest) first. */
  asks: LevelWire[];
}

/** `<symbol>@trade` event. */
export interface TradeWire {
  /** Event type, always `"trade"`. */
  e: "trade";
  /** Event time, ms since the Unix epoch. */
  E: number;
  /** Symbol. */
  s: string;
  /** Trade id. */
  t: number;
  /** Price, decimal string. */
  p: string;
  /** Quantity, decimal string. */
  q: string;
  /** Trade time, ms since the Unix epoch. */
  T: number;
  /** Is the buyer the market maker? `true`: the taker sold (a bid was hit). */
  m: boolean;
  /** Undocumented; ignore. */
  M?: boolean;
}

/** `<symbol>@aggTrade` event (trades of one taker order aggregated). */
export interface AggTradeWire {
  /** Event type, always `"aggTrade"`. */
  e: "aggTrade";
  /** Event time, ms since the Unix epoch. */
  E: number;
  /** Symbol. */
  s: string;
  /** Aggregate trade id. */
  a: number;
  /** Price, decimal string. */
  p: string;
  /** Quantity, decimal string. */
  q: string;
  /** First trade id in the aggregate. */
  f: number;
  /** Last trade id in the aggregate. */
  l: number;
  /** Trade time, ms since the Unix epoch. */
  T: number;
  /** Is the buyer the market maker? */
  m: boolean;
  /** Undocumented; ignore. */
  M?: boolean;
}

/** `serverShutdown` event: the server will close this connection soon; reconnect at once. */
export interface ServerShutdownWire {
  /** Event type, always `"serverShutdown"`. */
  e: "serverShutdown";
  /** Event time, ms since the Unix epoch. */
  E: number;
}

/** Reply to a control message (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, …). */
export interface SubscribeReplyWire {
  /** `null` on success; the list of streams for `LIST_SUBSCRIPTIONS`. */
  result: null | string[] | unknown;
  /** The request id echoed: int64, string (≤ 36 chars) or null. */
  id: number | string | null;
}

/** Error reply to a control message. */
export interface ErrorReplyWire {
  /** Error code: 0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid JSON. */
  code: number;
  /** Human-readable message. */
  msg: string;
  /** The request id echoed, when the request had one. */
  id?: number | string | null;
}

/** `<symbol>@bookTicker` event (best bid/ask in real time; no `e` key). */
export interface BookTickerWire {
  /** Order book update id the top reflects. */
  u: number;
  /** Symbol. */
  s: string;
  /** Best bid price, decimal string. */
  b: string;
  /** Best bid quantity, decimal string. */
  B: string;
  /** Best ask price, decimal string. */
  a: string;
  /** Best ask quantity, decimal string. */
  A: string;
}
