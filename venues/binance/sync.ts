/**
 * `BookSync`: the Binance Spot snapshot + diff state machine (the CURRENT procedure of
 * protocols.md), pure: no I/O, no clock. The caller feeds parsed diffs and snapshots and reads
 * back result codes and {@linkcode BookSync.needsSnapshot}; it owns the REST fetch (paced by a
 * `SnapshotScheduler`).
 *
 * Procedure:
 * 1. Buffer diffs (copied into a bounded pool) and note the first `U`; ask for a snapshot.
 *    Buffered diffs must be contiguous (`U <= previous u + 1`); a hole restarts the buffer at
 *    the new diff. A full buffer (`maxBuffered`) drops it with a warning and a resync, and
 *    buffering restarts at the new diff: nothing is lost silently.
 * 2. On a snapshot: `lastUpdateId < first U` → stale, ask again. Else drop buffered diffs with
 *    `u <= lastUpdateId`, set the book, apply the rest. The first diff applied after a snapshot
 *    must bridge it: `U <= lastUpdateId + 1 <= u`, else resync (`NoBridge`). (The docs' wording
 *    "lastUpdateId within [U;u]" would reject the real stream, where the bridging diff has
 *    `U == lastUpdateId + 1`; the gap rule `U > id + 1` is the one that defines continuity.)
 * 3. Live: `u <= book id` → skipped (it holds nothing newer than the book; the docs say `u <`,
 *    `u == id` can only be a duplicate). `U > id + 1` → gap: discard the book, resync,
 *    buffer again from this diff. Else set each level (qty 0 deletes), book id = `u`.
 * 4. After every applied diff the book must not be crossed: a crossed Binance book is wrong,
 *    so it resyncs (`Crossed`) unless `resyncOnCrossed` is false (then only `crossed` counts).
 *
 * USD-M futures (`rules: "usdm"`, `_sync_usdm.ts`): ids are not contiguous, `pu` (the previous
 * event's `u`) carries continuity. Buffered events must chain by `pu`; at a snapshot only events
 * with `u < lastUpdateId` are dropped and the first applied one must have `U <= lastUpdateId <= u`;
 * live, `pu` must equal the book's id (else `Gap`). Spot takes none of these branches.
 *
 * Logging: when given a `Logger`, BookSync itself emits snapshotApplied, synchronized,
 * resync(reason, expected, received, detail) and warning (buffer overflow); the handler must
 * not log these again. Without a logger it only returns codes and keeps counters.
 * @module
 */
import type { L2Book } from "../book.ts";
import type { Logger } from "../../engine/logger.ts";
import { ResyncReason } from "../../engine/events.ts";
import { DepthDiff, type DepthSnapshot } from "./types.ts";
import { type SyncRules, usdmHole, UsdmLive, usdmLive } from "./_sync_usdm.ts";
import { type BookSyncOptions, DiffResult, SnapshotResult } from "./_sync_types.ts";
import { compactPool, rescalePool } from "./_sync_pool.ts";

export type { SyncRules } from "./_sync_usdm.ts";
export { type BookSyncOptions, DiffResult, SnapshotResult } from "./_sync_types.ts";

/** Keeps an {@linkcode L2Book} in sync with a Binance diff-depth stream. Single-threaded. */
export class BookSync {
  /** The book kept in sync. */
  readonly book: L2Book;
  /** Snapshot depth limit to request. */
  readonly snapshotLimit: number;
  /** Buffer bound. */
  readonly maxBuffered: number;
  /** Diffs passed to `onDiff`. */
  received = 0;
  /** Diffs applied to the book. */
  applied = 0;
  /** Diffs ignored as stale (`u <= id`), live or dropped from the buffer at a snapshot. */
  skipped = 0;
  /** Level updates applied. */
  levelsChanged = 0;
  /** Times the book was discarded (gap, no bridge, crossed, overflow, reset). */
  resyncs = 0;
  /** Snapshots rejected as older than the buffer. */
  staleSnapshots = 0;
  /** Snapshots applied. */
  snapshots = 0;
  /** The reason of the last resync (a `ResyncReason`; 0 before any). */
  lastResyncReason = 0;
  /** Diffs after which the book was crossed. */
  crossed = 0;
  readonly #resyncOnCrossed: boolean;
  readonly #usdm: boolean;
  readonly #logger: Logger | undefined;
  readonly #source: number;
  readonly #pool: DepthDiff[] = [];
  #bs = 0; // buffered diffs are #pool[#bs, #be)
  #be = 0;
  #synced = false; // book holds a snapshot
  #bridged = false; // a diff has been applied since the snapshot
  #inFlight = false;
  #request = 0; // tag of the latest snapshot request
  #appliedFromBuffer = 0;

  /** Keep `book` in sync. */
  constructor(book: L2Book, options: BookSyncOptions = {}) {
    this.book = book;
    this.snapshotLimit = options.snapshotLimit ?? 1000;
    this.maxBuffered = options.maxBuffered ?? 10_000;
    if (!(this.maxBuffered >= 1)) throw new RangeError("maxBuffered must be >= 1");
    this.#resyncOnCrossed = options.resyncOnCrossed ?? true;
    this.#logger = options.logger;
    this.#source = options.source ?? 0;
    this.#usdm = options.rules === "usdm";
    this.rules = this.#usdm ? "usdm" : "spot";
  }

  /** The sync rules followed. */
  readonly rules: SyncRules;

  /** True when the book holds a snapshot that a diff has bridged (the book is usable). */
  get isSynced(): boolean {
    return this.#synced && this.#bridged;
  }

  /** Diffs currently buffered. */
  get buffered(): number {
    return this.#be - this.#bs;
  }

  /** `U` of the first buffered diff (NaN when none). */
  get firstBufferedId(): number {
    return this.#be > this.#bs ? this.#pool[this.#bs]!.firstId : NaN;
  }

  /** True when a snapshot should be requested now (diffs are buffered, none in flight). */
  get needsSnapshot(): boolean {
    return !this.#synced && !this.#inFlight && this.#be > this.#bs;
  }

  /**
   * Call when the snapshot request is sent. Returns the request's tag: pass it back to
   * {@linkcode BookSync.onSnapshot} / {@linkcode BookSync.snapshotFailed} so that a late answer
   * to a request made before a {@linkcode BookSync.reset} is ignored.
   */
  snapshotRequested(): number {
    this.#inFlight = true;
    return ++this.#request;
  }

  /** True when `tag` is the request in flight (its answer is expected). */
  isCurrentRequest(tag: number): boolean {
    return this.#inFlight && tag === this.#request;
  }

  /**
   * Call when the snapshot request failed (network, timeout, HTTP error, bad body): ask again
   * later. With a `tag` that is not the request in flight (a late failure) nothing changes.
   */
  snapshotFailed(tag?: number): void {
    if (tag === undefined || tag === this.#request) this.#inFlight = false;
  }

  /** Feed one parsed diff. `diff` is read, not kept (buffered diffs are copied). */
  onDiff(diff: DepthDiff): DiffResult {
    this.received++;
    if (!this.#synced) return this.#buffer(diff);
    const book = this.book;
    const id = book.updateId;
    if (this.#usdm) return this.#onUsdmDiff(diff, id);
    if (diff.lastId <= id) {
      this.skipped++;
      return DiffResult.Skipped;
    }
    if (diff.firstId > id + 1) {
      if (this.#bridged) this.#resync(ResyncReason.Gap, id + 1, diff.firstId, "gap in update ids");
      else this.#resync(ResyncReason.NoBridge, id + 1, diff.firstId, "first diff does not bridge snapshot");
      this.#buffer(diff);
      return DiffResult.Resync;
    }
    return this.#applyLive(diff) ? DiffResult.Applied : DiffResult.Resync;
  }

  /**
   * Feed the snapshot fetched after {@linkcode BookSync.snapshotRequested}; with a `tag`, only
   * the answer to the request in flight is used (an older one is `Ignored`).
   */
  onSnapshot(snap: DepthSnapshot, tag?: number): SnapshotResult {
    if (this.#synced || !this.#inFlight) return SnapshotResult.Ignored;
    if (tag !== undefined && tag !== this.#request) return SnapshotResult.Ignored;
    this.#inFlight = false;
    const lastId = snap.lastUpdateId;
    const pool = this.#pool;
    if (this.#be === this.#bs || lastId < pool[this.#bs]!.firstId) {
      this.staleSnapshots++;
      this.#logger?.resync(
        this.#source,
        ResyncReason.StaleSnapshot,
        this.#be > this.#bs ? pool[this.#bs]!.firstId : 0,
        lastId,
        "snapshot older than first buffered diff",
      );
      return SnapshotResult.Stale;
    }
    // Spot drops `u <= lastUpdateId`; futures keep the event with `u == lastUpdateId` (it bridges).
    const keep = this.#usdm ? lastId : lastId + 1;
    while (this.#bs < this.#be && pool[this.#bs]!.lastId < keep) {
      this.#bs++;
      this.skipped++;
    }
    const book = this.book;
    book.clear();
    for (let i = 0; i < snap.bidPx.length; i++) book.bids.set(snap.bidPx[i]!, snap.bidQty[i]!);
    for (let i = 0; i < snap.askPx.length; i++) book.asks.set(snap.askPx[i]!, snap.askQty[i]!);
    book.updateId = lastId;
    this.#synced = true;
    this.#bridged = false;
    this.snapshots++;
    this.#appliedFromBuffer = 0;
    this.#logger?.snapshotApplied(this.#source, book.bids.size, book.asks.size, lastId);
    while (this.#bs < this.#be) {
      const d = pool[this.#bs]!;
      const noBridge = this.#usdm
        ? this.#appliedFromBuffer === 0 && d.firstId > book.updateId // later ones chain by pu
        : d.firstId > book.updateId + 1;
      if (noBridge) {
        // Buffered diffs are contiguous, so only the first can fail. Start over (buffer dropped).
        this.#resync(
          ResyncReason.NoBridge,
          book.updateId + 1,
          d.firstId,
          "buffered diffs do not bridge snapshot",
        );
        return SnapshotResult.Resync;
      }
      this.#bs++;
      this.#appliedFromBuffer++;
      if (!this.#applyLive(d)) {
        return SnapshotResult.Resync;
      }
    }
    this.#bs = this.#be = 0;
    return SnapshotResult.Applied;
  }

  /**
   * Discard the book and the buffer (e.g. on disconnect or serverShutdown) and start over. The
   * request in flight (if any) is forgotten: a new one is due at the next buffered diff, and the
   * old one's answer is ignored (see the tags of {@linkcode BookSync.snapshotRequested}).
   */
  reset(reason: ResyncReason, detail: string): void {
    this.#resync(reason, this.book.updateId, 0, detail);
    this.#bs = this.#be = 0;
    this.#inFlight = false;
  }

  // The futures rules for a live diff (the book holds a snapshot; `id` is its update id).
  #onUsdmDiff(diff: DepthDiff, id: number): DiffResult {
    const c = usdmLive(diff, id, this.#bridged);
    if (c === UsdmLive.Apply) return this.#applyLive(diff) ? DiffResult.Applied : DiffResult.Resync;
    if (c === UsdmLive.Skip) {
      this.skipped++;
      return DiffResult.Skipped;
    }
    if (c === UsdmLive.Gap) this.#resync(ResyncReason.Gap, id, diff.prevId, "pu is not the previous u");
    else this.#resync(ResyncReason.NoBridge, id, diff.firstId, "first diff does not bridge snapshot");
    this.#buffer(diff);
    return DiffResult.Resync;
  }

  /**
   * The instrument's decimals grew: rescale the book and the buffered diffs exactly (prices ×
   * 10^`kp`, quantities × 10^`kq`). Returns false when a value would pass 2^53 at the new scale:
   * nothing can hold it, so the caller resyncs (see {@linkcode BookSync.reset}).
   */
  rescale(kp: number, kq: number): boolean {
    return this.book.rescale(kp, kq) && rescalePool(this.#pool, this.#bs, this.#be, kp, kq);
  }

  // Apply a diff known to be newer than the book and not past a gap. False when it resynced.
  #applyLive(d: DepthDiff): boolean {
    const book = this.book;
    const bids = book.bids;
    const asks = book.asks;
    const nb = d.nBids;
    const na = d.nAsks;
    const bp = d.bidPx;
    const bq = d.bidQty;
    const ap = d.askPx;
    const aq = d.askQty;
    for (let i = 0; i < nb; i++) bids.set(bp[i]!, bq[i]!);
    for (let i = 0; i < na; i++) asks.set(ap[i]!, aq[i]!);
    book.updateId = d.lastId;
    this.levelsChanged += nb + na;
    this.applied++;
    if (!this.#bridged) {
      this.#bridged = true;
      this.#logger?.synchronized(this.#source, d.lastId, this.#appliedFromBuffer);
    }
    if (book.isCrossed()) {
      this.crossed++;
      if (this.#resyncOnCrossed) {
        this.#resync(ResyncReason.Crossed, bids.bestPrice(), asks.bestPrice(), "book crossed after diff");
        return false;
      }
    }
    return true;
  }

  #buffer(diff: DepthDiff): DiffResult {
    const pool = this.#pool;
    const hole = this.#be > this.#bs &&
      (this.#usdm ? usdmHole(diff, pool[this.#be - 1]!) : diff.firstId > pool[this.#be - 1]!.lastId + 1);
    if (hole) {
      // A hole inside the buffer: what came before can never bridge to this diff.
      this.#logger?.warning(this.#source, "gap while buffering: buffer restarted");
      this.#bs = this.#be = 0;
    } else if (this.#be - this.#bs >= this.maxBuffered) {
      this.#logger?.warning(this.#source, "pending diff buffer full: dropped and restarted");
      this.#resync(ResyncReason.Gap, this.maxBuffered, this.#be - this.#bs, "pending diff buffer overflow");
      this.#bs = this.#be = 0;
    }
    if (this.#be === this.maxBuffered || (this.#be === pool.length && this.#bs > 0)) {
      this.#be = compactPool(pool, this.#bs, this.#be);
      this.#bs = 0;
    }
    if (this.#be === pool.length) pool.push(new DepthDiff(Math.max(diff.nBids, diff.nAsks, 64)));
    pool[this.#be++]!.copyFrom(diff);
    return DiffResult.Buffered;
  }

  #resync(reason: ResyncReason, expected: number, received: number, detail: string): void {
    this.lastResyncReason = reason;
    this.resyncs++;
    this.book.clear();
    this.#synced = false;
    this.#bridged = false;
    this.#bs = this.#be = 0;
    this.#logger?.resync(this.#source, reason, expected, received, detail);
  }
}
