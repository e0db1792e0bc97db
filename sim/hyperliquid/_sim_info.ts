/**
 * Private: the simulator's `POST /info` answers for `{"type":"meta"}` (optionally with `"dex"`)
 * and `{"type":"spotMeta"}`, built from the coins it serves, in the venue's shapes
 * (`venues/hyperliquid/types.ts` `MetaWire`, `SpotMetaWire`): perpetuals (`BTC`, `xyz:MSTR`)
 * in the meta of their dex, spot pairs (`PURR/USDC`, `@107`) in `spotMeta` with a base token
 * per pair and USDC (token 0) as quote. Allocates freely: not a hot path.
 * @module
 */
import type { MetaWire, SpotMetaWire } from "../../venues/hyperliquid/types.ts";
import { hlMarketOf } from "../../venues/hyperliquid/coin_book.ts";
import { hlDexOf } from "../../venues/hyperliquid/meta.ts";

/** The answer to one `/info` request: HTTP status and JSON body. */
export interface InfoAnswer {
  /** HTTP status. */
  status: number;
  /** Response body. */
  body: string;
}

/** Answer the `/info` request `req` for `coins` with each coin's `szDecimals`. */
export function infoAnswer(
  req: unknown,
  coins: readonly string[],
  szDecimals: (coin: string) => number,
): InfoAnswer {
  const r = req as { type?: unknown; dex?: unknown } | null;
  if (r?.type === "meta") {
    const dex = typeof r.dex === "string" ? r.dex : "";
    const meta: MetaWire = {
      universe: coins.filter((c) => hlMarketOf(c) === "perp" && hlDexOf(c) === dex)
        .map((name) => ({ name, szDecimals: szDecimals(name), maxLeverage: 20, onlyIsolated: false })),
    };
    return { status: 200, body: JSON.stringify(meta) };
  }
  if (r?.type === "spotMeta") {
    const spot: SpotMetaWire = {
      universe: [],
      tokens: [{ name: "USDC", szDecimals: 8, index: 0 }],
    };
    let next = 1000;
    for (const name of coins.filter((c) => hlMarketOf(c) === "spot")) {
      const index = name.startsWith("@") ? Number(name.slice(1)) : next++;
      const token = spot.tokens.length;
      spot.tokens.push({
        name: name.split("/")[0]!.replace("@", "T"),
        szDecimals: szDecimals(name),
        index: token,
      });
      spot.universe.push({ name, tokens: [token, 0], index });
    }
    return { status: 200, body: JSON.stringify(spot) };
  }
  // The venue answers an unknown request with 422 and a deserialization message.
  return { status: 422, body: `Failed to deserialize the JSON body into the target type` };
}
