/**
 * `--rotate` and `--gzip` through the real task: poc:binance against the simulator writes numbered,
 * gzipped parts listed in metadata.json, and the session replays as one stream; a bad `--rotate`
 * exits 2 on both venues.
 */
import { equal, match, ok } from "node:assert/strict";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

Deno.test("poc:binance --rotate 0.02 --gzip writes gzipped parts that replay as one stream", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rotate_cli_" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 3 } });
  try {
    const child = spawnPocBinance(sim, {
      dir,
      session: "r",
      extraArgs: ["--rotate", "0.02", "--gzip", "--max-messages", "400"],
      stderr: "piped",
    });
    const out = await child.output();
    const err = new TextDecoder().decode(out.stderr);
    equal(out.code, 0, err);
    const session = `${dir}/BTCUSDT/r`;
    const meta = JSON.parse(Deno.readTextFileSync(`${session}/metadata.json`));
    equal(meta.complete, true);
    const parts: { file: string; lines: number }[] = meta.parts.diffs;
    ok(parts.length >= 3, JSON.stringify(parts));
    ok(
      parts.every((p, i) => p.file === `diffs.${String(i + 1).padStart(4, "0")}.jsonl.gz`),
      JSON.stringify(parts),
    );
    equal(parts.reduce((s, p) => s + p.lines, 0), meta.messages);
    const files = await resolveSession(session);
    const stats = await replayCapture(files, { sink: new RebuildingSink() });
    equal(stats.diffLines, meta.messages, "every captured line replays");
    equal(stats.malformed, 0);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad --rotate exits 2 with one line on both venues", async () => {
  for (const task of ["poc_binance.ts", "poc_hyperliquid.ts"]) {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        new URL(`../tasks/${task}`, import.meta.url).pathname,
        "--rotate",
        "weekly",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    equal(r.code, 2, err);
    match(err.split("\n")[0]!, /--rotate must be hourly, daily or a size in MB \(> 0\), got "weekly"/);
  }
});
