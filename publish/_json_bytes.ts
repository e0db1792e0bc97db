/**
 * Private: the JSON form of a normalized message (`market/json.ts` `formatMessageJson`, byte for
 * byte the same) written straight into a byte buffer — no string per message, level or number.
 * The publisher Worker's JSON payloads. Numbers that are not non-negative safe integers (never
 * written by this project's handlers) are refused with -1: the caller then formats with
 * `formatMessageJson`.
 * @module
 */
import { RESYNC_NAMES } from "../engine/events.ts";
import type { Instrument } from "../market/instrument.ts";
import { Flag, Off, RECORD_BYTES, RECORD_KIND_NAMES, RecordKind } from "../market/record.ts";
import { POW10 } from "../venues/decimal.ts";

const enc = new TextEncoder();
const B = (s: string): Uint8Array => enc.encode(s);
const KIND = RECORD_KIND_NAMES.map((k) => B(`,"kind":"${k}","update_id":`));
const EVT = B(`,"event_time_ms":`);
const RECV = B(`,"recv_time_ns":"`);
const PRICE = B(`","price":"`);
const QTY = B(`","qty":"`);
const SIDE_BUY = B(`","side":"buy"}`);
const SIDE_SELL = B(`","side":"sell"}`);
const REASON = RESYNC_NAMES.map((r) => B(`","reason":${JSON.stringify(r)}}`));
const REASON_UNKNOWN = B(`","reason":"unknown"}`);
const BIDS = B(`","bids":[`);
const ASKS = B(`],"asks":[`);
const END = B(`]}`);

/** The largest payload {@linkcode writeMessageJson} can write for `count` records of `head`. */
export function jsonBound(head: Uint8Array, count: number): number {
  return head.length + 256 + count * 48;
}

/** The constant start of an instrument's messages: `{"venue":…,"market":…,"symbol":…,"seq":`. */
export function jsonHead(inst: Instrument): Uint8Array {
  return B(
    `{"venue":${JSON.stringify(inst.venue)},"market":${JSON.stringify(inst.market)},` +
      `"symbol":${JSON.stringify(inst.symbol)},"seq":`,
  );
}

function put(buf: Uint8Array, o: number, s: Uint8Array): number {
  const n = s.length;
  if (n > 32) buf.set(s, o); // the instrument's head
  else for (let i = 0; i < n; i++) buf[o + i] = s[i]!; // short: a loop beats TypedArray.set
  return o + n;
}

// "00".."99": two digits at a time.
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

// How many decimal digits 0 <= x < 2^31 has.
function digits(x: number): number {
  if (x < 1e4) return x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : 4;
  if (x < 1e8) return x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : 8;
  return x < 1e9 ? 9 : 10;
}

// Digits of 0 <= x < 2^31, at least `min` (zero-padded), written from the end: four at a time
// (one int32 division by 10^4), two by two within them with a multiply and a shift
// ((y * 5243) >>> 19 is y / 100 rounded down for y < 43,699).
function small(buf: Uint8Array, o: number, x: number, min: number): number {
  x = x | 0;
  let n = digits(x);
  if (n < min) n = min;
  const end = o + n;
  let e = end;
  while (x >= 10000) {
    const q = (x / 10000) | 0;
    const y = x - q * 10000;
    const a = (y * 5243) >>> 19;
    const b = (y - a * 100) << 1;
    buf[--e] = PAIRS[b + 1]!;
    buf[--e] = PAIRS[b]!;
    buf[--e] = PAIRS[(a << 1) + 1]!;
    buf[--e] = PAIRS[a << 1]!;
    x = q;
  }
  if (x >= 100) {
    const a = (x * 5243) >>> 19;
    const b = (x - a * 100) << 1;
    buf[--e] = PAIRS[b + 1]!;
    buf[--e] = PAIRS[b]!;
    x = a;
  }
  if (x >= 10) {
    buf[--e] = PAIRS[(x << 1) + 1]!;
    buf[--e] = PAIRS[x << 1]!;
  } else buf[--e] = 48 + x;
  while (e > o) buf[--e] = 48;
  return end;
}

// Digits of a non-negative safe integer `v` (unchecked), at least `min`. Past 2^31 split at 10^8,
// so every digit comes from int32 arithmetic, not a float modulo.
function dec(buf: Uint8Array, o: number, v: number, min: number): number {
  if (v < 2147483648) return small(buf, o, v, min);
  const hi = Math.floor(v / 1e8);
  return small(buf, small(buf, o, hi, min - 8), v - hi * 1e8, 8);
}

// Decimal digits of a non-negative safe integer; -1 when it is not one.
function uint(buf: Uint8Array, o: number, v: number): number {
  if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER) || Math.floor(v) !== v) return -1;
  return dec(buf, o, v, 1);
}

// `formatScaled(v, d)`: the exact decimal, trailing fractional zeros trimmed (the fraction is
// written at its full `d` digits, then the zeros at its end are dropped: no float modulo).
function scaled(buf: Uint8Array, o: number, v: number, d: number): number {
  if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER) || Math.floor(v) !== v) return -1;
  if (d === 0) return dec(buf, o, v, 1);
  const p = POW10[d]!;
  const int = Math.floor(v / p);
  const frac = v - int * p;
  o = dec(buf, o, int, 1);
  if (frac === 0) return o;
  buf[o++] = 46; // .
  o = dec(buf, o, frac, d);
  while (buf[o - 1] === 48) o--;
  return o;
}

/**
 * Write the JSON of the message in `view` (`count` records) of the instrument whose
 * {@linkcode jsonHead} is `head` into `buf` at `o` (room: {@linkcode jsonBound}); returns the end
 * offset, or -1 for a number this writer does not handle (gap records included).
 */
export function writeMessageJson(
  view: DataView,
  count: number,
  head: Uint8Array,
  buf: Uint8Array,
  o: number,
): number {
  const kind = view.getUint8(Off.kind);
  if (kind === RecordKind.Gap || kind >= KIND.length || kind === 0) return -1;
  const pd = view.getUint8(Off.priceDecimals);
  const qd = view.getUint8(Off.qtyDecimals);
  o = put(buf, o, head);
  o = uint(buf, o, view.getFloat64(Off.seq, true));
  if (o < 0) return -1;
  o = put(buf, o, KIND[kind]!);
  o = uint(buf, o, view.getFloat64(Off.updateId, true));
  if (o < 0) return -1;
  o = put(buf, o, EVT);
  o = uint(buf, o, view.getFloat64(Off.eventTimeMs, true));
  if (o < 0) return -1;
  o = put(buf, o, RECV);
  const sec = view.getUint32(Off.recvSec, true);
  const sub = view.getUint32(Off.recvSubNs, true);
  o = sec === 0 ? dec(buf, o, sub, 1) : dec(buf, dec(buf, o, sec, 1), sub, 9);
  if (kind === RecordKind.Trade) {
    o = put(buf, o, PRICE);
    o = scaled(buf, o, view.getFloat64(Off.price, true), pd);
    if (o < 0) return -1;
    o = put(buf, o, QTY);
    o = scaled(buf, o, view.getFloat64(Off.qty, true), qd);
    if (o < 0) return -1;
    return put(buf, o, (view.getUint8(Off.flags) & Flag.BID) !== 0 ? SIDE_BUY : SIDE_SELL);
  }
  if (kind === RecordKind.Clear) {
    return put(buf, o, REASON[view.getUint16(Off.reason, true)] ?? REASON_UNKNOWN);
  }
  o = put(buf, o, BIDS);
  for (let side = 1; side >= 0; side--) {
    if (side === 0) o = put(buf, o, ASKS);
    let first = true;
    for (let i = 0; i < count; i++) {
      const r = i * RECORD_BYTES;
      const f = view.getUint8(r + Off.flags);
      if ((f & Flag.EMPTY) !== 0 || ((f & Flag.BID) !== 0 ? 1 : 0) !== side) continue;
      if (!first) buf[o++] = 44; // ,
      first = false;
      buf[o++] = 91; // [
      buf[o++] = 34; // "
      o = scaled(buf, o, view.getFloat64(r + Off.price, true), pd);
      if (o < 0) return -1;
      buf[o++] = 34;
      buf[o++] = 44;
      buf[o++] = 34;
      o = scaled(buf, o, view.getFloat64(r + Off.qty, true), qd);
      if (o < 0) return -1;
      buf[o++] = 34;
      buf[o++] = 93; // ]
    }
  }
  return put(buf, o, END);
}
