/**
 * `tasks/replay.ts` as a process: help, bad flags (exit 2), bad paths (exit 1), a full run on
 * the fixture with a summary on stderr, and the `--truth` accuracy report on a synthetic capture.
 */
import { equal, ok } from "node:assert/strict";
import { ETH_DIR, haveFixture, replayTask as task, writeSyntheticSession } from "./_replay_helpers.ts";
import { BINCODE_RECORD_SIZE } from "../replay/schema.ts";

Deno.test("replay task: --help exits 0, bad flags exit 2, bad paths exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const help = await task(["--help"], dir);
    equal(help.code, 0);
    ok(help.out.includes("--out-format") && help.out.includes("--cancel-model"));
    for (
      const args of [
        ["--bogus"],
        [],
        ["--session", dir, "--out-format", "xml"],
        ["--session", dir, "--cancel-model", "random"],
        ["--session", dir, "--snapshot", "x"],
        ["--snapshot", "x"],
        ["--session", dir, "--threads", "3"],
        ["--session", dir, "--threads", "2", "--truth", "t.jsonl"],
      ]
    ) {
      const r = await task(args, dir);
      equal(r.code, 2, `${args.join(" ")} → ${r.err}`);
      ok(r.err.includes("replay:"), r.err);
    }
    const missing = await task(["--session", `${dir}/none`], dir);
    equal(missing.code, 1);
    ok(missing.err.includes("session directory not found"), missing.err);
    const noDiffs = await task(["--snapshot", `${dir}/s.json`, "--diffs", `${dir}/d.jsonl`], dir);
    equal(noDiffs.code, 1);
    ok(noDiffs.err.includes("file not found"), noDiffs.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "replay task: the fixture session to JSONL, with the closing summary on stderr",
  ignore: !haveFixture(),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const out = `${dir}/events.jsonl`;
      const r = await task(["--session", ETH_DIR, "--out", out, "--out-format", "jsonl"], dir);
      equal(r.code, 0, r.err);
      equal(r.out, "");
      ok(/6468 applied/.test(r.err), r.err);
      ok(/events \d+ \(add=\d+ cancel=\d+ fill=\d+ clear=0 snapshot=2000\)/.test(r.err), r.err);
      ok(/msg\/s/.test(r.err) && /gaps\/resyncs=0/.test(r.err));
      const n = Number(/wrote (\d+) events/.exec(r.err)![1]);
      const text = await Deno.readTextFile(out);
      equal(text.split("\n").length - 1, n);
      const last = JSON.parse(text.slice(text.lastIndexOf("\n", text.length - 2) + 1));
      equal(last.seq, n - 1);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("replay task: --truth reports fill/cancel accuracy with and without trades", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session, truth } = await writeSyntheticSession(dir, 500, 3);
    const r = await task(
      ["--session", session, "--truth", truth, "--out", `${dir}/e.bin`, "--out-format", "bincode"],
      dir,
    );
    equal(r.code, 0, r.err);
    const withT = /accuracy with trades: ([\d.]+)%/.exec(r.err);
    const without = /accuracy without trades: ([\d.]+)%/.exec(r.err);
    ok(withT && without, r.err);
    ok(Number(withT[1]) > Number(without[1]), r.err);
    const size = (await Deno.stat(`${dir}/e.bin`)).size;
    equal(size % BINCODE_RECORD_SIZE, 0);
    equal(size / BINCODE_RECORD_SIZE, Number(/wrote (\d+) events/.exec(r.err)![1]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay task: --threads 2 writes what --threads 1 writes, stdout included, and says so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 300, 5);
    const one = await task([
      "--session",
      session,
      "--out",
      `${dir}/1.jsonl`,
      "--out-format",
      "jsonl",
      "--threads",
      "1",
    ], dir);
    const two = await task([
      "--session",
      session,
      "--out",
      `${dir}/2.jsonl`,
      "--out-format",
      "jsonl",
      "--threads",
      "2",
    ], dir);
    equal(one.code, 0, one.err);
    equal(two.code, 0, two.err);
    ok(two.err.includes("(2 threads"), two.err);
    ok(!one.err.includes("(2 threads"), one.err);
    const a = await Deno.readTextFile(`${dir}/1.jsonl`);
    ok(a.length > 10_000);
    equal(await Deno.readTextFile(`${dir}/2.jsonl`), a);
    // To stdout from the Worker; a small input on auto stays on one thread.
    const text2 = await task(["--session", session, "--threads", "2"], dir);
    const text1 = await task(["--session", session], dir);
    equal(text2.code, 0, text2.err);
    ok(!text1.err.includes("(2 threads"), text1.err);
    equal(text2.out, text1.out);
    ok(text1.out.split("\n").length > 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay task: --threads 2 writes into a named pipe (the Worker opens it while the task holds it)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 300, 6);
    const fifo = `${dir}/events.fifo`;
    const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    equal(mk.code, 0, "mkfifo");
    // The reader: opening a FIFO for reading waits for a writer, and reads to EOF after it.
    const read = Deno.open(fifo, { read: true }).then(async (f) =>
      (await new Response(f.readable).arrayBuffer()).byteLength
    );
    const two = await task(
      ["--session", session, "--out", fifo, "--out-format", "jsonl", "--threads", "2"],
      dir,
    );
    equal(two.code, 0, two.err);
    const n = Number(/wrote \d+ events, (\d+) bytes/.exec(two.err)![1]);
    ok(n > 10_000);
    equal(await read, n);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
