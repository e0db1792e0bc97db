/**
 * Instruments: what a record's `instrument` index means (venue, market, symbol) and the
 * precision its integers are scaled by.
 * @module
 */

/** Venue markets as written in the normalized JSON form. */
export type MarketName = "spot" | "usdm" | "perp";

/** One tradable instrument of one venue and market. */
export interface Instrument {
  /** Index in the process's {@linkcode InstrumentTable} (the records' `instrument` field). */
  readonly id: number;
  /** Venue name, e.g. "binance", "hyperliquid". */
  readonly venue: string;
  /** Market, e.g. "spot", "usdm", "perp". */
  readonly market: MarketName;
  /** The venue's own symbol, e.g. "BTCUSDT", "BTC", "PURR/USDC". */
  readonly symbol: string;
  /** Prices are integers × 10^priceDecimals. */
  priceDecimals: number;
  /** Quantities are integers × 10^qtyDecimals. */
  qtyDecimals: number;
}

/**
 * The instruments of one process, indexed by id (0, 1, 2, …). Registering allocates (once per
 * instrument); lookups by id do not.
 */
export class InstrumentTable {
  readonly #list: Instrument[] = [];

  /** Register (or find) the instrument `venue`/`market`/`symbol`; returns it. */
  add(
    venue: string,
    market: MarketName,
    symbol: string,
    priceDecimals: number,
    qtyDecimals: number,
  ): Instrument {
    const found = this.find(venue, market, symbol);
    if (found) return found;
    if (this.#list.length >= 0xffff) throw new RangeError("too many instruments (65535)");
    const inst: Instrument = { id: this.#list.length, venue, market, symbol, priceDecimals, qtyDecimals };
    this.#list.push(inst);
    return inst;
  }

  /** The instrument with index `id`, or undefined. */
  get(id: number): Instrument | undefined {
    return this.#list[id];
  }

  /** The instrument `venue`/`market`/`symbol`, or undefined. */
  find(venue: string, market: string, symbol: string): Instrument | undefined {
    return this.#list.find((i) => i.venue === venue && i.market === market && i.symbol === symbol);
  }

  /** Number of instruments. */
  get size(): number {
    return this.#list.length;
  }

  /** Every instrument, by id (a copy). */
  all(): Instrument[] {
    return [...this.#list];
  }
}

/** The table shared by every stream of this thread unless a caller gives its own. */
export const defaultInstruments: InstrumentTable = new InstrumentTable();
