/**
 * What the Binance frame parser returns: the kind of a frame ({@linkcode FrameKind}) and the
 * caller-owned, reusable {@linkcode ParsedFrame} it fills (the diff or trade, reply fields, the
 * scale to parse at, the expected symbol or the symbol index). Re-exported by `parse.ts`.
 * @module
 */
import { SCALE } from "./_scan_state.ts";
import { DepthDiff, Trade } from "./types.ts";

/** What a frame was. */
export const FrameKind = {
  /** A `depthUpdate`: `out.diff` holds it. */
  Depth: 1,
  /** A `trade`: `out.trade` holds it. */
  Trade: 2,
  /** An `aggTrade`: `out.trade` holds it (`id` = aggregate id, `firstTradeId`/`lastTradeId`). */
  AggTrade: 3,
  /** A `serverShutdown` notice: `out.eventTimeMs` holds `E` (0 when absent). Reconnect now. */
  ServerShutdown: 4,
  /** A control reply `{"result":…,"id":…}`: `out.replyId` holds a numeric id (NaN otherwise). */
  Reply: 5,
  /** An error reply `{"code":…,"msg":…}`: `out.errorCode`, `out.errorMsg`, `out.replyId`. */
  ErrorReply: 6,
  /** Valid JSON object of a kind this parser does not handle (e.g. bookTicker, kline). */
  Unknown: 7,
  /** Not a valid frame: `out.reason` says why. */
  Malformed: 8,
} as const;

/** A value of {@linkcode FrameKind}. */
export type FrameKind = typeof FrameKind[keyof typeof FrameKind];

/** Names of frame kinds, indexed by kind (for logs and tests). */
export const FRAME_KIND_NAMES: readonly string[] = [
  "none",
  "depth",
  "trade",
  "aggTrade",
  "serverShutdown",
  "reply",
  "errorReply",
  "unknown",
  "malformed",
];

/** Largest frame accepted, in UTF-8 bytes; bigger frames are malformed ("frame too large"). */
export const MAX_FRAME_BYTES = 64 << 20;

/** Caller-owned, reusable output of {@linkcode parseFrame}. Only the part for the kind returned is valid. */
export class ParsedFrame {
  /** The depth diff (kind `Depth`). */
  readonly diff: DepthDiff;
  /** The trade (kinds `Trade`, `AggTrade`). */
  readonly trade: Trade = new Trade();
  /** `E` of a `ServerShutdown`, ms since the epoch (0 when absent). */
  eventTimeMs = 0;
  /** Numeric `id` of a `Reply`/`ErrorReply`; NaN when null, absent or a string. */
  replyId = NaN;
  /** `code` of an `ErrorReply`. */
  errorCode = 0;
  /** `msg` of an `ErrorReply` (allocated for error replies only). */
  errorMsg = "";
  /** Why the frame is `Malformed` (a constant string), "" otherwise. */
  reason = "";
  /** True when the frame came in the combined `{"stream","data"}` envelope. */
  combined = false;
  /**
   * The expected symbol as upper-case ASCII bytes (set once by the caller), or null to accept
   * any. With it, a depth or trade frame whose `s` differs sets {@linkcode ParsedFrame.foreign}.
   */
  symbol: Uint8Array | null = null;
  /**
   * True when the depth or trade frame just parsed names another symbol in `s` than
   * {@linkcode ParsedFrame.symbol} (a frame without `s` is not foreign). The frame is still
   * parsed; the caller must not apply it.
   */
  foreign = false;
  /** Prices are parsed as integers × 10^priceDecimals (the instrument's; 0..18, default 8). */
  priceDecimals: number = SCALE;
  /** Quantities are parsed as integers × 10^qtyDecimals (0..18, default 8). */
  qtyDecimals: number = SCALE;
  /** `Malformed` because a value has significant digits beyond the scale (rescale and re-parse). */
  tooFine = false;
  /** With `tooFine`: decimals the first too-fine price needs (0 when prices fit). */
  finePriceDecimals = 0;
  /** With `tooFine`: decimals the first too-fine quantity needs (0 when quantities fit). */
  fineQtyDecimals = 0;
  /** `Malformed` because a value is beyond 2^53 units at the scale (cannot be held: resync). */
  tooLarge = false;
  /**
   * Many symbols (set once by the caller, e.g. a `SymbolIndex`), or null: with it, every depth
   * or trade frame's `s` is looked up without allocating, into {@linkcode ParsedFrame.symbolIndex}.
   */
  symbols: { find(bytes: Uint8Array, start: number, end: number): number } | null = null;
  /** The index of the frame's `s` in {@linkcode ParsedFrame.symbols}; -1 when unknown or absent. */
  symbolIndex = -1;

  /** `levels`: initial room per side in `diff` (grows on demand). */
  constructor(levels = 256) {
    this.diff = new DepthDiff(levels);
  }
}
