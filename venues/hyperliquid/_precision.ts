/**
 * Private: the decimals a Hyperliquid frame needs — the finest significant fractional digits of
 * its `px` and `sz` strings (trailing zeros trimmed). Used by `HyperliquidHandler` only when a
 * frame does not parse at the scale in force (off the hot path; allocates).
 * @module
 */
import { significantDecimals } from "../decimal.ts";
import type { Decimals } from "../binance/precision.ts";

const VALUE = /"(px|sz)"\s*:\s*"(\d+(?:\.\d+)?)"/g;

/** The finest price (`px`) and size (`sz`) decimals in `text`, or null when it has neither. */
export function hlFrameDecimals(text: string): Decimals | null {
  let seen = false;
  const d: Decimals = { priceDecimals: 0, qtyDecimals: 0 };
  for (const m of text.matchAll(VALUE)) {
    seen = true;
    const n = significantDecimals(m[2]!);
    if (m[1] === "px") d.priceDecimals = Math.max(d.priceDecimals, n);
    else d.qtyDecimals = Math.max(d.qtyDecimals, n);
  }
  return seen ? d : null;
}
