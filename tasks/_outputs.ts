/**
 * Private: the output paths of a task, checked before anything starts, so that a mistake in
 * `--book-out`, `--capture-dir` or `--log-file` costs nothing instead of the whole run (a book
 * written only at the end, a capture that dies at start-up, a log file in a missing directory).
 * @module
 */

/** What a path must be. */
export type OutputKind =
  /** A file the task writes (its missing parent directories are created). */
  | "file"
  /** A file the task opens as is (its directory must exist). */
  | "file-in-existing-dir"
  /** A directory the task creates if missing. */
  | "dir";

/** One output path to check: the flag it came from, the path, and what it must be. */
export interface OutputPath {
  /** The flag, e.g. "--book-out". */
  flag: string;
  /** The path as given. */
  path: string;
  /** What it must be. */
  kind: OutputKind;
}

type Stat = "file" | "dir" | "missing" | "unknown";

function statOf(path: string): Stat {
  try {
    return Deno.statSync(path).isDirectory ? "dir" : "file";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "missing";
    if (e instanceof Deno.errors.NotADirectory) return "missing"; // an ancestor is a file: found below
    return "unknown"; // no read permission here: the write-permission check speaks for it
  }
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : trimmed.slice(0, i);
}

/** The first problem with `o`, or undefined when the task can write it. */
export function outputProblem(o: OutputPath): string | undefined {
  const { flag, path, kind } = o;
  if (Deno.permissions.querySync({ name: "write", path }).state !== "granted") {
    return `${flag} ${path}: this task may only write under captures/ and out/ (its --allow-write)`;
  }
  const self = statOf(path);
  if (kind === "dir" && self === "file") return `${flag} ${path}: is a file, not a directory`;
  if (kind !== "dir" && self === "dir") return `${flag} ${path}: is a directory; give a file path`;
  if (self !== "missing") return undefined;
  const parent = parentOf(path);
  if (kind === "file-in-existing-dir") {
    const p = statOf(parent);
    if (p === "missing") return `${flag} ${path}: directory ${parent} does not exist`;
    if (p === "file") return `${flag} ${path}: ${parent} is a file, not a directory`;
    return undefined;
  }
  // Missing directories will be created: the nearest existing ancestor must be a directory.
  for (let a = parent;; a = parentOf(a)) {
    const s = statOf(a);
    if (s === "file") return `${flag} ${path}: ${a} is a file, not a directory`;
    if (s !== "missing" || a === "." || a === "/") return undefined;
  }
}

/** Every problem with `outputs`, one line each (empty when all can be written). */
export function outputProblems(outputs: OutputPath[]): string[] {
  const out: string[] = [];
  for (const o of outputs) {
    const p = outputProblem(o);
    if (p !== undefined) out.push(p);
  }
  return out;
}
