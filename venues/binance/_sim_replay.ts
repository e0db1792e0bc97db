/**
 * A simulator driver that replays a capture directory (`snapshot.json` + `diffs.jsonl`, raw or
 * combined form, e.g. the real fixture) instead of the synthetic market. One diff per batch.
 * The truth book starts at the capture's snapshot and applies the diffs after it; the REST
 * snapshot it serves is the truth book, so a client that connects late still syncs.
 * Allocates freely (not a hot path).
 * @module
 */
import { L2Book } from "../book.ts";
import { parseFixed } from "../decimal.ts";
import { MARKET_SCALE, type MarketBatch } from "./market.ts";

/** What drives the simulator: the synthetic market or a capture replay. */
export interface SimDriver {
  /** Upper-case symbol. */
  readonly symbol: string;
  /** The current true book; `updateId` is the last update id sent. */
  readonly book: L2Book;
  /** The next batch, or null when the source is exhausted. */
  step(): MarketBatch | null;
  /** REST depth body of the current book. */
  snapshotJson(limit: number): string;
}

type Lv = [string, string][];

/** Replays `<dir>/snapshot.json` and `<dir>/diffs.jsonl`. */
export class ReplayDriver implements SimDriver {
  /** Upper-case symbol (from the first diff). */
  readonly symbol: string;
  /** See {@linkcode SimDriver.book}. */
  readonly book = new L2Book();
  readonly #snapshot: string;
  readonly #snapshotId: number;
  readonly #lines: string[];
  #next = 0;

  /** Load a capture directory (reads it fully into memory). */
  constructor(dir: string) {
    this.#snapshot = Deno.readTextFileSync(`${dir}/snapshot.json`);
    const snap = JSON.parse(this.#snapshot) as { lastUpdateId: number; bids: Lv; asks: Lv };
    apply(this.book, snap.bids, snap.asks);
    this.#snapshotId = snap.lastUpdateId;
    this.book.updateId = snap.lastUpdateId;
    this.#lines = Deno.readTextFileSync(`${dir}/diffs.jsonl`).split("\n").filter((l) => l.length > 0);
    const first = this.#lines.length > 0 ? payloadOf(this.#lines[0]!) : null;
    this.symbol = first ? String(JSON.parse(first).s) : "UNKNOWN";
  }

  /** See {@linkcode SimDriver.step}. Truncated or malformed lines are skipped. */
  step(): MarketBatch | null {
    while (this.#next < this.#lines.length) {
      const payload = payloadOf(this.#lines[this.#next++]!);
      let d: { E: number; U: number; u: number; b: Lv; a: Lv };
      try {
        d = JSON.parse(payload);
      } catch {
        continue;
      }
      const batch: MarketBatch = {
        depth: payload,
        U: d.U,
        u: d.u,
        E: d.E,
        bids: toMap(d.b),
        asks: toMap(d.a),
        trades: [],
        truth: [],
      };
      if (d.u > this.#snapshotId && d.u > this.book.updateId) {
        apply(this.book, d.b, d.a);
        this.book.updateId = d.u;
      }
      return batch;
    }
    return null;
  }

  /** See {@linkcode SimDriver.snapshotJson}: the capture's own body until the diffs pass it. */
  snapshotJson(limit: number): string {
    if (this.book.updateId === this.#snapshotId) return this.#snapshot;
    const side = (bid: boolean) => {
      const s = this.book.side(bid);
      const out: string[] = [];
      for (let i = 0; i < s.size && i < limit; i++) {
        out.push(`["${fmt(s.priceAt(i))}","${fmt(s.qtyAt(i))}"]`);
      }
      return `[${out.join(",")}]`;
    };
    return `{"lastUpdateId":${this.book.updateId},"bids":${side(true)},"asks":${side(false)}}`;
  }
}

function fmt(v: number): string {
  const int = Math.floor(v / 1e8);
  return `${int}.${String(v - int * 1e8).padStart(8, "0")}`;
}

/** The raw payload of a line in either the raw or the combined (`{"stream","data"}`) form. */
export function payloadOf(line: string): string {
  if (!line.startsWith('{"stream"')) return line;
  const at = line.indexOf('"data":');
  return at < 0 ? line : line.slice(at + 7, line.lastIndexOf("}"));
}

function toMap(levels: Lv): Map<number, number> {
  const m = new Map<number, number>();
  for (const [p, q] of levels) m.set(parseFixed(p, MARKET_SCALE), parseFixed(q, MARKET_SCALE));
  return m;
}

function apply(book: L2Book, bids: Lv, asks: Lv): void {
  for (const [p, q] of bids) book.bids.set(parseFixed(p, MARKET_SCALE), parseFixed(q, MARKET_SCALE));
  for (const [p, q] of asks) book.asks.set(parseFixed(p, MARKET_SCALE), parseFixed(q, MARKET_SCALE));
}
