/**
 * The `--book-out` JSON form of a book: the venue's own decimal strings, best first.
 * `{"venue":"binance","symbol":"BTCUSDT","lastUpdateId":123,"bids":[["61602.01","1.67177"],…],"asks":[…]}`
 * @module
 */
import type { BookSide, L2Book } from "./book.ts";
import { formatFixed } from "./decimal.ts";

/** How to print a book's integers back as the venue's decimal strings. */
export interface BookFormat {
  /** Venue name, e.g. "binance". */
  venue: string;
  /** Symbol or coin as the venue spells it, e.g. "BTCUSDT". */
  symbol: string;
  /** Fixed-point scale of prices (decimal digits). */
  priceScale: number;
  /** Fixed-point scale of quantities (decimal digits). */
  qtyScale: number;
  /** Fractional digits to print for prices (default: the scale). */
  priceDecimals?: number;
  /** Fractional digits to print for quantities (default: the scale). */
  qtyDecimals?: number;
}

/**
 * The book as a plain JSON-ready object. Allocates (call on exit, not per message). A `stale`
 * book (no longer live: the feed went silent or the connection was lost, and it was not
 * synchronized since) carries `"stale":true` right after `lastUpdateId`; a live book has no
 * `stale` key.
 */
export function bookToJson(book: L2Book, fmt: BookFormat, stale = false): {
  venue: string;
  symbol: string;
  lastUpdateId: number;
  stale?: true;
  bids: [string, string][];
  asks: [string, string][];
} {
  return {
    venue: fmt.venue,
    symbol: fmt.symbol,
    lastUpdateId: book.updateId,
    ...(stale ? { stale: true as const } : {}),
    bids: sideLevels(book.bids, fmt),
    asks: sideLevels(book.asks, fmt),
  };
}

function sideLevels(side: BookSide, fmt: BookFormat): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < side.size; i++) {
    out.push([
      formatFixed(side.priceAt(i), fmt.priceScale, fmt.priceDecimals ?? fmt.priceScale),
      formatFixed(side.qtyAt(i), fmt.qtyScale, fmt.qtyDecimals ?? fmt.qtyScale),
    ]);
  }
  return out;
}

/**
 * Write the book as JSON to `path` (temp file + rename, so readers never see half a file),
 * creating the parent directory when it is missing; `stale` as in {@linkcode bookToJson}.
 */
export async function writeBookJson(
  path: string,
  book: L2Book,
  fmt: BookFormat,
  stale = false,
): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(bookToJson(book, fmt, stale)) + "\n");
  await Deno.rename(tmp, path);
}
