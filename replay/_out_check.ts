/**
 * `--out` checked before anything is opened for writing: within the write permission, not a
 * directory, in a directory that exists, and not one of the replay's own inputs under any
 * spelling (`./x/../x/diffs.jsonl`, a symlink, a hard link: files are compared by device and
 * inode). Returns the problem as one line, or undefined when the path is fine. Runs once.
 * @module
 */
import type { CaptureFiles } from "./reader.ts";

/** Every file a replay of `files` reads, with `extra` ones (metadata.json, --truth), each with what it is. */
export function replayInputs(
  files: CaptureFiles,
  extra: [string, string | undefined][] = [],
): [string, string][] {
  const all: [string, string | undefined][] = [
    ...files.snapshots.map((s): [string, string] => ["snapshot", s.path]),
    ["diffs", files.diffs],
    ["receive times", files.diffsRecv],
    ["trades", files.trades],
    ...extra,
  ];
  return all.filter((x): x is [string, string] => x[1] !== undefined);
}

function parentOf(path: string): string {
  const p = path.replace(/\/+$/, "");
  const i = p.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : p.slice(0, i);
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return undefined;
    throw e;
  }
}

function same(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.ino !== null && a.ino === b.ino && a.dev === b.dev;
}

/**
 * What is wrong with `out` as the replay's output, or undefined. `inputs` are `[what, path]`
 * (see {@linkcode replayInputs}); `hint` is added to a permission problem.
 */
export async function checkOutPath(
  out: string,
  inputs: [string, string][],
  hint = "",
): Promise<string | undefined> {
  const perm = await Deno.permissions.query({ name: "write", path: out });
  if (perm.state !== "granted") return `--out ${out}: no permission to write there${hint}`;
  let st: Deno.FileInfo | undefined;
  try {
    st = await statOrUndefined(out);
    if (st === undefined) {
      const dir = parentOf(out);
      const pst = await statOrUndefined(dir);
      if (pst === undefined) return `--out ${out}: directory ${dir} does not exist`;
      if (!pst.isDirectory) return `--out ${out}: ${dir} is not a directory`;
      return undefined; // a new file: it cannot be an input
    }
  } catch (e) {
    return `--out ${out}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (st.isDirectory) return `--out ${out} is a directory: give a file name`;
  for (const [what, path] of inputs) {
    const ist = await statOrUndefined(path).catch(() => undefined);
    if (ist && same(st, ist)) {
      return `--out ${out} is an input of this replay (the ${what} file ${path}): refusing to overwrite it`;
    }
  }
  return undefined;
}
