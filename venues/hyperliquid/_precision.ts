/**
 * Private: the scale a Hyperliquid frame needs, used by both handlers only when a frame does not
 * parse at the scale in force (off the hot path; allocates): the finest significant fractional
 * digits of its `px` and `sz` strings (trailing zeros trimmed), and a parse again at the first
 * scale that holds the frame — the finer of the scale in force and the wire's (a value finer
 * than the scale), else the finer of the coin's base (its metadata) and the wire's (a value too
 * large at a scale that grew finer than it needs); {@linkcode fitCoinScale} then moves the coin
 * there, or clears it (reason precision) when no scale holds the frame.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { significantDecimals } from "../decimal.ts";
import { type Decimals, finer } from "../binance/precision.ts";
import { type HlFrame, HlMsg } from "./frame.ts";
import type { HlParser } from "./parse.ts";
import type { CoinBook } from "./coin_book.ts";

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

/**
 * Parse `data` into `f` again at the first scale that holds it (see the module doc) and write
 * that scale to `out`; the parser keeps it. Returns {@linkcode HlMsg.Malformed} when no scale
 * holds it (a value beyond 2^53 units at the scale its own decimals need): the parser is back at
 * `cur` and `f` holds the error of a parse at `cur`.
 */
export function parseAtFittingScale(
  p: HlParser,
  f: HlFrame,
  data: string,
  cur: Decimals,
  base: Decimals,
  out: Decimals,
): HlMsg {
  const wire = hlFrameDecimals(data);
  if (wire !== null) {
    for (const d of [finer(cur, wire), finer(base, wire)]) {
      if (d.priceDecimals === cur.priceDecimals && d.qtyDecimals === cur.qtyDecimals) continue;
      p.priceScale = d.priceDecimals;
      p.sizeScale = d.qtyDecimals;
      const k = p.parse(data, f);
      if (k !== HlMsg.Malformed) {
        out.priceDecimals = d.priceDecimals;
        out.qtyDecimals = d.qtyDecimals;
        return k;
      }
    }
  }
  p.priceScale = cur.priceDecimals;
  p.sizeScale = cur.qtyDecimals;
  p.parse(data, f);
  return HlMsg.Malformed;
}

/**
 * A frame of `cb`'s coin did not parse at its scale (a bad number): parse it again at a scale
 * that holds it and move the coin there ({@linkcode CoinBook.rescale}: in place when finer; the
 * next message is a snapshot), logging the change; `out` gets the new scale. When none holds it:
 * an error event, a resync event and a `clear` of that coin (reason precision); returns
 * {@linkcode HlMsg.Malformed}.
 */
export function fitCoinScale(
  cb: CoinBook,
  p: HlParser,
  f: HlFrame,
  data: string,
  out: Decimals,
  logger: Logger,
  src: number,
  wallNs: number,
): HlMsg {
  const k = parseAtFittingScale(p, f, data, cb.decimals, cb.base, out);
  if (k !== HlMsg.Malformed) {
    const kept = cb.rescale(out);
    const note = kept ? "" : " (windows dropped: the next message is the book)";
    logger.info(src, `rescaled to 10^-${out.priceDecimals} / 10^-${out.qtyDecimals}${note}`);
    return k;
  }
  const text = "a value cannot be held exactly at any scale (beyond 2^53): book cleared, resync";
  logger.error(src, text);
  logger.resync(src, ResyncReason.Precision, 0, 0, text);
  cb.clear(ResyncReason.Precision, wallNs);
  return HlMsg.Malformed;
}
