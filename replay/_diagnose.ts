/**
 * Why a Binance replay failed, in one line: the book was never synchronized (and what in the
 * input explains it: a snapshot of another symbol, a USD-M futures capture read with spot rules,
 * no depth frame at all), a gap that no later snapshot recovered from, or input lost to a read
 * error. Runs once, after a replay, and only reads the input again when the replay failed.
 * @module
 */
import { LineReader } from "./lines.ts";
import type { CaptureFiles } from "./reader.ts";
import type { ReplayStats } from "./summary.ts";

/** What the Binance driver knows at the end of a replay. */
export interface BinanceEnd {
  /** A diff was ever applied after a snapshot. */
  everSynced: boolean;
  /** lastUpdateId of the last snapshot applied (0: none). */
  snapshotId: number;
  /** `U` of the first depth frame, `u` of the last (0 when there was none). */
  firstId: number;
  /** `u` of the last depth frame. */
  lastId: number;
  /** The gap the replay ended in, when it did (one line). */
  gap?: string;
  /** The input lost to a read error, when one was (one line). */
  lost?: string;
}

/** The replay's failure line, or undefined when it did not fail. */
export async function binanceFailure(
  files: CaptureFiles,
  stats: ReplayStats,
  end: BinanceEnd,
): Promise<string | undefined> {
  let why: string;
  if (!end.everSynced) {
    let cause: string;
    if (stats.depthFrames === 0) {
      cause = `no depth frame in ${files.diffs}` +
        (stats.malformed > 0 ? ` (${stats.malformed} malformed lines)` : "");
    } else if (stats.snapshotsApplied === 0) {
      cause = `none of the ${files.snapshots.length} snapshot file(s) could be used (see the warnings); ` +
        `the diffs span update ids ${end.firstId}..${end.lastId}`;
    } else {
      cause = `no diff bridges the snapshot (lastUpdateId ${end.snapshotId}); ` +
        `the diffs span update ids ${end.firstId}..${end.lastId}` +
        (end.snapshotId >= end.lastId ? " (the snapshot is newer than every diff)" : "");
    }
    why = `the book was never synchronized: ${cause}` + (end.lost ? `; input lost: ${end.lost}` : "");
  } else if (end.gap) why = end.gap + (end.lost ? `; input lost: ${end.lost}` : "");
  else if (end.lost) why = `input lost: ${end.lost}`;
  else return undefined;
  const hints = await inputHints(files);
  return hints.length > 0 ? `${why}; ${hints.join("; ")}` : why;
}

/** What the first depth frame of the diffs says: its symbol, and whether it is a futures frame. */
export interface FirstFrame {
  /** Its `s`. */
  symbol?: string;
  /** It carries `pu` (Binance USD-M futures). */
  futures: boolean;
}

/** The first depth frame among the first 64 lines of the diffs (allocates; runs once). */
export async function firstDepthFrame(path: string): Promise<FirstFrame | undefined> {
  let r: LineReader | undefined;
  try {
    r = await LineReader.open(path);
    for (let i = 0; i < 64 && (await r.nextLine()); i++) {
      try {
        const o = JSON.parse(r.text());
        const d = o?.data ?? o;
        if (d?.e !== "depthUpdate") continue;
        return { symbol: typeof d.s === "string" ? d.s : undefined, futures: "pu" in d };
      } catch { /* a malformed line: try the next */ }
    }
  } catch {
    /* unreadable: no hint */
  } finally {
    await r?.close();
  }
  return undefined;
}

// The symbol of the snapshot's capture: its session's metadata.json (the one beside the snapshot).
async function snapshotSymbol(files: CaptureFiles): Promise<string | undefined> {
  if (typeof files.metadata?.symbol === "string") return files.metadata.symbol;
  const snap = files.snapshots[0]?.path;
  if (snap === undefined) return undefined;
  const dir = snap.includes("/") ? snap.slice(0, snap.lastIndexOf("/")) : ".";
  try {
    const m = JSON.parse(await Deno.readTextFile(`${dir}/metadata.json`));
    return typeof m?.symbol === "string" ? m.symbol : undefined;
  } catch {
    return undefined;
  }
}

/** Facts of the input that explain a failed replay: symbols that disagree, a futures capture. */
export async function inputHints(files: CaptureFiles): Promise<string[]> {
  const hints: string[] = [];
  const first = await firstDepthFrame(files.diffs);
  const snapSym = await snapshotSymbol(files);
  if (
    first?.symbol !== undefined && snapSym !== undefined &&
    first.symbol.toUpperCase() !== snapSym.toUpperCase()
  ) {
    hints.push(
      `the snapshot is of ${snapSym} (metadata.json) but the diffs are of ${first.symbol} (their "s" field)`,
    );
  }
  if (first?.futures && files.metadata?.market === "spot") {
    hints.push(`the diffs carry "pu" (Binance USD-M futures) but metadata.json says market "spot"`);
  }
  return hints;
}
