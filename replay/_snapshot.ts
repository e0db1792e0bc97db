/**
 * Read and parse a snapshot file (the REST depth body verbatim, optionally `.gz`) with the live
 * parser, at the capture's scale. Allocates (once per snapshot).
 * @module
 */
import { parseSnapshot } from "../venues/binance/parse.ts";
import { isParseError } from "../venues/binance/types.ts";
import type { DepthSnapshot } from "../venues/binance/types.ts";

/** The parsed snapshot, or a message saying why it cannot be used. Never throws. */
export async function readSnapshot(
  path: string,
  priceDecimals = 8,
  qtyDecimals = 8,
): Promise<DepthSnapshot | string> {
  let text: string;
  try {
    if (path.endsWith(".gz")) {
      const f = await Deno.open(path);
      text = await new Response(f.readable.pipeThrough(new DecompressionStream("gzip"))).text();
    } else text = await Deno.readTextFile(path);
  } catch (e) {
    return `cannot read: ${e instanceof Error ? e.message : String(e)}`;
  }
  const snap = parseSnapshot(text, priceDecimals, qtyDecimals);
  return isParseError(snap) ? `not a depth snapshot (${snap.error})` : snap;
}
