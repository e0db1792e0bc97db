/**
 * Pure parsers for Binance Spot WebSocket frames and REST depth snapshots. No I/O.
 *
 * {@linkcode parseFrame} classifies and parses one text frame, raw (`/ws/…`) or combined
 * (`{"stream":…,"data":…}`), with a byte-level scanner: the frame is `TextEncoder.encodeInto` a
 * preallocated buffer and scanned once; key order does not matter; prices and quantities become
 * integers × 10^`priceDecimals` / 10^`qtyDecimals` exactly (the instrument's scale, set on the
 * `ParsedFrame`; 8 by default). A value with significant digits beyond that scale is not
 * rounded: the frame is `Malformed` with a distinct reason and `out.tooFine` set (with the
 * decimals it needs in `out.finePriceDecimals`/`out.fineQtyDecimals`), so the caller can
 * rescale the instrument and parse it again; a value beyond 2^53 units at the scale is
 * `Malformed` with `out.tooLarge`. Per frame it allocates nothing beyond the `{read, written}` object
 * that `encodeInto` returns (and the message string of an error reply). A malformed frame
 * returns {@linkcode FrameKind.Malformed} with a constant reason in `out.reason`; nothing is
 * thrown, and the out-object is only meaningful for the kind returned. {@linkcode FrameKind} and
 * {@linkcode ParsedFrame} live in `parsed_frame.ts` (re-exported here).
 * @module
 */
import {
  E_AGG,
  E_DEPTH,
  E_NONE,
  E_SHUTDOWN,
  E_TRADE,
  F_a,
  F_aid,
  F_asks,
  F_b,
  F_bids,
  F_code,
  F_data,
  F_E,
  F_e,
  F_f,
  F_id,
  F_l,
  F_lastUpdateId,
  F_m,
  F_msg,
  F_p,
  F_pu,
  F_q,
  F_result,
  F_s,
  F_T,
  F_t,
  F_U,
  F_u,
  PAYLOAD_BITS,
  REASON_PRICE_BIG,
  REASON_QTY_BIG,
  reset,
  SCALE,
  setScale,
  st,
} from "./_scan_state.ts";
import { lx, ws } from "../json/lexer.ts";
import { scanObject } from "./_scan.ts";
import { DepthDiff, type DepthSnapshot, type ParseError, type Trade } from "./types.ts";
import { FrameKind, MAX_FRAME_BYTES, type ParsedFrame } from "./parsed_frame.ts";

export { FRAME_KIND_NAMES, FrameKind, MAX_FRAME_BYTES, ParsedFrame } from "./parsed_frame.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let scratch = new Uint8Array(1 << 16);

/**
 * Classify and parse the WebSocket text frame `text` into `out`. Never throws on bad input:
 * returns {@linkcode FrameKind.Malformed} with `out.reason` set instead.
 */
export function parseFrame(text: string, out: ParsedFrame): FrameKind {
  if (text.length > MAX_FRAME_BYTES) return malformed(out, "frame too large");
  let buf = scratch;
  if (text.length * 3 >= buf.length) {
    // Grow rarely: a buffer 3× the UTF-16 length always holds the UTF-8 form plus a sentinel.
    buf = scratch = new Uint8Array(Math.max(text.length * 3 + 1, buf.length * 2));
  }
  const end = encoder.encodeInto(text, buf).written;
  buf[end] = 0;
  return scanFrame(buf, 0, end, out);
}

/**
 * {@linkcode parseFrame} over UTF-8 bytes `bytes[start, end)` (e.g. a capture line). Copies them
 * into the scanner's buffer first (it needs a sentinel byte after the frame).
 */
export function parseFrameBytes(bytes: Uint8Array, start: number, end: number, out: ParsedFrame): FrameKind {
  const n = end - start;
  if (n < 0 || start < 0 || end > bytes.length) throw new RangeError("bad byte range");
  if (n > MAX_FRAME_BYTES) return malformed(out, "frame too large");
  if (n >= scratch.length) scratch = new Uint8Array(Math.max(n + 1, scratch.length * 2));
  scratch.set(bytes.subarray(start, end));
  scratch[n] = 0;
  return scanFrame(scratch, 0, n, out);
}

/**
 * {@linkcode parseFrameBytes} in place: scans `bytes[start, end)` in the caller's buffer without
 * copying it or allocating a view. The byte at `bytes[end]` (e.g. the line's `\n`) is overwritten
 * with the scanner's NUL sentinel for the duration of the call and restored before it returns,
 * so `end` must be below `bytes.length` (when it is not, this falls back to
 * {@linkcode parseFrameBytes}). Same results as {@linkcode parseFrameBytes}. No allocation.
 */
export function parseFrameInPlace(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: ParsedFrame,
): FrameKind {
  if (start < 0 || end < start || end >= bytes.length) return parseFrameBytes(bytes, start, end, out);
  if (end - start > MAX_FRAME_BYTES) return malformed(out, "frame too large");
  const saved = bytes[end]!;
  bytes[end] = 0;
  const k = scanFrame(bytes, start, end, out);
  bytes[end] = saved;
  return k;
}

// Copy a scanned trade or aggTrade (ids: an aggTrade spans trade ids f..l). Ids are read from the
// scanner state, not passed: values above 2^31 would be boxed as arguments.
function fillTrade(t: Trade, agg: boolean): void {
  t.id = agg ? st.aid : st.t;
  t.firstTradeId = agg ? st.f : st.t;
  t.lastTradeId = agg ? st.l : st.t;
  t.priceTicks = st.p;
  t.qtyLots = st.q;
  t.tradeTimeMs = st.T;
  t.eventTimeMs = st.E;
  t.buyerIsMaker = st.m;
}

function malformed(out: ParsedFrame, reason: string): FrameKind {
  out.reason = reason;
  out.foreign = false;
  out.finePriceDecimals = st.finePd;
  out.fineQtyDecimals = st.fineQd;
  out.tooFine = st.finePd + st.fineQd > 0;
  out.tooLarge = reason === REASON_PRICE_BIG || reason === REASON_QTY_BIG;
  return FrameKind.Malformed;
}

const DEPTH_REQUIRED = F_E | F_U | F_u | F_b | F_a;
const TRADE_REQUIRED = F_E | F_t | F_p | F_q | F_T | F_m;
const AGG_REQUIRED = F_E | F_aid | F_p | F_q | F_f | F_l | F_T | F_m;

// True when the scanned `s` (present in mask `m`) is not `out.symbol`. No allocation.
function isForeign(b: Uint8Array, m: number, out: ParsedFrame): boolean {
  const many = out.symbols;
  if (many !== null) out.symbolIndex = (m & F_s) === 0 ? -1 : many.find(b, st.sStart, st.sEnd);
  const want = out.symbol;
  if (want === null || (m & F_s) === 0) return false;
  const s = st.sStart;
  const n = st.sEnd - s;
  if (n !== want.length) return true;
  for (let i = 0; i < n; i++) if (b[s + i] !== want[i]) return true;
  return false;
}

function scanFrame(b: Uint8Array, start: number, end: number, out: ParsedFrame): FrameKind {
  out.reason = "";
  out.foreign = false;
  out.tooFine = false;
  out.tooLarge = false;
  reset(out.diff);
  setScale(out.priceDecimals, out.qtyDecimals);
  let p = ws(b, start);
  if (b[p] !== 123) return malformed(out, p >= end ? "empty frame" : "not an object");
  p = scanObject(b, p, false);
  if (p < 0) return malformed(out, lx.err);
  if (ws(b, p) !== end) return malformed(out, "trailing data");
  let m = st.mask;
  out.combined = (m & F_data) !== 0;
  if (out.combined) {
    if ((m & PAYLOAD_BITS) !== 0) return malformed(out, "payload keys beside data");
    m = st.dataMask;
  }
  if ((m & F_e) === 0) {
    if ((m & (F_code | F_msg)) === (F_code | F_msg)) {
      out.errorCode = st.code;
      out.replyId = st.id;
      out.errorMsg = decodeMsg(b, st.msgStart, st.msgEnd);
      return FrameKind.ErrorReply;
    }
    if ((m & (F_result | F_id)) === (F_result | F_id)) {
      out.replyId = st.id;
      return FrameKind.Reply;
    }
    return FrameKind.Unknown;
  }
  switch (st.eType) {
    case E_DEPTH: {
      if ((m & DEPTH_REQUIRED) !== DEPTH_REQUIRED) return malformed(out, missingDepth(m));
      if (st.U > st.u) return malformed(out, "U greater than u");
      if ((m & F_pu) !== 0 && st.pu !== st.pu) return malformed(out, "mistyped pu");
      const d = out.diff;
      d.firstId = st.U;
      d.lastId = st.u;
      d.prevId = (m & F_pu) !== 0 ? st.pu : -1;
      d.eventTimeMs = st.E;
      out.foreign = isForeign(b, m, out);
      return FrameKind.Depth;
    }
    case E_TRADE:
      if ((m & TRADE_REQUIRED) !== TRADE_REQUIRED) return malformed(out, "missing or mistyped trade field");
      fillTrade(out.trade, false);
      out.foreign = isForeign(b, m, out);
      return FrameKind.Trade;
    case E_AGG:
      if ((m & AGG_REQUIRED) !== AGG_REQUIRED) return malformed(out, "missing or mistyped aggTrade field");
      fillTrade(out.trade, true);
      out.foreign = isForeign(b, m, out);
      return FrameKind.AggTrade;
    case E_SHUTDOWN:
      out.eventTimeMs = (m & F_E) !== 0 ? st.E : 0;
      return FrameKind.ServerShutdown;
    case E_NONE:
    default:
      return FrameKind.Unknown;
  }
}

function missingDepth(m: number): string {
  if ((m & F_U) === 0) return "missing or mistyped U";
  if ((m & F_u) === 0) return "missing or mistyped u";
  if ((m & F_E) === 0) return "missing or mistyped E";
  if ((m & F_b) === 0) return "missing or mistyped b";
  return "missing or mistyped a";
}

function decodeMsg(b: Uint8Array, start: number, end: number): string {
  try {
    const v: unknown = JSON.parse(decoder.decode(b.subarray(start, end)));
    return typeof v === "string" ? v : "";
  } catch {
    return "";
  }
}

/**
 * Parse a REST `GET /api/v3/depth` body, prices × 10^`priceDecimals`, quantities ×
 * 10^`qtyDecimals` (default 8; pick them with `finestDecimals` of `decimals.ts`). Allocates (once
 * per snapshot). Returns a {@linkcode ParseError} instead of throwing on bad input (a value finer
 * than the scale or beyond 2^53 at it has its own reason).
 */
export function parseSnapshot(
  text: string,
  priceDecimals: number = SCALE,
  qtyDecimals: number = SCALE,
): DepthSnapshot | ParseError {
  const buf = new Uint8Array(text.length * 3 + 1);
  const end = encoder.encodeInto(text, buf).written;
  buf[end] = 0;
  const tmp = new DepthDiff(1024);
  reset(tmp);
  setScale(priceDecimals, qtyDecimals);
  let p = ws(buf, 0);
  if (buf[p] !== 123) return { error: p >= end ? "empty body" : "not an object" };
  p = scanObject(buf, p, true);
  if (p < 0) return { error: lx.err };
  if (ws(buf, p) !== end) return { error: "trailing data" };
  const m = st.mask;
  if ((m & F_lastUpdateId) === 0) return { error: "missing or mistyped lastUpdateId" };
  if ((m & F_bids) === 0) return { error: "missing or mistyped bids" };
  if ((m & F_asks) === 0) return { error: "missing or mistyped asks" };
  return {
    lastUpdateId: st.lastUpdateId,
    bidPx: tmp.bidPx.slice(0, tmp.nBids),
    bidQty: tmp.bidQty.slice(0, tmp.nBids),
    askPx: tmp.askPx.slice(0, tmp.nAsks),
    askQty: tmp.askQty.slice(0, tmp.nAsks),
  };
}
