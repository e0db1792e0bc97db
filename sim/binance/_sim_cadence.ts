/**
 * Private: the depth stream cadences of the many-symbol Binance simulator. Each depth stream name
 * of a symbol sends at its venue cadence: `@depth@100ms` and USD-M `@depth@0ms` every batch, spot
 * `@depth` every 1000 ms, USD-M `@depth` every 250 ms and `@depth@500ms` every 500 ms — one diff
 * merged from the batches of the period ({@linkcode SlowDepth}: first `U`, last `u`, the first
 * batch's `pu`, last quantities). Periods are counted in batch time (batch k ends at
 * k × batchMs), so a 250 ms stream over 100 ms batches merges 3, 2, 3, 2 … batches. A skipped
 * frame (`skip_update`) is the next frame of each stream of the symbol; a silenced symbol's
 * frames are not sent and its pending merge is dropped with them. Not a hot path.
 * @module
 */
import type { MarketBatch, SyntheticMarket } from "./market.ts";
import { SlowDepth } from "./_sim_streams.ts";

/** The depth stream names of a lower-case symbol with their cadence in ms (0: every batch). */
export function depthCadences(lower: string, usdm: boolean): { name: string; ms: number }[] {
  return usdm
    ? [
      { name: `${lower}@depth@100ms`, ms: 100 },
      { name: `${lower}@depth`, ms: 250 },
      { name: `${lower}@depth@0ms`, ms: 0 },
      { name: `${lower}@depth@500ms`, ms: 500 },
    ]
    : [{ name: `${lower}@depth@100ms`, ms: 100 }, { name: `${lower}@depth`, ms: 1000 }];
}

interface Stream {
  name: string;
  ms: number;
  merge: SlowDepth | null;
  skip: number;
}

/** One symbol's depth streams: which payload each sends after a batch. */
export class SymbolCadence {
  /** Stream names, the usual one first. */
  readonly names: readonly string[];
  readonly #streams: Stream[];
  readonly #batchMs: number;
  readonly #out: (string | null)[];

  /** The streams of `lower` on the market; batches of `batchMs`. */
  constructor(lower: string, usdm: boolean, batchMs: number) {
    this.#batchMs = batchMs;
    this.#streams = depthCadences(lower, usdm).map(({ name, ms }) => ({
      name,
      ms,
      merge: ms > batchMs ? new SlowDepth() : null,
      skip: 0,
    }));
    this.names = this.#streams.map((s) => s.name);
    this.#out = this.#streams.map(() => null);
  }

  /** The next frame of every stream is not sent (a gap on each). */
  skip(): void {
    for (const s of this.#streams) s.skip++;
  }

  /**
   * Take batch `k` (1-based count of batches produced) of market `m`: the payload each stream sends
   * now, by index of {@linkcode names} (null: nothing this batch). `silent`: nothing is sent.
   */
  after(k: number, b: MarketBatch, m: SyntheticMarket, silent: boolean): readonly (string | null)[] {
    const bm = this.#batchMs;
    this.#streams.forEach((s, i) => {
      let out: string | null;
      if (s.merge === null) out = b.depth;
      else {
        s.merge.add(b);
        out = Math.floor((k * bm) / s.ms) > Math.floor(((k - 1) * bm) / s.ms)
          ? s.merge.take(m.symbol, m.priceScale, m.qtyScale)
          : null;
      }
      if (silent) out = null;
      else if (out !== null && s.skip > 0) {
        s.skip--;
        out = null;
      }
      this.#out[i] = out;
    });
    return this.#out;
  }
}
