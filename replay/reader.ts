/**
 * Capture discovery: which files a replay reads, from a session directory
 * (`<capture-dir>/<SYMBOL>/<session>/`) or from explicit paths.
 *
 * Session layout (DESIGN.md "Capture layout"): `snapshot.json` (REST body verbatim),
 * `snapshot-<k>.json` after each resync, `diffs.jsonl` + `diffs.recv_ns` (one integer ns per
 * line, same line count), optional `trades.jsonl` + `trades.recv_ns`, and `metadata.json`
 * `{venue, symbol, session, snapshots:[{file, lastUpdateId, recvNs, diffLinesBefore}],
 * firstUpdateId, lastUpdateId, messages, lastAppliedUpdateId, resyncs, complete}`. Every data
 * file may also be gzipped (`.gz` suffix). Without metadata.json (e.g. the recorded ETHUSDT
 * fixture), `snapshot.json` is used first and `snapshot-<k>.json` in order of `k`, each as soon as
 * the sync state machine asks for one.
 *
 * Errors: a missing directory or a missing required file throws `TypeError` with a message
 * naming the path (the CLI prints it and exits 1). Allocates freely (runs once).
 * @module
 */

/** One snapshot file and where it belongs in the diff stream. */
export interface SnapshotRef {
  /** Path of the REST body. */
  path: string;
  /** Diff lines captured before the snapshot arrived: it is fed after that many lines (0: when needed). */
  diffLinesBefore: number;
  /** Its lastUpdateId per metadata.json (informational; the body is authoritative). */
  lastUpdateId?: number;
  /** Receive time of the REST response, ns since the epoch, as decimal digits (metadata.json). */
  recvNs?: string;
}

/** `metadata.json` as binance-io writes it (fields optional: a killed capture may lack some). */
export interface CaptureMetadata {
  /** Venue, e.g. "binance". */
  venue?: string;
  /** Symbol, e.g. "BTCUSDT". */
  symbol?: string;
  /** Session label. */
  session?: string;
  /** Snapshot files in the order they were received. */
  snapshots?: { file: string; lastUpdateId?: number; recvNs?: number | string; diffLinesBefore?: number }[];
  /** First update id captured. */
  firstUpdateId?: number;
  /** Last update id captured. */
  lastUpdateId?: number;
  /** Depth messages captured. */
  messages?: number;
  /** Last update id applied to the live book. */
  lastAppliedUpdateId?: number;
  /** Resyncs during the capture. */
  resyncs?: number;
  /** True once the capture closed cleanly. */
  complete?: boolean;
}

/** The files of one replay. */
export interface CaptureFiles {
  /** Snapshots in feeding order. */
  snapshots: SnapshotRef[];
  /** Depth frames, one per line. */
  diffs: string;
  /** Receive times of `diffs` (optional). */
  diffsRecv?: string;
  /** Trade frames, one per line (optional). */
  trades?: string;
  /** The session's metadata, when present. */
  metadata?: CaptureMetadata;
  /** Notes found while resolving (e.g. "capture not marked complete"). */
  notes: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** `path` itself, or `path + ".gz"` when only that exists; undefined when neither does. */
async function plainOrGz(path: string): Promise<string | undefined> {
  if (await exists(path)) return path;
  if (await exists(path + ".gz")) return path + ".gz";
  return undefined;
}

/** The receive-time file beside a data file: `x.jsonl[.gz]` → `x.recv_ns[.gz]`, when it exists. */
export function recvPathFor(dataPath: string): string {
  return dataPath.replace(/\.jsonl(\.gz)?$/, "") + ".recv_ns";
}

/** Resolve a session directory. Throws `TypeError` naming what is missing. */
export async function resolveSession(dir: string): Promise<CaptureFiles> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(dir);
  } catch {
    throw new TypeError(`session directory not found: ${dir}`);
  }
  if (!st.isDirectory) throw new TypeError(`not a directory: ${dir}`);
  const d = dir.replace(/\/+$/, "");
  const notes: string[] = [];
  const diffs = await plainOrGz(`${d}/diffs.jsonl`);
  if (!diffs) throw new TypeError(`no diffs.jsonl (or diffs.jsonl.gz) in ${dir}`);
  let metadata: CaptureMetadata | undefined;
  const metaPath = `${d}/metadata.json`;
  if (await exists(metaPath)) {
    try {
      metadata = JSON.parse(await Deno.readTextFile(metaPath)) as CaptureMetadata;
    } catch (e) {
      notes.push(`metadata.json unreadable (${e instanceof Error ? e.message : e}); using file names`);
    }
  }
  const snapshots: SnapshotRef[] = [];
  if (metadata?.snapshots && metadata.snapshots.length > 0) {
    for (const s of metadata.snapshots) {
      const p = await plainOrGz(`${d}/${s.file}`);
      if (!p) throw new TypeError(`metadata.json lists ${s.file}, which is missing in ${dir}`);
      snapshots.push({
        path: p,
        diffLinesBefore: s.diffLinesBefore ?? 0,
        lastUpdateId: s.lastUpdateId,
        recvNs: s.recvNs === undefined ? undefined : String(s.recvNs),
      });
    }
  } else {
    const first = await plainOrGz(`${d}/snapshot.json`);
    if (!first) throw new TypeError(`no snapshot.json in ${dir}`);
    snapshots.push({ path: first, diffLinesBefore: 0 });
    const extra: { k: number; path: string }[] = [];
    for await (const e of Deno.readDir(d)) {
      const m = /^snapshot-(\d+)\.json(\.gz)?$/.exec(e.name);
      if (m && e.isFile) extra.push({ k: Number(m[1]), path: `${d}/${e.name}` });
    }
    extra.sort((a, b) => a.k - b.k);
    for (const x of extra) snapshots.push({ path: x.path, diffLinesBefore: 0 });
  }
  if (metadata && metadata.complete === false) {
    notes.push("metadata.json says the capture is not complete (killed or still running)");
  }
  const files: CaptureFiles = { snapshots, diffs, metadata, notes };
  files.diffsRecv = await plainOrGz(`${d}/diffs.recv_ns`);
  files.trades = await plainOrGz(`${d}/trades.jsonl`);
  return files;
}

/** Files from explicit paths (`--snapshot`, `--diffs`, `--trades`). Throws `TypeError` for a missing file. */
export async function explicitFiles(
  snapshot: string,
  diffs: string,
  trades?: string,
  diffsRecv?: string,
): Promise<CaptureFiles> {
  for (
    const [flag, p] of [["--snapshot", snapshot], ["--diffs", diffs], ["--trades", trades], [
      "--diffs-recv",
      diffsRecv,
    ]] as const
  ) {
    if (p !== undefined && !(await exists(p))) throw new TypeError(`${flag}: file not found: ${p}`);
  }
  const guess = recvPathFor(diffs);
  return {
    snapshots: [{ path: snapshot, diffLinesBefore: 0 }],
    diffs,
    diffsRecv: diffsRecv ?? (await plainOrGz(guess)),
    trades,
    notes: [],
  };
}
