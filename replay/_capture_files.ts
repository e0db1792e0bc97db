/**
 * Private helpers of `reader.ts`: file existence, plain-or-`.gz` lookup, and the discovery of a
 * stream's files — `<stem>.jsonl[.gz]` + `<stem>.recv_ns[.gz]`, or the rotated parts
 * `<stem>.<k>.jsonl[.gz]` + `<stem>.<k>.recv_ns[.gz]` in order of k (each part plain while it is
 * open or not yet compressed, `.gz` once compressed; plain wins when both exist).
 * @module
 */
import type { CaptureMetadata } from "./session_metadata.ts";

/**
 * True when `path` is a file; false when it is absent (NotFound, or a path component is not a
 * directory). Any other failure (permission, symlink loop, I/O) is not "missing": it is rethrown
 * as a `TypeError` naming the path, with the original error as `cause`.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (isMissing(e)) return false;
    throw new TypeError(`cannot stat ${path}: ${e instanceof Error ? e.message : e}`, { cause: e });
  }
}

/** True for the errors that mean "no such file". */
export function isMissing(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
}

/** `path` itself, or `path + ".gz"` when only that exists; undefined when neither does. */
export async function plainOrGz(path: string): Promise<string | undefined> {
  if (await exists(path)) return path;
  if (await exists(path + ".gz")) return path + ".gz";
  return undefined;
}

/** Add the note that the capture is not complete (or stopped early, and why). */
export function noteIncomplete(m: CaptureMetadata | undefined, notes: string[]): void {
  if (m?.stopped) notes.push(`metadata.json: the capture stopped writing early: ${m.stopped.reason}`);
  else if (m && m.complete === false) {
    notes.push("metadata.json says the capture is not complete (killed or still running)");
  }
}

/**
 * The data file (first part) and receive-time file (first part) of stream `stem` in session dir
 * `d`, or undefined when it has none. For a rotated stream, `parts` gets first path → all paths
 * (data, and receive times when every part has them). Throws `TypeError` when metadata.json lists
 * a part that is missing.
 */
export async function streamFiles(
  d: string,
  stem: string,
  metadata: CaptureMetadata | undefined,
  parts: Record<string, string[]>,
  notes: string[],
): Promise<{ data: string; recv?: string } | undefined> {
  const single = await plainOrGz(`${d}/${stem}.jsonl`);
  if (single) return { data: single, recv: await plainOrGz(`${d}/${stem}.recv_ns`) };
  const found = new Map<number, string>(); // k → "<stem>.<k>"
  const re = /^(.+)\.(\d+)\.jsonl(\.gz)?$/;
  for await (const e of Deno.readDir(d)) {
    const m = re.exec(e.name);
    if (m && m[1] === stem && e.isFile) found.set(Number(m[2]), `${stem}.${m[2]}`);
  }
  const bases = new Set(found.values());
  for (const p of metadata?.parts?.[stem] ?? []) {
    const base = String(p.file).replace(/\.gz$/, "").replace(/\.jsonl$/, "");
    if (!bases.has(base)) throw new TypeError(`metadata.json lists part ${p.file}, which is missing in ${d}`);
  }
  if (found.size === 0) return undefined;
  const ks = [...found.keys()].sort((a, b) => a - b);
  if (ks[0] !== 1 || ks[ks.length - 1] !== ks.length) {
    notes.push(`${stem}: parts ${ks.join(",")} are not 1..${ks.length}: some part is missing`);
  }
  const data: string[] = [];
  const recv: string[] = [];
  for (const k of ks) {
    const base = found.get(k)!;
    const p = await plainOrGz(`${d}/${base}.jsonl`);
    if (p === undefined) throw new TypeError(`part ${base}.jsonl vanished from ${d}`);
    data.push(p);
    const r = await plainOrGz(`${d}/${base}.recv_ns`);
    if (r !== undefined) recv.push(r);
  }
  parts[data[0]!] = data;
  if (recv.length !== data.length) {
    notes.push(`${stem}: ${data.length - recv.length} part(s) without .recv_ns: receive times not used`);
    return { data: data[0]! };
  }
  parts[recv[0]!] = recv;
  return { data: data[0]!, recv: recv[0]! };
}
