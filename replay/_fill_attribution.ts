/**
 * Private: the contract between L3 inference (`l3.ts`) and whatever decides how much of a level
 * decrease traded (`classify.ts` `Attribution`; {@linkcode NO_FILLS} in tests). Re-exported by
 * `l3.ts`.
 * @module
 */
import type { InferredEvent, Side } from "./schema.ts";

/** Decides how much of a level decrease traded (the rest is cancelled). */
export interface FillAttribution {
  /** The filled part (0..`decrease`) of a decrease of `decrease` at `price` on `side`. */
  fillFor(side: Side, price: number, decrease: number): number;
  /**
   * Optional fast form of {@linkcode FillAttribution.fillFor}: the same answer for side `ev.side`,
   * price `ev.price` and decrease `ev.qty` (passing the event avoids boxing the doubles);
   * `ev.levelQtyAfter` holds the level's quantity after the whole decrease, `ev.updateId` and
   * `ev.eventTimeMs` the update's.
   */
  fillForEvent?(ev: InferredEvent): number;
}

/** Attributes nothing to trades: every decrease is a cancel. */
export const NO_FILLS: FillAttribution = { fillFor: () => 0 };
