/**
 * The JSON form of a normalized message (one object per venue message), the contract of
 * `--updates-out` files, NATS JSON payloads and tests (`../shared/DESIGN.md`, docs/market_record.md):
 *
 * `{"venue":"binance","market":"spot","symbol":"BTCUSDT","seq":17,"kind":"update","update_id":…,
 *   "event_time_ms":…,"recv_time_ns":"…","bids":[["61737.63","0"],…],"asks":[…]}`
 *
 * Formatting allocates strings: run it off the engine thread (a Worker reading the ring) or
 * where allocation does not matter.
 * @module
 */
import { RESYNC_NAMES } from "../engine/events.ts";
import { POW10 } from "../venues/decimal.ts";
import type { Instrument } from "./instrument.ts";
import { Flag, Off, RECORD_BYTES, RECORD_KIND_NAMES, RecordKind } from "./record.ts";

/** The exact decimal string of `v × 10^-decimals`, trailing fractional zeros trimmed. */
export function formatScaled(v: number, decimals: number): string {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a scaled integer: ${v}`);
  if (decimals === 0) return String(v);
  const p = POW10[decimals]!;
  const int = Math.floor(v / p);
  let frac = v - int * p;
  if (frac === 0) return String(int);
  let d = decimals;
  while (frac % 10 === 0) {
    frac /= 10;
    d--;
  }
  return `${int}.${String(frac).padStart(d, "0")}`;
}

/** The receive time as the decimal string of ns since the epoch. */
export function recvNsString(sec: number, subNs: number): string {
  return sec === 0 ? String(subNs) : `${sec}${String(subNs).padStart(9, "0")}`;
}

/**
 * The JSON line (no newline) of the message held in `bytes[0, count × 64)` (a `RecordBatch`'s
 * bytes) of `inst`. Allocates.
 */
export function formatMessageJson(view: DataView, count: number, inst: Instrument | undefined): string {
  const kind = view.getUint8(Off.kind) as RecordKind;
  // A gap concerns every instrument of the ring: `{"kind":"gap","lost":N}`.
  if (kind === RecordKind.Gap || inst === undefined) {
    return `{"kind":"gap","lost":${view.getFloat64(Off.lost, true)}}`;
  }
  const pd = view.getUint8(Off.priceDecimals);
  const qd = view.getUint8(Off.qtyDecimals);
  let s = `{"venue":${JSON.stringify(inst.venue)},"market":${JSON.stringify(inst.market)},` +
    `"symbol":${JSON.stringify(inst.symbol)},"seq":${view.getFloat64(Off.seq, true)},` +
    `"kind":"${RECORD_KIND_NAMES[kind]}","update_id":${view.getFloat64(Off.updateId, true)},` +
    `"event_time_ms":${view.getFloat64(Off.eventTimeMs, true)},"recv_time_ns":"${
      recvNsString(view.getUint32(Off.recvSec, true), view.getUint32(Off.recvSubNs, true))
    }"`;
  if (kind === RecordKind.Trade) {
    const buy = (view.getUint8(Off.flags) & Flag.BID) !== 0;
    return s +
      `,"price":"${formatScaled(view.getFloat64(Off.price, true), pd)}","qty":"${
        formatScaled(view.getFloat64(Off.qty, true), qd)
      }","side":"${buy ? "buy" : "sell"}"}`;
  }
  if (kind === RecordKind.Clear) {
    return s + `,"reason":${JSON.stringify(RESYNC_NAMES[view.getUint16(Off.reason, true)] ?? "unknown")}}`;
  }
  const bids: string[] = [];
  const asks: string[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * RECORD_BYTES;
    const f = view.getUint8(o + Off.flags);
    if (f & Flag.EMPTY) continue;
    const lv = `["${formatScaled(view.getFloat64(o + Off.price, true), pd)}","${
      formatScaled(view.getFloat64(o + Off.qty, true), qd)
    }"]`;
    (f & Flag.BID ? bids : asks).push(lv);
  }
  s += `,"bids":[${bids.join(",")}],"asks":[${asks.join(",")}]}`;
  return s;
}

/** A parsed JSON message (the fields the form defines; levels as decimal strings). */
export interface JsonMessage {
  /** Venue. */
  venue: string;
  /** Market. */
  market: string;
  /** Symbol. */
  symbol: string;
  /** Per-instrument sequence number. */
  seq: number;
  /** snapshot | update | clear | trade | gap. */
  kind: string;
  /** Venue id. */
  update_id: number;
  /** Exchange event time, ms. */
  event_time_ms: number;
  /** Receive time, ns since the epoch (decimal string). */
  recv_time_ns: string;
  /** Book messages: bid levels `[price, qty]`. */
  bids?: [string, string][];
  /** Book messages: ask levels. */
  asks?: [string, string][];
  /** Trades: price. */
  price?: string;
  /** Trades: quantity. */
  qty?: string;
  /** Trades: taker side. */
  side?: "buy" | "sell";
  /** Clear: why. */
  reason?: string;
  /** Gap: messages lost. */
  lost?: number;
}
