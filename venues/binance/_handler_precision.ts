/**
 * Private: the scale of a `BinanceHandler`'s instrument (DESIGN.md "Instruments and precision").
 * It keeps the instrument's decimals, the parser's (`ParsedFrame`) and the sync's integers in
 * step: raising the scale rescales the book and the buffered diffs exactly (× 10^k); a frame
 * with a value finer than the scale is parsed again at the finer one. Not on the hot path: it
 * runs on a snapshot, on `exchangeInfo`, and on the rare frame that needs a finer scale.
 * @module
 */
import type { Instrument } from "../../market/instrument.ts";
import { ResyncReason } from "../../engine/events.ts";
import { FrameKind, type ParsedFrame } from "./parse.ts";
import type { BookSync } from "./sync.ts";
import { type Decimals, MAX_INSTRUMENT_DECIMALS } from "./precision.ts";

/** What the last {@linkcode InstrumentScale.raise} / `fit` did. */
export const ScaleChange = {
  /** The scale already held the values. */
  None: 0,
  /** The scale grew; the book and the buffered diffs were rescaled exactly. */
  Rescaled: 1,
  /** The book could not be held at the finer scale (beyond 2^53): the sync was reset. */
  Resynced: 2,
} as const;

/** The scale of one instrument, shared by its parser and its sync. */
export class InstrumentScale {
  readonly #inst: Instrument;
  readonly #pf: ParsedFrame;
  /** Times the scale grew after the first value (each one a rescale of the book). */
  rescales = 0;

  /** Keep `inst` and the parser output `pf` at the same decimals (from `inst`'s). */
  constructor(inst: Instrument, pf: ParsedFrame) {
    this.#inst = inst;
    this.#pf = pf;
    pf.priceDecimals = inst.priceDecimals;
    pf.qtyDecimals = inst.qtyDecimals;
  }

  /**
   * Make the scale at least `d` (each side on its own; it never shrinks). Rescales `sync`'s book
   * and buffered diffs; when a value would pass 2^53, resets `sync` (reason `Precision`) and
   * keeps the finer scale. Returns a {@linkcode ScaleChange}.
   */
  raise(sync: BookSync, d: Decimals | null): number {
    if (d === null) return ScaleChange.None;
    const inst = this.#inst;
    const pd = Math.min(MAX_INSTRUMENT_DECIMALS, Math.max(inst.priceDecimals, d.priceDecimals));
    const qd = Math.min(MAX_INSTRUMENT_DECIMALS, Math.max(inst.qtyDecimals, d.qtyDecimals));
    const kp = pd - inst.priceDecimals;
    const kq = qd - inst.qtyDecimals;
    if (kp === 0 && kq === 0) return ScaleChange.None;
    let change: number = ScaleChange.Rescaled;
    if (!sync.rescale(kp, kq)) {
      sync.reset(ResyncReason.Precision, `book cannot be held at 10^-${pd} / 10^-${qd} (beyond 2^53)`);
      change = ScaleChange.Resynced;
    }
    inst.priceDecimals = this.#pf.priceDecimals = pd;
    inst.qtyDecimals = this.#pf.qtyDecimals = qd;
    this.rescales++;
    return change;
  }

  /**
   * After a parse returned `kind`: while it is `Malformed` for a value finer than the scale,
   * raise the scale to what the value needs and `reparse` (at most a few rounds: one per side
   * and value). Returns the final kind and the strongest change in `out[0]`.
   */
  fit(kind: FrameKind, sync: BookSync, reparse: () => FrameKind, out: number[]): FrameKind {
    const pf = this.#pf;
    let change: number = ScaleChange.None;
    for (let round = 0; round < 8 && kind === FrameKind.Malformed && pf.tooFine; round++) {
      const c = this.raise(sync, { priceDecimals: pf.finePriceDecimals, qtyDecimals: pf.fineQtyDecimals });
      if (c > change) change = c;
      kind = reparse();
    }
    out[0] = change;
    return kind;
  }
}
