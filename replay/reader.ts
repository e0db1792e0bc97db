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
 * Hyperliquid sessions (`venues/hyperliquid/capture.ts`): `messages.jsonl` (every frame, l2Book
 * and trades interleaved) + `messages.recv_ns`, and `metadata.json` with
 * `format: "hft-ts/hyperliquid-capture/1"`, `coin` and `connections: [{line, wallNs}]`. The
 * venue is taken from metadata.json (`format`, else `venue`), else from which data file exists
 * (`messages.jsonl` vs `diffs.jsonl`). For Hyperliquid, `diffs` is the messages file and `trades`
 * is the same file (its `trades` lines), unless `--trades` overrides it.
 *
 * Rotated sessions (`--rotate`): each stream is in parts `<stem>.<k>.jsonl[.gz]` +
 * `<stem>.<k>.recv_ns[.gz]` (k = 0001, …), found by listing the directory (a part still being
 * written or not yet compressed is plain, a closed one may be `.gz`) and checked against
 * `metadata.json` `parts`; {@linkcode CaptureFiles.parts} maps a stream's first part to all of
 * them, and {@linkcode streamPaths} gives what `LineReader.open` reads as one stream.
 *
 * Metadata keys: both venues now write the common keys of `venues/capture_metadata.ts`
 * (`instrument`, `messages`, `trades`, `startedNs`, …); {@linkcode normalizeMetadata} maps the
 * older names (`symbol`, `coin`, `messageCount`, `tradeMessages`, `startedAtNs`) onto them.
 *
 * Errors: a missing directory or a missing required file throws `TypeError` with a message
 * naming the path (the CLI prints it and exits 1). Allocates freely (runs once).
 * @module
 */

import { exists, isMissing, noteIncomplete, plainOrGz, streamFiles } from "./_capture_files.ts";

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

/** The venue a capture comes from. */
export type Venue = "binance" | "hyperliquid";

/** The `format` prefix of a Hyperliquid capture's metadata.json. */
export const HL_CAPTURE_FORMAT = "hft-ts/hyperliquid-capture/";

/**
 * `metadata.json` as the capture writers write it (fields optional: a killed capture may lack
 * some). Binance and Hyperliquid fields share the one type; each venue uses its own.
 */
export interface CaptureMetadata {
  /** Layout version, e.g. "hft-ts/hyperliquid-capture/1" (Hyperliquid only). */
  format?: string;
  /** Venue, e.g. "binance" or "hyperliquid". */
  venue?: string;
  /** Hyperliquid coin, e.g. "BTC". */
  coin?: string;
  /** Hyperliquid: where each connection starts, as the 0-based line of messages.jsonl. */
  connections?: { line: number; wallNs?: number }[];
  /** Hyperliquid: levels per side of a full window (20, or 5 with `fast`). */
  bookDepth?: number;
  /** Hyperliquid: data file names. */
  files?: { messages?: string; recvNs?: string };
  /** Symbol, e.g. "BTCUSDT". */
  symbol?: string;
  /** Binance market: "spot" or "usdm" (older captures: absent; replay then looks for `pu`). */
  market?: string;
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
  /** Binance: prices were integers × 10^priceDecimals (the finest scale the live handler used). */
  priceDecimals?: number;
  /** Binance: quantities were integers × 10^qtyDecimals. */
  qtyDecimals?: number;
  /** Hyperliquid: prices were integers × 10^priceScale (the scale the live handler ended at). */
  priceScale?: number;
  /** Hyperliquid: sizes were integers × 10^sizeScale. */
  sizeScale?: number;
  /** True once the capture closed cleanly. */
  complete?: boolean;
  /** The venue's instrument name (older captures: `symbol` / `coin`). */
  instrument?: string;
  /** Capture start, ns since the epoch (older Binance captures: `startedAtNs`). */
  startedNs?: number;
  /** Older Binance name of `startedNs`. */
  startedAtNs?: number;
  /** Trade frames captured (older Hyperliquid captures: `tradeMessages`). */
  trades?: number;
  /** Older Hyperliquid name of `messages`. */
  messageCount?: number;
  /** Older Hyperliquid name of `trades`. */
  tradeMessages?: number;
  /** Every stream's parts in order (rotated captures). */
  parts?: Record<string, { file: string; recvNs?: string; lines?: number; closed?: boolean }[]>;
  /** Why the capture stopped writing early (a write error), or null. */
  stopped?: { reason: string; atNs?: number } | null;
}

/**
 * Fill the common keys from their older names (in place; returns `m`): `instrument` from
 * `symbol`/`coin`, `messages` from `messageCount`, `trades` from `tradeMessages`, `startedNs`
 * from `startedAtNs`. Keys already present win.
 */
/**
 * The scale a Binance capture is replayed at: the `priceDecimals`/`qtyDecimals` its metadata
 * records (the finest the live handler used, so every value it held is exact), else 8 / 8 (the
 * one scale of captures written before scales were recorded).
 */
export function captureScale(files: CaptureFiles): { priceDecimals: number; qtyDecimals: number } {
  const m = files.metadata;
  const ok = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 18;
  if (m && ok(m.priceDecimals) && ok(m.qtyDecimals)) {
    return { priceDecimals: m.priceDecimals, qtyDecimals: m.qtyDecimals };
  }
  return { priceDecimals: 8, qtyDecimals: 8 };
}

export function normalizeMetadata(m: CaptureMetadata): CaptureMetadata {
  m.instrument ??= m.coin ?? m.symbol;
  m.messages ??= m.messageCount;
  m.trades ??= m.tradeMessages;
  m.startedNs ??= m.startedAtNs;
  if (m.venue === "hyperliquid") m.coin ??= m.instrument;
  else if (m.venue === "binance") m.symbol ??= m.instrument;
  return m;
}

/** The paths `LineReader.open` reads for a stream: all its parts, or the one file. */
export function streamPaths(files: CaptureFiles, path: string): string | string[] {
  return files.parts?.[path] ?? path;
}

/** The files of one replay. */
export interface CaptureFiles {
  /** The venue (undefined: Binance). */
  venue?: Venue;
  /** Hyperliquid: 0-based message lines at which a connection starts (its next book is a snapshot). */
  connections?: number[];
  /** Hyperliquid: the coin to replay (undefined: the first book's). */
  coin?: string;
  /** Snapshots in feeding order (Binance; empty for Hyperliquid, whose every book is a snapshot). */
  snapshots: SnapshotRef[];
  /** Depth frames, one per line (Hyperliquid: messages.jsonl). */
  diffs: string;
  /** Receive times of `diffs` (optional). */
  diffsRecv?: string;
  /** Trade frames, one per line (optional). */
  trades?: string;
  /** The session's metadata, when present. */
  metadata?: CaptureMetadata;
  /** Notes found while resolving (e.g. "capture not marked complete"). */
  notes: string[];
  /** Rotated streams: first part's path → every part's path, in order (see {@linkcode streamPaths}). */
  parts?: Record<string, string[]>;
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
  } catch (e) {
    if (isMissing(e)) throw new TypeError(`session directory not found: ${dir}`);
    throw new TypeError(`cannot stat session directory ${dir}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
  if (!st.isDirectory) throw new TypeError(`not a directory: ${dir}`);
  const d = dir.replace(/\/+$/, "");
  const notes: string[] = [];
  let metadata: CaptureMetadata | undefined;
  const metaPath = `${d}/metadata.json`;
  if (await exists(metaPath)) {
    try {
      metadata = normalizeMetadata(JSON.parse(await Deno.readTextFile(metaPath)) as CaptureMetadata);
    } catch (e) {
      notes.push(`metadata.json unreadable (${e instanceof Error ? e.message : e}); using file names`);
    }
  }
  const parts: Record<string, string[]> = {};
  const diffs = await streamFiles(d, "diffs", metadata, parts, notes);
  const hl = typeof metadata?.format === "string"
    ? metadata.format.startsWith(HL_CAPTURE_FORMAT)
    : metadata?.venue !== undefined
    ? metadata.venue === "hyperliquid"
    : !diffs && (await plainOrGz(`${d}/messages.jsonl`)) !== undefined;
  if (hl) return await hyperliquidSession(d, dir, metadata, notes, parts);
  if (!diffs) {
    throw new TypeError(`no diffs.jsonl (Binance) or messages.jsonl (Hyperliquid), or their .gz, in ${dir}`);
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
  noteIncomplete(metadata, notes);
  const files: CaptureFiles = { snapshots, diffs: diffs.data, metadata, notes, parts };
  files.diffsRecv = diffs.recv;
  files.trades = (await streamFiles(d, "trades", metadata, parts, notes))?.data;
  return files;
}

async function hyperliquidSession(
  d: string,
  dir: string,
  metadata: CaptureMetadata | undefined,
  notes: string[],
  parts: Record<string, string[]>,
): Promise<CaptureFiles> {
  const name = metadata?.files?.messages ?? "messages.jsonl";
  const stem = name.replace(/\.jsonl$/, "");
  const rotated = /^messages\.\d+$/.test(stem)
    ? await streamFiles(d, "messages", metadata, parts, notes)
    : undefined;
  const messages = rotated?.data ?? await plainOrGz(`${d}/${name}`);
  if (!messages) throw new TypeError(`no ${name} (or ${name}.gz) in Hyperliquid session ${dir}`);
  const recvName = metadata?.files?.recvNs ?? recvPathFor(name);
  const connections: number[] = [];
  for (const c of metadata?.connections ?? []) {
    if (Number.isSafeInteger(c?.line) && c.line >= 0) connections.push(c.line);
    else notes.push(`metadata.json: connection entry without a valid line ignored: ${JSON.stringify(c)}`);
  }
  connections.sort((a, b) => a - b);
  noteIncomplete(metadata, notes);
  return {
    venue: "hyperliquid",
    connections,
    coin: typeof metadata?.coin === "string" ? metadata.coin : undefined,
    snapshots: [],
    diffs: messages,
    diffsRecv: rotated ? rotated.recv : await plainOrGz(`${d}/${recvName}`),
    trades: messages,
    metadata,
    notes,
    parts,
  };
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
