/**
 * How many coins and channels are spread over WebSocket connections within Hyperliquid's per-IP
 * limits (protocols.md §4): at most 1000 subscriptions, 10 connections, one subscription per coin
 * and channel. Decision: fast `l2Book` windows travel on their own connection(s), because a
 * fast window and a slow one are the same `l2Book` frame on the wire (only their depth differs,
 * and a thin book makes depth ambiguous); the connection a frame arrived on says which it is.
 * The other channels (slow `l2Book`, `bbo`, `trades`) share connection(s). Each connection holds
 * at most `perSocket` subscriptions (default 1000: the venue has no per-connection limit, so one
 * connection per lane). Allocates: built once, at construction.
 * @module
 */

/** Venue limits, per IP. */
export const HL_LIMITS = {
  /** Subscriptions across all connections. */
  subscriptions: 1000,
  /** WebSocket connections. */
  connections: 10,
  /** New connections per minute. */
  connectsPerMinute: 30,
  /** Messages sent per minute, across all connections. */
  messagesPerMinute: 2000,
} as const;

/** A channel a coin can be subscribed to (`--channels`). */
export type HlChannel = "l2book" | "fast" | "bbo" | "trades";

/** Every channel name `--channels` accepts. */
export const HL_CHANNELS: readonly HlChannel[] = ["l2book", "fast", "bbo", "trades"];

/** One connection of the plan. */
export interface PlannedSocket {
  /** True for a connection that carries fast `l2Book` only. */
  fast: boolean;
  /** The subscription objects, in send order. */
  subscriptions: Record<string, unknown>[];
  /** Index into the coin list of each subscription's coin. */
  coinIndex: number[];
}

/** Aggregation of every `l2Book` subscription (slow and fast): `nSigFigs`, `mantissa`. */
export interface HlAggregation {
  /** 2, 3, 4 or 5 significant figures (absent = full precision). */
  nSigFigs?: number;
  /** 1, 2 or 5, only with `nSigFigs` 5. */
  mantissa?: number;
}

/**
 * The subscription object of `channel` for `coin` (the venue's wire form); `l2Book` ones carry
 * `agg`'s `nSigFigs` / `mantissa` when set.
 */
export function subscriptionOf(
  channel: HlChannel,
  coin: string,
  agg: HlAggregation = {},
): Record<string, unknown> {
  const l2: Record<string, unknown> = { type: "l2Book", coin };
  if (agg.nSigFigs !== undefined) l2.nSigFigs = agg.nSigFigs;
  if (agg.mantissa !== undefined) l2.mantissa = agg.mantissa;
  switch (channel) {
    case "l2book":
      return l2;
    case "fast":
      return { ...l2, fast: true };
    case "bbo":
      return { type: "bbo", coin };
    case "trades":
      return { type: "trades", coin };
  }
}

/**
 * Spread `coins` × `channels` over connections (`l2Book` subscriptions aggregated by `agg`).
 * RangeError when there are no coins or channels, a coin is repeated or is not a name, or the
 * plan exceeds the venue's subscription or connection limits.
 */
export function planSubscriptions(
  coins: readonly string[],
  channels: readonly HlChannel[],
  perSocket: number = HL_LIMITS.subscriptions,
  agg: HlAggregation = {},
): PlannedSocket[] {
  if (coins.length === 0) throw new RangeError("no coins");
  if (channels.length === 0) throw new RangeError("no channels");
  if (new Set(coins).size !== coins.length) throw new RangeError("a coin is listed twice");
  if (new Set(channels).size !== channels.length) throw new RangeError("a channel is listed twice");
  for (const c of coins) if (c === "" || /\s/.test(c)) throw new RangeError(`not a coin name: "${c}"`);
  if (!(perSocket >= 1)) throw new RangeError("perSocket must be >= 1");
  const total = coins.length * channels.length;
  if (total > HL_LIMITS.subscriptions) {
    throw new RangeError(
      `${coins.length} coins × ${channels.length} channels = ${total} subscriptions: ` +
        `more than Hyperliquid's ${HL_LIMITS.subscriptions} per IP`,
    );
  }
  const out: PlannedSocket[] = [];
  for (const fast of [false, true]) {
    const chans = channels.filter((c) => (c === "fast") === fast);
    if (chans.length === 0) continue;
    let cur: PlannedSocket | undefined;
    for (let i = 0; i < coins.length; i++) {
      for (const ch of chans) {
        if (cur === undefined || cur.subscriptions.length >= perSocket) {
          cur = { fast, subscriptions: [], coinIndex: [] };
          out.push(cur);
        }
        cur.subscriptions.push(subscriptionOf(ch, coins[i]!, agg));
        cur.coinIndex.push(i);
      }
    }
  }
  if (out.length > HL_LIMITS.connections) {
    throw new RangeError(
      `the plan needs ${out.length} connections: more than ${HL_LIMITS.connections} per IP`,
    );
  }
  return out;
}

/** Parse `--channels l2book,fast,bbo,trades`; RangeError names a bad entry. */
export function parseChannels(text: string): HlChannel[] {
  const out = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const c of out) {
    if (!(HL_CHANNELS as readonly string[]).includes(c)) {
      throw new RangeError(`unknown channel "${c}" (expected ${HL_CHANNELS.join(", ")})`);
    }
  }
  return out as HlChannel[];
}
