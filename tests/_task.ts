/**
 * Test support: run `deno task -q <args>` in the project root and collect its exit code and
 * output (the harness of the CLI tests).
 * @module
 */

const root = new URL("..", import.meta.url).pathname;

/** What a task run left. */
export interface TaskResult {
  /** Exit code. */
  code: number;
  /** Everything on stdout. */
  out: string;
  /** Everything on stderr. */
  err: string;
}

/** Run `deno task -q ...args` from the project root with NO_COLOR (plus `env`). */
export async function runTask(args: string[], env: Record<string, string> = {}): Promise<TaskResult> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** The project root (absolute, with a trailing slash). */
export const PROJECT_ROOT = root;

/**
 * Run a live task's script directly (`deno run` with the permissions the tests give a live task:
 * net 127.0.0.1, read, env) with `args`, NO_COLOR, stdout discarded; its exit code and stderr.
 */
export async function runLiveTask(
  script: "poc_binance" | "poc_hyperliquid",
  args: string[],
): Promise<TaskResult> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      `${root}tasks/${script}.ts`,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, out: "", err: new TextDecoder().decode(r.stderr) };
}
