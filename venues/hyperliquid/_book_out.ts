/**
 * Private: `--book-out` for `HyperliquidHandler` — the book as JSON in the venue's own decimal
 * strings (the decimals of the last window, see `format.ts`), best first, written atomically
 * (temporary file, then rename). Allocates freely: called once, at exit.
 * @module
 */
import type { L2Book } from "../book.ts";
import type { BookDiffer } from "./diff.ts";
import type { SideLevels } from "./frame.ts";
import { formatHl } from "./format.ts";
import { HL_PRICE_SCALE, HL_SIZE_SCALE } from "./types.ts";

/**
 * The `[price, size]` string pairs of one book side, best first, in `lv`'s decimals; the book's
 * integers are at `priceScale` / `sizeScale` (the instrument's; default 8 / 8).
 */
export function sideStrings(
  s: L2Book["bids"],
  lv: SideLevels,
  priceScale: number = HL_PRICE_SCALE,
  sizeScale: number = HL_SIZE_SCALE,
): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < s.size; i++) {
    out.push([
      formatHl(s.priceAt(i), priceScale, lv.pxDecMin, lv.pxDecMax),
      formatHl(s.qtyAt(i), sizeScale, lv.szDecMin, lv.szDecMax),
    ]);
  }
  return out;
}

/** The `--book-out` object of one coin (see {@linkcode writeHlBookOut}). */
export function hlBookObject(
  book: L2Book,
  differ: BookDiffer,
  coin: string,
  stale: boolean,
  scale: { priceDecimals: number; qtyDecimals: number } = {
    priceDecimals: HL_PRICE_SCALE,
    qtyDecimals: HL_SIZE_SCALE,
  },
): Record<string, unknown> {
  const body: Record<string, unknown> = { venue: "hyperliquid", symbol: coin, lastUpdateId: book.updateId };
  if (stale) body.stale = true;
  body.bids = sideStrings(book.bids, differ.prevBids, scale.priceDecimals, scale.qtyDecimals);
  body.asks = sideStrings(book.asks, differ.prevAsks, scale.priceDecimals, scale.qtyDecimals);
  return body;
}

/**
 * Write `book` for `coin` to `path` as one JSON line (via `<path>.tmp` and a rename). When
 * `stale` (the connection was lost after this window) the object carries `"stale":true` after
 * `lastUpdateId`; a live book has no `stale` key.
 */
export async function writeHlBookOut(
  path: string,
  book: L2Book,
  differ: BookDiffer,
  coin: string,
  stale = false,
  scale: { priceDecimals: number; qtyDecimals: number } = {
    priceDecimals: HL_PRICE_SCALE,
    qtyDecimals: HL_SIZE_SCALE,
  },
): Promise<void> {
  const body = hlBookObject(book, differ, coin, stale, scale);
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(body) + "\n");
  await Deno.rename(tmp, path);
}
