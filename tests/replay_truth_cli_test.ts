/**
 * `deno task replay --truth` with a truth file that cannot give a figure: empty, malformed, of
 * another capture. Each exits 1 with one line on stderr, never a percentage.
 */
import { equal, ok } from "node:assert/strict";
import { writeSyntheticSession } from "./_replay_helpers.ts";

const TASK = new URL("../tasks/replay.ts", import.meta.url).pathname;

async function task(args: string[], writeDir: string): Promise<{ code: number; err: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", `--allow-write=${writeDir}`, TASK, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

Deno.test("replay --truth: an empty, malformed or unrelated truth file exits 1 with one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 300, 3);
    const other = await writeSyntheticSession(`${dir}/other`, 300, 4);
    // Another capture's truth, its update ids moved past this capture's.
    const shifted = (await Deno.readTextFile(other.truth)).trim().split("\n").map((l) => {
      const o = JSON.parse(l);
      o.u += 1e9;
      return JSON.stringify(o);
    });
    const cases: [string, string, RegExp][] = [
      ["empty.jsonl", "", /no truth events \(empty file\)/],
      ["blank.jsonl", "\n\n", /no truth events/],
      ["garbage.jsonl", "{not json\n", /line 1: not JSON/],
      [
        "scores.jsonl",
        `{"u":5,"side":"bid","price":"1.0","decrease":3,"fill":1,"cancel":2}\n`,
        /line 1: not a truth/,
      ],
      [
        "cut.jsonl",
        `{"u":5,"kind":"fill","side":"bid","price":"1.0","qty":"1"}\n{"u":6`,
        /last line truncated/,
      ],
      ["unrelated.jsonl", shifted.join("\n") + "\n", /falls in a replayed update/],
    ];
    for (const [name, text, want] of cases) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      const r = await task(
        ["--session", session, "--truth", `${dir}/${name}`, "--out", `${dir}/e.jsonl`],
        dir,
      );
      equal(r.code, 1, `${name}: ${r.err}`);
      const lines = r.err.trim().split("\n").filter((l) =>
        !l.startsWith("replay: ") || l.includes("--truth")
      );
      const last = r.err.trim().split("\n").at(-1)!;
      ok(want.test(last), `${name}: ${last}`);
      ok(last.startsWith(`replay: --truth ${dir}/${name}: `), last);
      equal(lines.length, 1, `${name}: one line about the truth file: ${r.err}`);
      ok(!r.err.includes("accuracy "), `${name}: no figure printed`);
      ok(!r.err.includes("    at "), `${name}: no stack trace`);
    }
    // The other capture's own truth, with overlapping update ids but other prices: unrelated too.
    const r = await task(["--session", session, "--truth", other.truth, "--out", `${dir}/e.jsonl`], dir);
    equal(r.code, 1, r.err);
    ok(/decreases are decreases the replay saw/.test(r.err), r.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
