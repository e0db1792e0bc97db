/**
 * Hyperliquid WebSocket types. Two families, kept apart:
 * - Wire types (`*Wire`): the JSON the venue sends and accepts, with the venue's own keys
 *   (`px`, `sz`, `n`, `levels`, …). They document the protocol; the hot path never
 *   materialises them (the scanner in `parse.ts` reads the bytes directly).
 * - Domain constants: the fixed-point scales the parser converts to.
 *
 * Scales: prices and sizes become integers `value × 10^8` ({@linkcode HL_PRICE_SCALE},
 * {@linkcode HL_SIZE_SCALE}). Hyperliquid prices have at most 6 (perps) or 8 (spot) decimals and
 * sizes at most 8 (`szDecimals`), so scale 8 is exact for every listed asset; it holds values
 * below 2^53 / 10^8 ≈ 90,071,992.5 exactly (BTC at 105,055.0 is 1.05e13 ticks). A value that
 * does not fit is reported as a malformed frame, never rounded.
 * @module
 */

/** Decimal places of a fixed-point price: `priceTicks = px × 10^HL_PRICE_SCALE`. */
export const HL_PRICE_SCALE = 8;
/** Decimal places of a fixed-point size: `sizeLots = sz × 10^HL_SIZE_SCALE`. */
export const HL_SIZE_SCALE = 8;
/** Levels per side of an `l2Book` message ("20 levels if slow", 5 with `fast`). */
export const HL_BOOK_DEPTH = 20;
/** The plain-text frame the server sends right after the upgrade (not JSON). */
export const HL_GREETING = "Websocket connection established.";
/** The heartbeat request. */
export const HL_PING = '{"method":"ping"}';

/** One price level: `{"px":"105055.0","sz":"3.03622","n":5}`. */
export interface LevelWire {
  /** Price as a decimal string (quote currency, USD for perps). */
  px: string;
  /** Total size resting at this price, decimal string in base units (e.g. BTC). */
  sz: string;
  /** Number of orders at this level. */
  n: number;
}

/** `WsBook`: a full top-N snapshot of both sides (not a diff). */
export interface BookWire {
  /** Coin, e.g. `"BTC"` (perps) or `"@107"` / `"PURR/USDC"` (spot). */
  coin: string;
  /** Block time of the snapshot, ms since the Unix epoch. */
  time: number;
  /** `[bids best→worst (descending px), asks best→worst (ascending px)]`, at most 20 each. */
  levels: [LevelWire[], LevelWire[]];
}

/** `WsTrade`: one fill. */
export interface TradeWire {
  /** Coin. */
  coin: string;
  /** Aggressing side: `"B"` = buyer took the ask, `"A"` = seller hit the bid. */
  side: "B" | "A";
  /** Price, decimal string. */
  px: string;
  /** Size, decimal string. */
  sz: string;
  /** Transaction hash (hex; all zeros for some system fills). */
  hash: string;
  /** Trade time, ms since the Unix epoch. */
  time: number;
  /** 50-bit hash of the buyer and seller order ids; unique with (time, coin). */
  tid: number;
  /** `[buyer, seller]` addresses. */
  users: [string, string];
}

/** The `l2Book` subscription object. */
export interface L2BookSubscriptionWire {
  /** Always `"l2Book"`. */
  type: "l2Book";
  /** Coin, e.g. `"BTC"`. */
  coin: string;
  /** Aggregate to this many significant figures: 2, 3, 4 or 5 (absent = full precision). */
  nSigFigs?: number;
  /** With `nSigFigs` 5 only: aggregate to multiples of 1, 2 or 5 in the last figure. */
  mantissa?: number;
}

/** A client request: `{"method":"subscribe","subscription":{…}}` or `{"method":"ping"}`. */
export interface RequestWire {
  /** `"subscribe"`, `"unsubscribe"` or `"ping"`. */
  method: "subscribe" | "unsubscribe" | "ping";
  /** The subscription (absent for ping). */
  subscription?: L2BookSubscriptionWire | { type: "trades"; coin: string };
}

/**
 * A server message: `{"channel":"l2Book","data":BookWire}`, `{"channel":"trades","data":TradeWire[]}`,
 * `{"channel":"subscriptionResponse","data":RequestWire}`, `{"channel":"pong"}` or
 * `{"channel":"error","data":"<text>"}` (the error frame is undocumented; seen live).
 */
export interface MessageWire {
  /** Message type. */
  channel: "l2Book" | "trades" | "subscriptionResponse" | "pong" | "error" | string;
  /** Payload (absent for pong). */
  data?: unknown;
}

/** One perpetual of `POST /info {"type":"meta"}` (`universe[]`). */
export interface PerpAssetWire {
  /** Coin as the WebSocket spells it (`BTC`; a builder dex's perps carry its prefix: `xyz:MSTR`). */
  name: string;
  /** Decimals of a size; prices have at most `6 - szDecimals` decimals (and 5 significant figures). */
  szDecimals: number;
  /** Present and true once the perpetual is delisted. */
  isDelisted?: boolean;
}

/** `POST /info {"type":"meta"}` (or `{"type":"meta","dex":"xyz"}` for a builder-deployed dex). */
export interface MetaWire {
  /** Every perpetual of the dex. */
  universe: PerpAssetWire[];
}

/** One spot pair of `POST /info {"type":"spotMeta"}` (`universe[]`). */
export interface SpotPairWire {
  /** Coin as the WebSocket spells it: `PURR/USDC` for a canonical pair, else `@<index>`. */
  name: string;
  /** `[base token index, quote token index]` into `tokens`. */
  tokens: [number, number];
  /** The pair's index (`@<index>`). */
  index: number;
}

/** One token of `spotMeta` (`tokens[]`). */
export interface SpotTokenWire {
  /** Token name, e.g. `PURR`. */
  name: string;
  /** Decimals of a size in this token; a pair's prices have at most `8 - szDecimals` decimals. */
  szDecimals: number;
  /** Position in `tokens`. */
  index: number;
}

/** `POST /info {"type":"spotMeta"}`. */
export interface SpotMetaWire {
  /** Every spot pair. */
  universe: SpotPairWire[];
  /** Every token. */
  tokens: SpotTokenWire[];
}
