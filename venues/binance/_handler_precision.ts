/**
 * Private: the scale of a Binance instrument (DESIGN.md "Instruments and precision"), the one
 * place both handlers (one symbol, many symbols) keep it. {@linkcode InstrumentScale} keeps the
 * instrument's decimals, the parser's (`ParsedFrame`) and the sync's integers in step: raising
 * the scale rescales the book and the buffered diffs exactly (× 10^k); a frame with a value finer
 * than the scale is parsed again at the finer one. {@linkcode raiseScale} / {@linkcode fitScale}
 * add what a handler does about it: the capture's decimals, a fresh `snapshot` record at the new
 * scale, and for a value beyond 2^53 an error event, a resync (reason `precision`) and a `clear`
 * of THAT instrument only. Not on the hot path: it runs on a snapshot, on `exchangeInfo`, and on
 * the rare frame that needs a finer scale.
 * @module
 */
import type { Instrument } from "../../market/instrument.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { type MarketStream, recvSecOf, recvSubNsOf } from "../../market/stream.ts";
import { FrameKind, type ParsedFrame } from "./parse.ts";
import type { BookSync } from "./sync.ts";
import type { BinanceCapture } from "./capture.ts";
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

/** What a scale change touches: one instrument's sync, stream, capture and logger. */
export interface ScaleHost {
  /** The instrument's scale. */
  readonly scale: InstrumentScale;
  /** Its sync. */
  readonly sync: BookSync;
  /** Its stream. */
  readonly stream: MarketStream;
  /** Its capture, if any. */
  readonly capture: BinanceCapture | null;
  /** Logger and source of its error events (undefined before start). */
  readonly logger: Logger | undefined;
  /** Logger source. */
  readonly source: number;
  /** The book was discarded (not synchronized any more). */
  lostSync(): void;
}

/** Raise `h`'s scale to `d` at `wall`: a synced book is re-sent whole at the new scale, a lost one cleared. */
export function raiseScale(h: ScaleHost, d: Decimals | null, wall: number): void {
  afterScaleChange(h, h.scale.raise(h.sync, d), wall);
}

const change = [0];

/**
 * A frame parsed as `kind` with a value finer than the scale (`pf.tooFine`): rescale and
 * `reparse`; a value beyond 2^53 at the finest scale it needs (`pf.tooLarge`) is an error event
 * and a resync of `h` (never a rounded book). Returns the final kind.
 */
export function fitScale(
  h: ScaleHost,
  pf: ParsedFrame,
  kind: FrameKind,
  reparse: () => FrameKind,
  wall: number,
): FrameKind {
  if (pf.tooFine) {
    kind = h.scale.fit(kind, h.sync, reparse, change);
    afterScaleChange(h, change[0]!, wall);
  }
  if (kind === FrameKind.Malformed && pf.tooLarge) {
    h.logger?.error(h.source, `${pf.reason}: resync`);
    h.sync.reset(ResyncReason.Precision, pf.reason);
    h.lostSync();
    h.stream.clear(ResyncReason.Precision, 0, recvSecOf(wall), recvSubNsOf(wall));
  }
  return kind;
}

function afterScaleChange(h: ScaleHost, c: number, wall: number): void {
  if (c === ScaleChange.None) return;
  const inst = h.stream.instrument;
  h.capture?.decimals(inst.priceDecimals, inst.qtyDecimals);
  if (c === ScaleChange.Resynced) {
    h.logger?.error(h.source, "a value cannot be held exactly (beyond 2^53): resync");
    h.lostSync();
    h.stream.clear(ResyncReason.Precision, 0, recvSecOf(wall), recvSubNsOf(wall));
  } else if (h.sync.isSynced && h.stream.active) {
    h.stream.snapshot(h.sync.book.updateId, 0, recvSecOf(wall), recvSubNsOf(wall));
  }
}
