/**
 * Private: the precision a Hyperliquid replay runs at, shared by the book parser and the trade
 * feed's parser (the normalized-capture replay follows the same rule through {@linkcode HlScale.fit}). It starts at the capture's (metadata `priceScale`/`sizeScale`), else at the live
 * handler's default (10^8); a frame with a value the scale cannot hold exactly makes it rescale
 * the way the live handler does: to the finer of the scale in force and the frame's own decimals,
 * else to the frame's decimals (a value too large at the finer scale). A rescale restarts the book
 * (its next window is a snapshot at the new scale). The trade feed, which reads ahead, keeps a
 * scale of its own and brings each trade to the book's ({@linkcode toScale}). Off the hot path
 * (only on a failed frame).
 * @module
 */
import { hlFrameDecimals } from "../venues/hyperliquid/_precision.ts";
import { type HlFrame, HlMsg, HlParseError } from "../venues/hyperliquid/frame.ts";
import type { HlParser } from "../venues/hyperliquid/parse.ts";
import { HL_PRICE_SCALE, HL_SIZE_SCALE } from "../venues/hyperliquid/types.ts";
import type { CaptureFiles } from "./reader.ts";
import type { Decimals } from "../venues/binance/precision.ts";

const dec = new TextDecoder();

/** The replay's scale and the parsers that follow it. */
export class HlScale {
  /** Price decimals in force. */
  priceDecimals: number;
  /** Size decimals in force. */
  qtyDecimals: number;
  /** Rescales so far. */
  rescales = 0;
  /** Called after a rescale (the book restarts). */
  onRescale: () => void = () => {};
  readonly #parsers: HlParser[] = [];

  /** Start at `priceDecimals` / `qtyDecimals`. */
  constructor(priceDecimals: number, qtyDecimals: number) {
    this.priceDecimals = priceDecimals;
    this.qtyDecimals = qtyDecimals;
  }

  /** The scale of `files` (metadata, else 10^8). */
  static of(files: CaptureFiles): HlScale {
    const m = files.metadata;
    const ok = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 18;
    return new HlScale(
      ok(m?.priceScale) ? m.priceScale : HL_PRICE_SCALE,
      ok(m?.sizeScale) ? m.sizeScale : HL_SIZE_SCALE,
    );
  }

  /** Make `p` parse at this scale, now and after every rescale. */
  follow(p: HlParser): void {
    p.priceScale = this.priceDecimals;
    p.sizeScale = this.qtyDecimals;
    this.#parsers.push(p);
  }

  /**
   * Parse `bytes[0, len)` with `p` into `out`; on a value the scale cannot hold, rescale and parse
   * again. The result is `Malformed` only when no scale holds it (beyond 2^53 units).
   */
  parse(p: HlParser, bytes: Uint8Array, len: number, out: HlFrame): HlMsg {
    const k = p.parseBytes(bytes, len, out);
    if (k !== HlMsg.Malformed || out.error !== HlParseError.BadNumber) return k;
    const wire = hlFrameDecimals(dec.decode(bytes.subarray(0, len)));
    if (wire === null) return k;
    let k2: HlMsg = HlMsg.Malformed;
    const ok = this.fit(wire, (d) => {
      p.priceScale = d.priceDecimals;
      p.sizeScale = d.qtyDecimals;
      k2 = p.parseBytes(bytes, len, out);
      return k2 !== HlMsg.Malformed;
    });
    if (ok) return k2;
    p.priceScale = this.priceDecimals;
    p.sizeScale = this.qtyDecimals;
    return p.parseBytes(bytes, len, out); // the frame's error again, for the caller
  }

  /**
   * A message at `wire` decimals did not fit the scale in force: try the finer of the two, else
   * the message's own (a value too large at the finer one), with `attempt` (true: the message
   * and whatever follows the scale are at that scale now). On success the scale moves there, the
   * followed parsers with it, `onRescale` runs and `fit` returns true; false: no scale holds it
   * (nothing changed here).
   */
  fit(wire: Decimals, attempt: (d: Decimals) => boolean): boolean {
    const finer = {
      priceDecimals: Math.max(this.priceDecimals, wire.priceDecimals),
      qtyDecimals: Math.max(this.qtyDecimals, wire.qtyDecimals),
    };
    for (const d of [finer, wire]) {
      if (d.priceDecimals === this.priceDecimals && d.qtyDecimals === this.qtyDecimals) continue;
      if (!attempt(d)) continue;
      this.priceDecimals = d.priceDecimals;
      this.qtyDecimals = d.qtyDecimals;
      for (const q of this.#parsers) {
        q.priceScale = d.priceDecimals;
        q.sizeScale = d.qtyDecimals;
      }
      this.rescales++;
      this.onRescale();
      return true;
    }
    return false;
  }
}

/**
 * `v` (an integer × 10^`from`) as an integer × 10^`to`, or NaN when it has digits finer than
 * 10^-`to` or passes 2^53 there.
 */
export function toScale(v: number, from: number, to: number): number {
  if (from === to) return v;
  const r = from < to ? v * 10 ** (to - from) : v / 10 ** (from - to);
  return Number.isSafeInteger(r) ? r : NaN;
}
