/**
 * Snapshot diffing for Hyperliquid `l2Book`: every message is a full top-N window (N = 20, or
 * 5 with `fast`) of each side, with no sequence number. {@linkcode BookDiffer} applies the first
 * message as the snapshot, then turns each later one into level changes against the previous
 * window, and keeps an {@linkcode L2Book} in step.
 *
 * Change kinds, per side, comparing the previous window P with the new window W:
 * - `Change`: the price is in both, the size differs.
 * - `Insert`: a new price inside P's price range (or anywhere when P was not full).
 * - `Enter`: a new price beyond P's worst level while P was full: it may have rested there
 *   unseen, so it is not necessarily a new order.
 * - `Delete`: a price of P that is missing from W although it lies inside W's price range (at or
 *   better than W's worst level), or W is not full: the level really went away.
 * - `Exit`: a price of P beyond W's worst level while W is full: it only left the window (pushed
 *   out by better levels); whether it still rests is unknown.
 *
 * Book contract (decision): the L2Book mirrors the latest window exactly. Levels that exit the
 * window are removed from the book, because their quantity is no longer known; they are reported
 * as `Exit`, not `Delete`, so consumers (L3 inference) do not mistake them for cancels. A level
 * that comes back is reported as `Enter` with its current size. `book.updateId` is the window's
 * `time` (ms). Single-threaded; no allocation per message (the change list grows only when a
 * message changes more levels than any before).
 * @module
 */
import type { BookSide, L2Book } from "../book.ts";
import { type HlFrame, SideLevels } from "./frame.ts";
import { HL_BOOK_DEPTH } from "./types.ts";

/** Kinds of level change. */
export const LevelChange = {
  /** New level inside the previous window's price range. */
  Insert: 1,
  /** Same price, new size. */
  Change: 2,
  /** Level removed inside the new window's price range. */
  Delete: 3,
  /** Level pushed beyond the (full) new window; its fate is unknown. Removed from the book. */
  Exit: 4,
  /** Level appeared beyond the (full) previous window; it may have rested there unseen. */
  Enter: 5,
} as const;
/** A value of {@linkcode LevelChange}. */
export type LevelChange = typeof LevelChange[keyof typeof LevelChange];

/** Names of {@linkcode LevelChange} values, index by code. */
export const LEVEL_CHANGE_NAMES: readonly string[] = ["none", "insert", "change", "delete", "exit", "enter"];

/** The level changes of one message, in order: bids best→worst, then asks best→worst. */
export class ChangeList {
  /** Number of changes. */
  count = 0;
  /** 1 = bid, 0 = ask. */
  isBid: Uint8Array;
  /** {@linkcode LevelChange} per change. */
  kind: Uint8Array;
  /** Price (fixed point). */
  px: Float64Array;
  /** Size after the change (0 for Delete/Exit). */
  qty: Float64Array;
  /** Size before the change (0 for Insert/Enter). */
  prevQty: Float64Array;

  /** Room for `capacity` changes (grows when needed). */
  constructor(capacity = 64) {
    this.isBid = new Uint8Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.px = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.prevQty = new Float64Array(capacity);
  }

  /** Append a change. */
  push(isBid: boolean, kind: LevelChange, px: number, qty: number, prevQty: number): void {
    if (this.count === this.px.length) this.#grow();
    const i = this.count++;
    this.isBid[i] = isBid ? 1 : 0;
    this.kind[i] = kind;
    this.px[i] = px;
    this.qty[i] = qty;
    this.prevQty[i] = prevQty;
  }

  #grow(): void {
    const cap = this.px.length * 2 || 64;
    const isBid = new Uint8Array(cap), kind = new Uint8Array(cap);
    const px = new Float64Array(cap), qty = new Float64Array(cap), prevQty = new Float64Array(cap);
    isBid.set(this.isBid);
    kind.set(this.kind);
    px.set(this.px);
    qty.set(this.qty);
    prevQty.set(this.prevQty);
    this.isBid = isBid;
    this.kind = kind;
    this.px = px;
    this.qty = qty;
    this.prevQty = prevQty;
  }
}

/** Running totals of a {@linkcode BookDiffer}. */
export interface DiffTotals {
  /** Snapshots applied (first message, and after every reset). */
  snapshots: number;
  /** Messages diffed. */
  diffs: number;
  /** Messages identical to the previous window. */
  unchanged: number;
  /** Changes by kind, index by {@linkcode LevelChange}. */
  byKind: Float64Array;
}

/** Diffs consecutive full-window snapshots and keeps an L2Book equal to the latest window. */
export class BookDiffer {
  /** Levels per side of a full window. */
  readonly depth: number;
  /** Running totals. */
  readonly totals: DiffTotals = { snapshots: 0, diffs: 0, unchanged: 0, byKind: new Float64Array(6) };
  readonly #prevBids = new SideLevels();
  readonly #prevAsks = new SideLevels();
  #has = false;

  /** A differ for windows of `depth` levels per side (default 20). */
  constructor(depth = HL_BOOK_DEPTH) {
    if (!(depth >= 1)) throw new RangeError("depth must be >= 1");
    this.depth = depth;
  }

  /** True once a snapshot was applied (until {@linkcode BookDiffer.reset}). */
  get hasSnapshot(): boolean {
    return this.#has;
  }

  /** The previous window's bids (best first). Read-only view; valid until the next apply. */
  get prevBids(): SideLevels {
    return this.#prevBids;
  }

  /** The previous window's asks (best first). */
  get prevAsks(): SideLevels {
    return this.#prevAsks;
  }

  /** Forget the previous window: the next message is applied as a snapshot (e.g. after a reconnect). */
  reset(): void {
    this.#has = false;
  }

  /** Replace `book` with the frame's window. Returns nothing; counts a snapshot. */
  applySnapshot(frame: HlFrame, book: L2Book): void {
    book.clear();
    fill(book.bids, frame.bids);
    fill(book.asks, frame.asks);
    book.updateId = frame.time;
    this.#prevBids.copyFrom(frame.bids);
    this.#prevAsks.copyFrom(frame.asks);
    this.#has = true;
    this.totals.snapshots++;
  }

  /**
   * Diff the frame's window against the previous one, apply the changes to `book`, and write
   * them to `out` (cleared first). Applies a snapshot instead when there is no previous window.
   * Returns the number of changes (0 for a snapshot or an identical window).
   */
  apply(frame: HlFrame, book: L2Book, out: ChangeList): number {
    out.count = 0;
    if (!this.#has) {
      this.applySnapshot(frame, book);
      return 0;
    }
    this.#side(this.#prevBids, frame.bids, true, book.bids, out);
    this.#side(this.#prevAsks, frame.asks, false, book.asks, out);
    book.updateId = frame.time;
    this.#prevBids.copyFrom(frame.bids);
    this.#prevAsks.copyFrom(frame.asks);
    this.totals.diffs++;
    if (out.count === 0) this.totals.unchanged++;
    const byKind = this.totals.byKind;
    for (let i = 0; i < out.count; i++) byKind[out.kind[i]!]!++;
    return out.count;
  }

  // Merge the two best-first sorted windows of one side.
  #side(prev: SideLevels, next: SideLevels, isBid: boolean, side: BookSide, out: ChangeList): void {
    const np = prev.count, nn = next.count;
    let i = 0, j = 0;
    while (i < np && j < nn) {
      const pp = prev.px[i]!, px = next.px[j]!;
      if (pp === px) {
        const a = prev.sz[i]!, b = next.sz[j]!;
        if (a !== b) {
          out.push(isBid, LevelChange.Change, px, b, a);
          side.set(px, b);
        }
        i++;
        j++;
      } else if (isBid ? pp > px : pp < px) {
        // A previous level better than the new one at j is missing: inside the new range.
        out.push(isBid, LevelChange.Delete, pp, 0, prev.sz[i]!);
        side.set(pp, 0);
        i++;
      } else {
        out.push(isBid, LevelChange.Insert, px, next.sz[j]!, 0);
        side.set(px, next.sz[j]!);
        j++;
      }
    }
    // Previous levels beyond the new window's worst level.
    const gone = nn >= this.depth ? LevelChange.Exit : LevelChange.Delete;
    for (; i < np; i++) {
      out.push(isBid, gone, prev.px[i]!, 0, prev.sz[i]!);
      side.set(prev.px[i]!, 0);
    }
    // New levels beyond the previous window's worst level.
    const came = np >= this.depth ? LevelChange.Enter : LevelChange.Insert;
    for (; j < nn; j++) {
      out.push(isBid, came, next.px[j]!, next.sz[j]!, 0);
      side.set(next.px[j]!, next.sz[j]!);
    }
  }
}

function fill(side: BookSide, levels: SideLevels): void {
  for (let i = 0; i < levels.count; i++) side.set(levels.px[i]!, levels.sz[i]!);
}
