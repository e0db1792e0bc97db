/**
 * A simulator driver that replays a capture directory (`snapshot.json` + `diffs.jsonl`, raw or
 * combined form, e.g. the real fixture) instead of the synthetic market. One diff per batch.
 * When the capture has `trades.jsonl`, each trade is served on the trade stream right after the
 * diff it followed in the capture (by the `.recv_ns` sidecars when both are present and whole,
 * else by event time `E`).
 * The truth book starts at the capture's snapshot and applies the diffs after it; the REST
 * snapshot it serves is the truth book, so a client that connects late still syncs.
 * Allocates freely (not a hot path).
 * @module
 */
import { L2Book } from "../../venues/book.ts";
import { parseFixed, significantDecimals } from "../../venues/decimal.ts";
import { type MarketBatch, sideJson } from "./market.ts";

/** What drives the simulator: the synthetic market or a capture replay. */
export interface SimDriver {
  /** Upper-case symbol. */
  readonly symbol: string;
  /** The current true book; `updateId` is the last update id sent. */
  readonly book: L2Book;
  /** True for USD-M futures (frames carry `pu`; REST on `/fapi/v1/depth`, WS under `/public`). */
  readonly futures: boolean;
  /** The next batch, or null when the source is exhausted. */
  step(): MarketBatch | null;
  /** REST depth body of the current book. */
  snapshotJson(limit: number): string;
  /** The book's prices are integers × 10^priceScale. */
  readonly priceScale: number;
  /** The book's quantities are integers × 10^qtyScale. */
  readonly qtyScale: number;
  /** The tick `exchangeInfo` lists (a decimal string). */
  readonly tick: string;
  /** The lot `exchangeInfo` lists. */
  readonly lot: string;
}

type Lv = [string, string][];

/** Replays `<dir>/snapshot.json` and `<dir>/diffs.jsonl`. */
export class ReplayDriver implements SimDriver {
  /** Upper-case symbol (from the first diff). */
  readonly symbol: string;
  /** See {@linkcode SimDriver.book}. */
  readonly book = new L2Book();
  /** See {@linkcode SimDriver.futures}: the first diff carries `pu` (a USD-M capture). */
  readonly futures: boolean;
  /** The finest price decimals anywhere in the capture (its book is held at this scale). */
  readonly priceScale: number;
  /** The finest quantity decimals anywhere in the capture. */
  readonly qtyScale: number;
  /** 10^-priceScale as a decimal string. */
  readonly tick: string;
  /** 10^-qtyScale as a decimal string. */
  readonly lot: string;
  readonly #snapshot: string;
  readonly #snapshotId: number;
  readonly #lines: string[];
  /** Trade payloads to send after the diff at the same line index. */
  readonly #tradesAfter: string[][];
  #next = 0;
  #lastE = 0;

  /** Load a capture directory (reads it fully into memory). */
  constructor(dir: string) {
    this.#snapshot = Deno.readTextFileSync(`${dir}/snapshot.json`);
    const snap = JSON.parse(this.#snapshot) as { lastUpdateId: number; bids: Lv; asks: Lv };
    this.#lines = Deno.readTextFileSync(`${dir}/diffs.jsonl`).split("\n").filter((l) => l.length > 0);
    // One scale for the whole capture: the finest value in it (so the truth book stays exact).
    const fine = [0, 0];
    finest(fine, snap.bids);
    finest(fine, snap.asks);
    for (const l of this.#lines) {
      try {
        const d = JSON.parse(payloadOf(l)) as { b?: Lv; a?: Lv };
        finest(fine, d.b ?? []);
        finest(fine, d.a ?? []);
      } catch {
        // a cut line: step() skips it too
      }
    }
    this.priceScale = fine[0]!;
    this.qtyScale = fine[1]!;
    this.tick = unit(this.priceScale);
    this.lot = unit(this.qtyScale);
    this.#apply(snap.bids, snap.asks);
    this.#snapshotId = snap.lastUpdateId;
    this.book.updateId = snap.lastUpdateId;
    const first = this.#lines.length > 0 ? payloadOf(this.#lines[0]!) : null;
    const d0 = first ? JSON.parse(first) : null;
    this.symbol = d0 ? String(d0.s) : "UNKNOWN";
    this.futures = d0 !== null && "pu" in d0;
    this.#tradesAfter = loadTrades(dir, this.#lines);
  }

  /** Trades loaded from the capture (0 when it has none). */
  get tradeCount(): number {
    let n = 0;
    for (const t of this.#tradesAfter) n += t.length;
    return n;
  }

  /** See {@linkcode SimDriver.step}. Truncated or malformed lines are skipped. */
  step(): MarketBatch | null {
    const trades: string[] = [];
    while (this.#next < this.#lines.length) {
      const at = this.#next++;
      for (const t of this.#tradesAfter[at] ?? []) trades.push(t);
      const payload = payloadOf(this.#lines[at]!);
      let d: { E: number; U: number; u: number; pu?: number; b: Lv; a: Lv };
      try {
        d = JSON.parse(payload);
      } catch {
        continue;
      }
      const batch: MarketBatch = {
        depth: payload,
        U: d.U,
        u: d.u,
        pu: d.pu,
        E: d.E,
        bids: this.#toMap(d.b),
        asks: this.#toMap(d.a),
        trades,
        truth: [],
      };
      this.#lastE = d.E;
      if (d.u > this.#snapshotId && d.u > this.book.updateId) {
        this.#apply(d.b, d.a);
        this.book.updateId = d.u;
      }
      return batch;
    }
    return null;
  }

  /** See {@linkcode SimDriver.snapshotJson}: the capture's own body until the diffs pass it. */
  snapshotJson(limit: number): string {
    if (this.book.updateId === this.#snapshotId) return this.#snapshot;
    const side = (bid: boolean) => sideJson(this.book, bid, limit, this.priceScale, this.qtyScale);
    const et = this.futures ? `,"E":${this.#lastE},"T":${this.#lastE}` : "";
    return `{"lastUpdateId":${this.book.updateId}${et},"bids":${side(true)},"asks":${side(false)}}`;
  }

  #toMap(levels: Lv): Map<number, number> {
    const m = new Map<number, number>();
    for (const [p, q] of levels) m.set(parseFixed(p, this.priceScale), parseFixed(q, this.qtyScale));
    return m;
  }

  #apply(bids: Lv, asks: Lv): void {
    const ps = this.priceScale;
    const qs = this.qtyScale;
    for (const [p, q] of bids) this.book.bids.set(parseFixed(p, ps), parseFixed(q, qs));
    for (const [p, q] of asks) this.book.asks.set(parseFixed(p, ps), parseFixed(q, qs));
  }
}

function finest(fine: number[], levels: Lv): void {
  for (const [p, q] of levels) {
    fine[0] = Math.max(fine[0]!, significantDecimals(String(p)));
    fine[1] = Math.max(fine[1]!, significantDecimals(String(q)));
  }
}

function unit(decimals: number): string {
  return decimals === 0 ? "1" : `0.${"1".padStart(decimals, "0")}`;
}

function readLines(path: string): string[] | null {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l.length > 0);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Event time `E` of a line (raw or combined form); NaN when it has none. */
function eventTime(line: string): number {
  const m = /"E":(\d+)/.exec(line);
  return m ? Number(m[1]) : NaN;
}

/**
 * Load `<dir>/trades.jsonl` (if any) and place each trade after the last diff line received
 * before it: by `trades.recv_ns` / `diffs.recv_ns` when both exist with one time per line, else
 * by event time. Trades before the first diff go after it. Result: trade payloads per diff line.
 */
function loadTrades(dir: string, diffLines: string[]): string[][] {
  const out: string[][] = diffLines.map(() => []);
  const trades = readLines(`${dir}/trades.jsonl`);
  if (trades === null || diffLines.length === 0) return out;
  const tradeNs = readLines(`${dir}/trades.recv_ns`);
  const diffNs = readLines(`${dir}/diffs.recv_ns`);
  const byRecv = tradeNs !== null && diffNs !== null && tradeNs.length === trades.length &&
    diffNs.length === diffLines.length;
  const dKey: number[] = [];
  let last = -Infinity;
  for (let i = 0; i < diffLines.length; i++) {
    const k = byRecv ? Number(diffNs![i]) : eventTime(diffLines[i]!);
    last = Number.isFinite(k) ? k : last; // a cut or malformed line keeps the previous time
    dKey.push(last);
  }
  let d = 0;
  for (let i = 0; i < trades.length; i++) {
    const payload = payloadOf(trades[i]!);
    try {
      JSON.parse(payload);
    } catch {
      continue; // a cut line at the end of a killed capture
    }
    const k = byRecv ? Number(tradeNs![i]) : eventTime(payload);
    while (d + 1 < dKey.length && dKey[d + 1]! <= k) d++;
    out[d]!.push(payload);
  }
  return out;
}

/** The raw payload of a line in either the raw or the combined (`{"stream","data"}`) form. */
export function payloadOf(line: string): string {
  if (!line.startsWith('{"stream"')) return line;
  const at = line.indexOf('"data":');
  return at < 0 ? line : line.slice(at + 7, line.lastIndexOf("}"));
}
