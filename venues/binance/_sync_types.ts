/**
 * Private: the result codes and options of `BookSync` (`sync.ts`): what
 * {@linkcode DiffResult} / {@linkcode SnapshotResult} a diff or a snapshot yields, and the
 * {@linkcode BookSyncOptions} it is built with. Declarations only: no code runs per message here.
 * `sync.ts` re-exports them; import them from there.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import type { SyncRules } from "./_sync_usdm.ts";

/** Result of `BookSync.onDiff`. */
export const DiffResult = {
  /** Held until a snapshot arrives. */
  Buffered: 1,
  /** Applied to the book. */
  Applied: 2,
  /** Ignored: `u <= book id`. */
  Skipped: 3,
  /** The book was discarded (gap, no bridge, crossed, overflow); buffering restarted. */
  Resync: 4,
} as const;
/** A value of {@linkcode DiffResult}. */
export type DiffResult = typeof DiffResult[keyof typeof DiffResult];

/** Result of `BookSync.onSnapshot`. */
export const SnapshotResult = {
  /** Book set and buffered diffs applied (synchronized once a diff bridges it). */
  Applied: 1,
  /** `lastUpdateId < first buffered U`: ask again (`needsSnapshot` is true). */
  Stale: 2,
  /** Buffered diffs did not bridge the snapshot (or the book crossed): resync started. */
  Resync: 3,
  /** No snapshot was pending; ignored. */
  Ignored: 4,
} as const;
/** A value of {@linkcode SnapshotResult}. */
export type SnapshotResult = typeof SnapshotResult[keyof typeof SnapshotResult];

/** Options for `BookSync`. */
export interface BookSyncOptions {
  /** Snapshot depth limit the caller requests (default 1000; informational here). */
  snapshotLimit?: number;
  /** Most diffs held while waiting for a snapshot (default 10000). */
  maxBuffered?: number;
  /** Resync when the book crosses after a diff (default true). */
  resyncOnCrossed?: boolean;
  /** Logger for milestones (optional). */
  logger?: Logger;
  /** Interned source id for logger calls (default 0). */
  source?: number;
  /** Sync rules: Binance spot (default) or USD-M futures (`pu` continuity). */
  rules?: SyncRules;
}
