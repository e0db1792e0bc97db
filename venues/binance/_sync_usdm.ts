/**
 * Private: the Binance USD-M futures sync rules `BookSync` applies with `rules: "usdm"`
 * (protocols.md §1 "USD-M futures differences" and §4). Futures update ids are NOT contiguous
 * (`U` is not the previous `u` + 1); continuity is carried by `pu`, the previous event's `u`:
 * - drop events with `u < lastUpdateId`;
 * - the first event applied after a snapshot has `U <= lastUpdateId <= u`;
 * - every later event's `pu` equals the previous event's `u`, else the book is discarded.
 * Pure predicates on numbers: no allocation, no state.
 * @module
 */
import type { DepthDiff } from "./types.ts";

/** The market whose sync rules `BookSync` follows: Binance spot or USD-M futures. */
export type SyncRules = "spot" | "usdm";

/** What to do with a live event under the futures rules ({@linkcode usdmLive}). */
export const UsdmLive = {
  /** Apply it. */
  Apply: 0,
  /** Ignore it: it holds nothing newer than the book. */
  Skip: 1,
  /** `pu` is not the book's update id: events were missed. */
  Gap: 2,
  /** The first event after the snapshot starts past it (`U > lastUpdateId`). */
  NoBridge: 3,
} as const;

/**
 * The futures rule for a live event `d` on a book at update id `id`. `bridged`: an event was
 * applied since the snapshot (so `id` is the previous event's `u`, and `pu` must equal it).
 */
export function usdmLive(d: DepthDiff, id: number, bridged: boolean): number {
  if (bridged) {
    if (d.lastId <= id) return UsdmLive.Skip; // a repeat of what the book holds
    return d.prevId === id ? UsdmLive.Apply : UsdmLive.Gap;
  }
  if (d.lastId < id) return UsdmLive.Skip;
  return d.firstId <= id ? UsdmLive.Apply : UsdmLive.NoBridge;
}

/** True when buffered event `d` cannot follow `prev` (its `pu` is not `prev`'s `u`). */
export function usdmHole(d: DepthDiff, prev: DepthDiff): boolean {
  return d.prevId !== prev.lastId;
}
