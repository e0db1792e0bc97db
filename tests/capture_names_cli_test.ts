/**
 * The live tasks check capture names up front, the same way on both venues: a reused session
 * (folder exists, not empty) and a session name that is a path exit 2 with one line, before
 * connecting, and leave the earlier capture untouched; an instrument name that is not a plain
 * file name (`PURR/USDC`) is captured under its mapped folder with the original in metadata.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { captureSessionProblem, instrumentFolder, sessionNameProblem } from "../venues/capture_names.ts";

const TASK = {
  binance: new URL("../tasks/poc_binance.ts", import.meta.url).pathname,
  hyperliquid: new URL("../tasks/poc_hyperliquid.ts", import.meta.url).pathname,
};
// Nothing listens on port 1: a task that got past the checks would fail to connect and retry.
const DEAD = {
  binance: ["--ws-url", "ws://127.0.0.1:1/ws/btcusdt@depth@100ms", "--rest-url", "http://127.0.0.1:1"],
  hyperliquid: ["--ws-url", "ws://127.0.0.1:1/ws", "--skip-meta"],
};

async function run(
  venue: "binance" | "hyperliquid",
  dir: string,
  args: string[],
): Promise<{ code: number; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      `--allow-write=${dir}`,
      "--allow-env",
      TASK[venue],
      ...DEAD[venue],
      "--capture-dir",
      dir,
      "--duration",
      "0.5",
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

function noStack(err: string): void {
  ok(!/\n\s+at /.test(err), `no stack trace: ${err}`);
}

for (const [venue, folder] of [["binance", "BTCUSDT"], ["hyperliquid", "BTC"]] as const) {
  Deno.test(`${venue}: a reused --capture-session exits 2 up front and keeps the earlier capture`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "reuse_" });
    try {
      const session = `${dir}/${folder}/s1`;
      Deno.mkdirSync(session, { recursive: true });
      const old = '{"earlier":"capture"}\n';
      Deno.writeTextFileSync(`${session}/diffs.jsonl`, old);
      Deno.writeTextFileSync(`${session}/metadata.json`, "{}\n");
      const r = await run(venue, dir, ["--capture-session", "s1"]);
      equal(r.code, 2, r.err);
      match(r.err.split("\n")[0]!, /already exists and is not empty: choose another --capture-session/);
      noStack(r.err);
      equal(Deno.readTextFileSync(`${session}/diffs.jsonl`), old, "earlier capture untouched");
      deepEqual([...Deno.readDirSync(session)].map((e) => e.name).sort(), ["diffs.jsonl", "metadata.json"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`${venue}: a --capture-session that is a path exits 2 up front`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "escape_" });
    try {
      for (const s of ["../../out/x", "a/b", "..", ".hidden", ""]) {
        const r = await run(venue, `${dir}/c`, ["--capture-session", s]);
        equal(r.code, 2, `${s}: ${r.err}`);
        match(
          r.err,
          s === "" ? /--capture-session needs a value/ : /--capture-session must be a plain folder name/,
        );
        noStack(r.err);
      }
      deepEqual([...Deno.readDirSync(dir)], [], "nothing written anywhere");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("hyperliquid: --coin PURR/USDC captures under PURR-USDC with the coin in metadata.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "coin_" });
  try {
    const r = await run("hyperliquid", dir, ["--coin", "PURR/USDC", "--capture-session", "s"]);
    noStack(r.err);
    ok(!r.err.includes("RangeError"), r.err);
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/PURR-USDC/s/metadata.json`));
    deepEqual([meta.instrument, meta.folder, meta.session, meta.complete], [
      "PURR/USDC",
      "PURR-USDC",
      "s",
      true,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("instrument names map to safe folder names; session names must be plain", () => {
  const cases: [string, string][] = [
    ["PURR/USDC", "PURR-USDC"],
    ["@107", "_107"],
    ["xyz:MSTR", "xyz_MSTR"],
    ["BTCUSDT", "BTCUSDT"],
    ["..", "_."],
    ["a\\b c", "a_b_c"],
    ["", "_"],
  ];
  for (const [name, folder] of cases) equal(instrumentFolder(name), folder, name);
  for (const ok_ of ["1723161254036", "run-1", "a.b_c", "_x"]) equal(sessionNameProblem(ok_), undefined, ok_);
  for (const bad of ["..", ".", "../x", "a/b", "a\\b", ".x", "", "x".repeat(129), "a b"]) {
    ok(sessionNameProblem(bad) !== undefined, bad);
  }
  equal(captureSessionProblem("/nonexistent-root", "PURR/USDC", "s"), undefined, "absent folder is fine");
  equal(captureSessionProblem("/nonexistent-root", "PURR/USDC", undefined), undefined);
});
