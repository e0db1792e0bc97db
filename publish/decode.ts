/**
 * Payloads of the NATS subjects back into a {@linkcode RecordBatch}: the binary form (the 64-byte
 * records of one message, docs/nats_payload.md) as is, the JSON form through exact decimals at the
 * message's own precision: the finest of its price strings and of its quantity strings (so a
 * PEPE-sized quantity, whole but past 2^53 / 10^8, decodes exactly); the records carry those
 * decimals and the consumer rescales its book when a finer message comes (`_book_apply.ts`).
 * A decoder made with a fixed scale decodes every JSON message at it instead (a finer value is
 * refused).
 * Anything else (a foreign payload on our subject) is refused with a reason, never thrown.
 * Allocates (JSON parsing): consumer side, off any engine thread.
 * @module
 */
import { RESYNC_NAMES } from "../engine/events.ts";
import type { JsonMessage } from "../market/json.ts";
import {
  Flag,
  type MessageHeader,
  newHeader,
  Off,
  RECORD_BYTES,
  RecordBatch,
  RecordKind,
} from "../market/record.ts";
import { parseFixed, significantDecimals } from "../venues/decimal.ts";

/** The fixed scale of the normalized capture reader (every venue here sends at most 8 decimals). */
export const JSON_SCALE = 8;

/** Finest decimals a JSON payload may carry (exact powers of ten up to 10^15). */
export const MAX_JSON_DECIMALS = 15;

const KINDS: Record<string, RecordKind> = {
  snapshot: RecordKind.Snapshot,
  update: RecordKind.Update,
  clear: RecordKind.Clear,
  trade: RecordKind.Trade,
};

/** Decodes payloads of one instrument into a reusable batch. */
export class PayloadDecoder {
  /** The message decoded last. */
  readonly batch: RecordBatch = new RecordBatch();
  readonly #h: MessageHeader = newHeader();
  readonly #instrument: number;
  readonly #symbol: string;
  readonly #fixed: number;

  /**
   * Decode for instrument index `instrument` (written into every record), symbol `symbol`; JSON
   * at each message's own precision, or at `fixedScale` decimals when given.
   */
  constructor(instrument: number, symbol: string, fixedScale = -1) {
    this.#instrument = instrument;
    this.#symbol = symbol;
    this.#fixed = fixedScale;
  }

  /** Decode `data` into {@linkcode batch}; returns "" or why the payload is not ours. */
  decode(data: Uint8Array): string {
    if (data.length === 0) return "empty payload";
    return data[0] === 0x7b ? this.#json(data) : this.#binary(data);
  }

  #binary(data: Uint8Array): string {
    if (data.length % RECORD_BYTES !== 0) {
      return `${data.length} bytes is not a whole number of 64-byte records`;
    }
    const n = data.length / RECORD_BYTES;
    const kind = data[Off.kind]!;
    if (kind < RecordKind.Snapshot || kind > RecordKind.Trade) return `unknown record kind ${kind}`;
    for (let i = 0; i < n; i++) {
      const last = (data[i * RECORD_BYTES + Off.flags]! & Flag.LAST) !== 0;
      if (data[i * RECORD_BYTES] !== kind || last !== (i === n - 1)) return "records do not form one message";
    }
    const b = this.batch;
    b.reset();
    b.ensure(n);
    b.bytes.set(data);
    b.count = n;
    for (let i = 0; i < n; i++) b.view.setUint16(i * RECORD_BYTES + Off.instrument, this.#instrument, true);
    return "";
  }

  #json(data: Uint8Array): string {
    let m: JsonMessage;
    try {
      m = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return "not JSON";
    }
    const kind = KINDS[m?.kind];
    if (kind === undefined || typeof m.seq !== "number") return "not a normalized message (kind, seq)";
    if (m.symbol !== this.#symbol) {
      return `symbol ${JSON.stringify(m.symbol)} on the subject of ${this.#symbol}`;
    }
    const h = this.#h;
    const levels = kind === RecordKind.Trade ? [[m.price, m.qty]] : [...listOf(m.bids), ...listOf(m.asks)];
    let pd = 0;
    let qd = 0;
    for (const lv of levels) {
      if (!Array.isArray(lv) || typeof lv[0] !== "string" || typeof lv[1] !== "string") {
        return `not a level of two decimal strings: ${JSON.stringify(lv)}`;
      }
      pd = Math.max(pd, significantDecimals(lv[0]));
      qd = Math.max(qd, significantDecimals(lv[1]));
    }
    if (this.#fixed >= 0) pd = qd = this.#fixed;
    else if (pd > MAX_JSON_DECIMALS || qd > MAX_JSON_DECIMALS) {
      return `a decimal of more than ${MAX_JSON_DECIMALS} places`;
    }
    h.kind = kind;
    h.instrument = this.#instrument;
    h.priceDecimals = pd;
    h.qtyDecimals = qd;
    h.seq = m.seq;
    h.updateId = Number(m.update_id) || 0;
    h.eventTimeMs = Number(m.event_time_ms) || 0;
    const ns = String(m.recv_time_ns ?? "0");
    h.recvSec = ns.length > 9 ? Number(ns.slice(0, -9)) : 0;
    h.recvSubNs = Number(ns.slice(-9)) || 0;
    h.reason = kind === RecordKind.Clear ? Math.max(0, RESYNC_NAMES.indexOf(m.reason ?? "")) : 0;
    const b = this.batch;
    b.begin(h);
    try {
      if (kind === RecordKind.Trade) {
        b.add(m.side === "buy" ? Flag.BID : 0, fixed(m.price, pd), fixed(m.qty, qd));
        b.finish(false);
        return "";
      }
      for (const [isBid, side] of [[true, m.bids], [false, m.asks]] as const) {
        for (const lv of listOf(side) as string[][]) {
          b.add(isBid ? Flag.BID : 0, fixed(lv[0], pd), fixed(lv[1], qd));
        }
      }
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    const empty = b.count === 0;
    if (empty) b.add(0, 0, 0);
    b.finish(empty);
    return "";
  }
}

function listOf(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

function fixed(s: unknown, scale: number): number {
  const v = typeof s === "string" ? parseFixed(s, scale) : NaN;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(`not a decimal of at most ${scale} places below 2^53: ${String(s)}`);
  }
  return v;
}
