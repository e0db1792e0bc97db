/**
 * Benchmark-only: the recorded ETHUSDT fixture (`../shared/fixtures`, read in place, never
 * copied) and a book synced on it the way the live handler syncs.
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { BookSync, isParseError, ParsedFrame, parseFrame, parseSnapshot } from "../venues/binance/mod.ts";

/** The fixture's directory. */
export const ETH_DIR: URL = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);

/** The snapshot bridges at the 3rd frame: timed loops run over `diffs[SYNC_AT..]`. */
export const SYNC_AT = 3;

/** The fixture's diff lines and snapshot body, or undefined (with a warning naming `who`) when absent. */
export function loadEthFixture(who: string): { diffs: string[]; snapshotText: string } | undefined {
  try {
    return {
      diffs: Deno.readTextFileSync(new URL("diffs.jsonl", ETH_DIR)).split("\n").filter((l) => l !== ""),
      snapshotText: Deno.readTextFileSync(new URL("snapshot.json", ETH_DIR)),
    };
  } catch {
    console.warn(`${who}: fixture absent at ${ETH_DIR.pathname}`);
    return undefined;
  }
}

/** A fresh `BookSync` over `book`, fed `diffs[0..SYNC_AT)` and the snapshot (so it is synced). */
export function syncedBook(snapshotText: string, diffs: string[], book: L2Book = new L2Book()): BookSync {
  const snap = parseSnapshot(snapshotText);
  if (isParseError(snap)) throw new Error(snap.error);
  const sync = new BookSync(book);
  const pf = new ParsedFrame();
  for (let i = 0; i < SYNC_AT; i++) {
    parseFrame(diffs[i]!, pf);
    sync.onDiff(pf.diff);
    if (sync.needsSnapshot) sync.snapshotRequested();
  }
  sync.onSnapshot(snap);
  return sync;
}
