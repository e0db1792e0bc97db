/**
 * Test support: run `promtool check metrics` (Debian package `prometheus`) on an exposition.
 * @module
 */

/** True when `bin` is an executable file. */
export function installed(bin: string): boolean {
  try {
    return Deno.statSync(bin).isFile;
  } catch {
    return false;
  }
}

/** promtool's path, or null when the `prometheus` package is not installed. */
export const PROMTOOL: string | null = installed("/usr/bin/promtool") ? "/usr/bin/promtool" : null;

/** Run `promtool check metrics` on `text`: its exit code and everything it printed. */
export async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(PROMTOOL!, {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}
