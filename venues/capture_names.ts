/**
 * Names of capture folders: `<capture-dir>/<instrument folder>/<session>/`.
 *
 * - A session name (`--capture-session`) must be a plain folder name: 1..128 of `A-Z a-z 0-9 . _ -`,
 *   not starting with `.` (so never `..`, never a path). Both venues check it the same way, up front.
 * - A venue's instrument name is mapped to a safe folder name: `/` → `-`, any other character
 *   outside `A-Z a-z 0-9 . _ -` → `_`, and a leading `.` → `_` (`PURR/USDC` → `PURR-USDC`, `@107`
 *   → `_107`, `xyz:MSTR` → `xyz_MSTR`, `BTCUSDT` unchanged). `metadata.json` keeps the original
 *   name as `instrument` and the folder as `folder`.
 * - A session folder that exists and is not empty is refused: a reused session name never
 *   truncates an earlier capture.
 * @module
 */

const SESSION_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** The problem with a session name, or undefined when it is a plain folder name. */
export function sessionNameProblem(session: string): string | undefined {
  if (SESSION_RE.test(session)) return undefined;
  return `--capture-session must be a plain folder name (1-128 of letters, digits, ".", "_", "-", ` +
    `not starting with "."), got ${JSON.stringify(session)}`;
}

/** The folder name of a venue instrument name (see the module doc). Never empty, never a path. */
export function instrumentFolder(name: string): string {
  const s = name.replace(/\//g, "-").replace(/[^A-Za-z0-9._-]/g, "_");
  if (s === "") return "_";
  return s.startsWith(".") ? "_" + s.slice(1) : s;
}

/**
 * The problem with capturing into `dir`: it exists and is not empty (or is not a directory).
 * Undefined when it is absent, empty, or cannot be read here (the writer checks again at open).
 */
export function sessionDirProblem(dir: string): string | undefined {
  try {
    const st = Deno.statSync(dir);
    if (!st.isDirectory) return `capture session ${dir} exists and is not a directory`;
    for (const _ of Deno.readDirSync(dir)) {
      return `capture session ${dir} already exists and is not empty: choose another --capture-session`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The one-line problem with `--capture-dir dir --capture-session session` for `instrument`, or
 * undefined. For the task's up-front check (exit 2, before connecting).
 */
export function captureSessionProblem(
  captureDir: string,
  instrument: string,
  session: string | undefined,
): string | undefined {
  if (session === undefined) return undefined; // the default (epoch ms) is fresh
  return sessionNameProblem(session) ??
    sessionDirProblem(`${captureDir}/${instrumentFolder(instrument)}/${session}`);
}
