/**
 * Private: the state of the Binance frame scanner — presence bits, event types, the output record
 * {@linkcode st}, the scale of the scan ({@linkcode setScale}) and {@linkcode reset}. The lexing
 * itself (whitespace, strings, numbers, skipping, errors) is `../json/lexer.ts`; decimals are
 * `../decimal.ts`. See `_scan.ts` for the scanner contract.
 * @module
 */
import { dec, DecimalError, MAX_DECIMALS } from "../decimal.ts";
import { fail, lexReset } from "../json/lexer.ts";
import { DepthDiff } from "./types.ts";

// Presence bits.
export const F_e = 1 << 0;
export const F_E = 1 << 1;
export const F_U = 1 << 2;
export const F_u = 1 << 3;
export const F_b = 1 << 4;
export const F_a = 1 << 5;
export const F_t = 1 << 6;
export const F_p = 1 << 7;
export const F_q = 1 << 8;
export const F_T = 1 << 9;
export const F_m = 1 << 10;
export const F_aid = 1 << 11;
export const F_f = 1 << 12;
export const F_l = 1 << 13;
export const F_result = 1 << 14;
export const F_id = 1 << 15;
export const F_code = 1 << 16;
export const F_msg = 1 << 17;
export const F_stream = 1 << 18;
export const F_data = 1 << 19;
export const F_lastUpdateId = 1 << 20;
export const F_bids = 1 << 21;
export const F_asks = 1 << 22;
/** `s` (the symbol) as a string: its bytes are `[st.sStart, st.sEnd)`. */
export const F_s = 1 << 23;
/** `pu` (USD-M futures depth: the previous event's `u`). */
export const F_pu = 1 << 24;
/** Bits of payload keys (anything but the envelope's `stream`/`data`). */
export const PAYLOAD_BITS = ~(F_stream | F_data);

// Event types (value of "e").
export const E_NONE = 0;
export const E_DEPTH = 1;
export const E_TRADE = 2;
export const E_AGG = 3;
export const E_SHUTDOWN = 4;
export const E_OTHER = 9;

/**
 * Fractional decimal digits of a Binance price/quantity by default (values are integers ×
 * 10^SCALE); each parse may ask for fewer or more (`ParsedFrame.priceDecimals`/`qtyDecimals`,
 * see {@linkcode setScale}).
 */
export const SCALE = 8;

/** Constant failure reasons of values that are valid decimals but do not fit the scale in force. */
export const REASON_PRICE_FINE = "price finer than the instrument's precision";
/** See {@linkcode REASON_PRICE_FINE}. */
export const REASON_QTY_FINE = "quantity finer than the instrument's precision";
/** A price beyond 2^53 units at the instrument's scale. */
export const REASON_PRICE_BIG = "price beyond 2^53 at the instrument's precision";
/** A quantity beyond 2^53 units at the instrument's scale. */
export const REASON_QTY_BIG = "quantity beyond 2^53 at the instrument's precision";

/** Scanner state: the outputs of one scan. Read them right after `scanObject`. */
export const st = {
  mask: 0,
  dataMask: 0,
  eType: E_NONE,
  E: 0,
  U: 0,
  u: 0,
  t: 0,
  T: 0,
  p: 0,
  q: 0,
  m: false,
  aid: 0,
  f: 0,
  l: 0,
  code: 0,
  id: NaN,
  msgStart: 0,
  msgEnd: 0,
  /** Start of the `s` string's bytes (inside the quotes). */
  sStart: 0,
  /** End (exclusive) of the `s` string's bytes. */
  sEnd: 0,
  lastUpdateId: 0,
  /** `pu` of a USD-M futures depth event. */
  pu: 0,
  /** Where levels go. */
  tgt: new DepthDiff(1),
  /** Price decimals of this scan (default {@linkcode SCALE}). */
  pd: SCALE,
  /** Quantity decimals of this scan. */
  qd: SCALE,
  /** Price decimals the first too-fine price of the scan needs (0 when none). */
  finePd: 0,
  /** Quantity decimals the first too-fine quantity of the scan needs (0 when none). */
  fineQd: 0,
};

/**
 * Set the scale of the next scans: prices × 10^pd, quantities × 10^qd (0..MAX_DECIMALS, integers).
 * Cheap (two stores); `parseFrame` calls it on every frame.
 */
export function setScale(pd: number, qd: number): void {
  if (pd === st.pd && qd === st.qd) return;
  if (!(pd >= 0 && pd <= MAX_DECIMALS && qd >= 0 && qd <= MAX_DECIMALS)) {
    throw new RangeError(`decimals must be 0..${MAX_DECIMALS}: ${pd}, ${qd}`);
  }
  st.pd = pd;
  st.qd = qd;
}

/** Fail on a value the decimal routine rejected (`dec`): the precise reason when too fine or too big. */
export function failDecimal(isPrice: boolean, generic: string): number {
  if (dec.error === DecimalError.Fine) {
    if (isPrice) {
      if (st.finePd === 0) st.finePd = dec.decimals;
    } else if (st.fineQd === 0) st.fineQd = dec.decimals;
    return fail(isPrice ? REASON_PRICE_FINE : REASON_QTY_FINE);
  }
  if (dec.error === DecimalError.TooLarge) return fail(isPrice ? REASON_PRICE_BIG : REASON_QTY_BIG);
  return fail(generic);
}

/** Reset the outputs before a scan. */
export function reset(tgt: DepthDiff): void {
  lexReset();
  st.mask = 0;
  st.dataMask = 0;
  st.eType = E_NONE;
  st.id = NaN;
  st.finePd = 0;
  st.fineQd = 0;
  st.tgt = tgt;
  tgt.nBids = 0;
  tgt.nAsks = 0;
}
