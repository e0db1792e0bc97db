/**
 * Private: the shared state of the Binance byte scanner — presence bits, event types, numeric
 * constants, the output record {@linkcode st}, and the tiny helpers every scan stage uses
 * ({@linkcode fail}, {@linkcode ws}, {@linkcode reset}). See `_scan.ts` for the scanner contract.
 * @module
 */
import { DepthDiff } from "./types.ts";

/** Maximum nesting depth of skipped values. */
export const MAX_DEPTH = 64;

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

/** Powers of ten 10^0..10^9 (f64). */
export const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** Powers of ten 10^0..10^9 (int32). */
export const IPOW10 = new Int32Array(POW10);
/** Fractional decimal digits of a Binance price/quantity (values are integers × 10^SCALE). */
export const SCALE = 8;
/** Largest exactly representable integer (2^53 - 1). */
export const MAX = Number.MAX_SAFE_INTEGER;

/** Scanner state: the outputs of one scan. Read them right after `scanObject`. */
export const st = {
  /** Error reason ("" when none). */
  err: "",
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
  /** Scanned integer (NaN when the number is not a plain non-negative safe integer). */
  num: 0,
  /** Scanned decimal (NaN when invalid). */
  dec: 0,
  /** Where levels go. */
  tgt: new DepthDiff(1),
};

/** Record the first error reason of the scan in `st.err`; returns -1 (the failure position). */
export function fail(reason: string): number {
  if (st.err === "") st.err = reason;
  return -1;
}

/** Skip JSON whitespace. */
export function ws(b: Uint8Array, p: number): number {
  let c = b[p]!;
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p]!;
  return p;
}

/** Reset the outputs before a scan. */
export function reset(tgt: DepthDiff): void {
  st.err = "";
  st.mask = 0;
  st.dataMask = 0;
  st.eType = E_NONE;
  st.id = NaN;
  st.tgt = tgt;
  tgt.nBids = 0;
  tgt.nAsks = 0;
}
