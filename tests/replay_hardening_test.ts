/**
 * `deno task replay` on mistakes and bad input: an `--out` that is one of the replay's inputs
 * (under any spelling), a directory, in a missing directory or outside the permissions (exit 2,
 * one line, the input untouched); a replay that never synchronized or lost input (exit 1, one
 * `FAILED` line naming the cause, both symbols when they disagree); missing receive times;
 * `--threads 2` on Hyperliquid; and warnings that stay readable (malformed lines counted past
 * the quoted ones, no raw bytes echoed).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { ETH_DIR, gzip, haveFixture, replayTask, writeSyntheticSession } from "./_replay_helpers.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { NULL_SINK } from "../replay/summary.ts";

const FIX = new URL("../../shared/fixtures/", import.meta.url).pathname;
const USDM_DIR = `${FIX}binance-usdm-ethusdt-20240808`;
const HL_DIR = `${FIX}hyperliquid-btc-20250126`;
const present = haveFixture();

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function withTemp(name: string, fn: (dir: string) => Promise<void>, ignore = false): Deno.TestDefinition {
  return {
    name,
    ignore,
    async fn() {
      const dir = await Deno.makeTempDir();
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
}

/** The lines of `err` (stderr of the task), without the empty last one. */
function lines(err: string): string[] {
  return err.split("\n").filter((l) => l !== "");
}

/** Exactly one stderr line, `replay: …`, with no stack trace. */
function oneLine(err: string): string {
  const ls = lines(err);
  equal(ls.length, 1, err);
  ok(ls[0]!.startsWith("replay: "), err);
  ok(!/\n\s+at /.test(err), err);
  return ls[0]!;
}

/** The one `replay: FAILED: …` line of a failed run. */
function failedLine(err: string): string {
  const f = lines(err).filter((l) => l.includes("FAILED"));
  equal(f.length, 1, err);
  ok(f[0]!.startsWith("replay: FAILED: "), err);
  return f[0]!;
}

async function ln(args: string[]): Promise<void> {
  const r = await new Deno.Command("ln", { args }).output();
  equal(r.code, 0, `ln ${args.join(" ")}`);
}

Deno.test(
  withTemp(
    "replay --out that is one of its inputs, under any spelling, exits 2 and leaves it intact",
    async (dir) => {
      const { session, truth } = await writeSyntheticSession(dir, 60, 7);
      const s = session.slice(dir.length + 1); // BTCUSDT/s1, relative to dir
      await ln(["-s", `${session}/diffs.jsonl`, `${dir}/link.jsonl`]);
      await ln([`${session}/trades.jsonl`, `${dir}/hard.jsonl`]);
      const names = ["diffs.jsonl", "snapshot.json", "trades.jsonl", "diffs.recv_ns", "metadata.json"];
      const before = new Map(names.map((n) => [n, Deno.readFileSync(`${session}/${n}`)]));
      const truthBefore = Deno.readFileSync(truth);
      const outs = [
        ...names.map((n) => `${session}/${n}`),
        `${session}/../s1/./diffs.jsonl`,
        `${dir}/${s}/../../${s}/snapshot.json`,
        `${dir}/link.jsonl`,
        `${dir}/hard.jsonl`,
      ];
      for (const out of outs) {
        const r = await replayTask(["--session", session, "--out", out, "--out-format", "jsonl"], dir);
        equal(r.code, 2, `${out}: ${r.err}`);
        ok(oneLine(r.err).includes("is an input of this replay"), r.err);
      }
      // Explicit inputs, two threads, and --truth count too.
      const explicit = await replayTask([
        "--snapshot",
        `${session}/snapshot.json`,
        "--diffs",
        `${session}/diffs.jsonl`,
        "--out",
        `${dir}/link.jsonl`,
        "--threads",
        "2",
      ], dir);
      equal(explicit.code, 2, explicit.err);
      oneLine(explicit.err);
      const t = await replayTask(["--session", session, "--truth", truth, "--out", truth], dir);
      equal(t.code, 2, t.err);
      ok(oneLine(t.err).includes("--truth"), t.err);
      for (const n of names) {
        deepEqual(Deno.readFileSync(`${session}/${n}`), before.get(n), `${n} unchanged`);
      }
      deepEqual(Deno.readFileSync(truth), truthBefore);
    },
  ),
);

Deno.test(
  withTemp(
    "replay --out a directory, in a missing directory or outside the permissions exits 2 in one line",
    async (dir) => {
      const { session } = await writeSyntheticSession(dir, 30, 8);
      const other = await Deno.makeTempDir(); // outside the task's --allow-write
      try {
        const cases: [string, string][] = [
          [dir, "is a directory"],
          [`${dir}/missing/e.jsonl`, "does not exist"],
          [`${dir}/BTCUSDT/s1/diffs.jsonl/e`, "is not a directory"],
          [`${other}/e.jsonl`, "no permission"],
        ];
        for (const [out, says] of cases) {
          const r = await replayTask(["--session", session, "--out", out], dir);
          equal(r.code, 2, `${out}: ${r.err}`);
          ok(oneLine(r.err).includes(says), r.err);
        }
        equal(exists(`${other}/e.jsonl`), false);
      } finally {
        await Deno.remove(other, { recursive: true });
      }
    },
  ),
);

Deno.test(
  withTemp("replay of diffs that never bridge the snapshot exits 1 with one FAILED line", async (dir) => {
    const { session } = await writeSyntheticSession(dir, 60, 9);
    const snap = Deno.readTextFileSync(`${session}/snapshot.json`);
    Deno.writeTextFileSync(
      `${session}/snapshot.json`,
      snap.replace(/"lastUpdateId":\d+/, '"lastUpdateId":99999999999'),
    );
    const r = await replayTask(["--session", session, "--out", `${dir}/e.jsonl`], dir);
    equal(r.code, 1, r.err);
    const f = failedLine(r.err);
    ok(f.includes("never synchronized") && f.includes("no diff bridges the snapshot"), f);
    equal(lines(r.err).at(-1), f, "the FAILED line is the last one");
  }),
);

Deno.test(withTemp("replay of a corrupt .gz cut short exits 1: input lost", async (dir) => {
  const { session } = await writeSyntheticSession(dir, 400, 10);
  const gz = await gzip(Deno.readFileSync(`${session}/diffs.jsonl`));
  Deno.writeFileSync(`${session}/diffs.jsonl.gz`, gz.subarray(0, gz.length >> 1));
  Deno.removeSync(`${session}/diffs.jsonl`);
  const r = await replayTask(["--session", session, "--out", `${dir}/e.jsonl`], dir);
  equal(r.code, 1, r.err);
  ok(failedLine(r.err).includes("input lost"), r.err);
  ok(!r.err.includes("last line truncated"), "the cut is the read error's consequence, not a second finding");
}));

Deno.test(
  withTemp("replay of a snapshot of another symbol exits 1 naming both symbols", async (dir) => {
    // A BTCUSDT session's snapshot and metadata.json, with the real ETHUSDT diffs.
    const { session } = await writeSyntheticSession(dir, 30, 11);
    Deno.copyFileSync(`${ETH_DIR}diffs.jsonl`, `${session}/diffs.jsonl`);
    Deno.copyFileSync(`${ETH_DIR}diffs.recv_ns`, `${session}/diffs.recv_ns`);
    Deno.removeSync(`${session}/trades.jsonl`);
    const r = await replayTask(["--session", session, "--out", `${dir}/e.jsonl`], dir);
    equal(r.code, 1, r.err);
    const f = failedLine(r.err);
    ok(f.includes("never synchronized") && f.includes("BTCUSDT") && f.includes("ETHUSDT"), f);
    // The same with explicit paths: the snapshot's symbol comes from the metadata.json beside it.
    const e = await replayTask([
      "--snapshot",
      `${session}/snapshot.json`,
      "--diffs",
      `${ETH_DIR}diffs.jsonl`,
      "--out",
      `${dir}/e.jsonl`,
    ], dir);
    equal(e.code, 1, e.err);
    ok(failedLine(e.err).includes("BTCUSDT") && e.err.includes("ETHUSDT"), e.err);
  }, !present),
);

Deno.test(
  withTemp(
    "replay of USD-M futures frames whose metadata.json says spot exits 1 and says why",
    async (dir) => {
      // The futures rules are chosen from metadata.json's market; a wrong "spot" there is named.
      const s = `${dir}/s`;
      Deno.mkdirSync(s);
      Deno.copyFileSync(`${USDM_DIR}/snapshot.json`, `${s}/snapshot.json`);
      const diffs = Deno.readTextFileSync(`${USDM_DIR}/diffs.jsonl`).split("\n").slice(0, 40);
      Deno.writeTextFileSync(`${s}/diffs.jsonl`, diffs.join("\n") + "\n");
      Deno.writeTextFileSync(`${s}/metadata.json`, `{"venue":"binance","market":"spot","symbol":"ETHUSDT"}`);
      const r = await replayTask(["--session", s, "--out", `${dir}/e.jsonl`], dir);
      equal(r.code, 1, r.err);
      const f = failedLine(r.err);
      ok(f.includes("never synchronized") && f.includes("USD-M") && f.includes('market "spot"'), f);
    },
    !exists(USDM_DIR),
  ),
);

Deno.test(
  withTemp("replay without a receive-time file warns once that every receive time is 0", async (dir) => {
    const { session } = await writeSyntheticSession(dir, 60, 12);
    Deno.removeSync(`${session}/diffs.recv_ns`);
    const warned: string[] = [];
    const stats = await replayCapture(await resolveSession(session), {
      sink: NULL_SINK,
      onWarning: (m) => warned.push(m),
    });
    equal(stats.failure, undefined);
    equal(warned.length, 1, warned.join("|"));
    ok(warned[0]!.includes("diffs.recv_ns") && warned[0]!.includes("recv_time_ns is 0"), String(warned[0]));
  }),
);

Deno.test(
  withTemp(
    "replay --threads 2 on a Hyperliquid session runs on two threads and writes the one-thread bytes",
    async (dir) => {
      const r2 = await replayTask(["--session", HL_DIR, "--threads", "2", "--out", `${dir}/e2.txt`], dir);
      equal(r2.code, 0, r2.err);
      ok(r2.err.includes("(2 threads"), r2.err);
      const r1 = await replayTask(["--session", HL_DIR, "--threads", "1", "--out", `${dir}/e1.txt`], dir);
      equal(r1.code, 0, r1.err);
      const [a, b] = [Deno.readFileSync(`${dir}/e1.txt`), Deno.readFileSync(`${dir}/e2.txt`)];
      ok(a.length > 1000);
      equal(b.length, a.length);
      ok(a.every((x, i) => x === b[i]));
    },
    !exists(HL_DIR),
  ),
);

Deno.test(
  withTemp(
    "replay warnings: malformed lines past the fifth are counted, raw bytes never echoed",
    async (dir) => {
      const { session } = await writeSyntheticSession(dir, 60, 13);
      const diffs = Deno.readTextFileSync(`${session}/diffs.jsonl`).split("\n");
      const recv = Deno.readTextFileSync(`${session}/diffs.recv_ns`).split("\n");
      // Eight garbage lines (terminal escapes, NUL, invalid UTF-8, a C1 control) after line 10.
      const bad = new Uint8Array([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x00, 0xff, 0xfe, 0xc2, 0x9b, 0x07, 0x7b]);
      const enc = new TextEncoder();
      const parts = [enc.encode(diffs.slice(0, 10).join("\n") + "\n")];
      for (let i = 0; i < 8; i++) parts.push(bad, enc.encode("\n"));
      parts.push(enc.encode(diffs.slice(10).join("\n")));
      Deno.writeFileSync(`${session}/diffs.jsonl`, new Uint8Array(await new Blob(parts).arrayBuffer()));
      const rv = [...recv.slice(0, 10), ...Array(8).fill(recv[9]), ...recv.slice(10)];
      Deno.writeTextFileSync(`${session}/diffs.recv_ns`, rv.join("\n"));
      const r = await replayTask(["--session", session, "--out", `${dir}/e.jsonl`], dir);
      equal(r.code, 0, r.err);
      const control = [...r.err].filter((c) => {
        const n = c.codePointAt(0)!;
        return (n < 0x20 && n !== 10) || (n >= 0x7f && n <= 0x9f);
      });
      deepEqual(control, [], `no control character on stderr: ${JSON.stringify(r.err)}`);
      const ls = lines(r.err);
      const quoted = ls.filter((l) => l.includes("malformed frame"));
      equal(quoted.length, 5, r.err);
      ok(quoted[0]!.includes("\\x1b[31m\\x00\\xff\\xfe\\xc2\\x9b\\x07{"), String(quoted[0]));
      equal(ls.filter((l) => l.includes("further malformed-line warnings suppressed")).length, 1, r.err);
      ok(ls.some((l) => l.includes("8 malformed lines in all")), r.err);
    },
  ),
);

Deno.test(withTemp("replay summary: each word means one thing, counts read naturally", async (dir) => {
  const { session } = await writeSyntheticSession(dir, 60, 14);
  Deno.removeSync(`${session}/diffs.recv_ns`); // exactly one warning
  const r = await replayTask(["--session", session, "--out", `${dir}/e.jsonl`, "--out-format", "jsonl"], dir);
  equal(r.code, 0, r.err);
  ok(r.err.includes("recovered=0"), r.err);
  ok(!r.err.includes("crossed"), "crossed is kept for a crossed book");
  ok(r.err.includes(", 1 warning\n"), r.err);
  ok(!r.err.includes("(s)"), r.err);
  ok(/wrote \d+ events, \d+ bytes to .* as JSONL/.test(r.err), r.err);
}));

Deno.test(
  withTemp("replay of a trades .gz cut short fails: input lost, naming the trades file", async (dir) => {
    const { session } = await writeSyntheticSession(dir, 400, 15);
    const gz = await gzip(Deno.readFileSync(`${session}/trades.jsonl`));
    Deno.writeFileSync(`${session}/trades.jsonl.gz`, gz.subarray(0, gz.length >> 1));
    Deno.removeSync(`${session}/trades.jsonl`);
    const stats = await replayCapture(await resolveSession(session), { sink: NULL_SINK });
    ok(
      stats.failure?.startsWith("input lost: ") && stats.failure.includes("trades.jsonl.gz"),
      String(stats.failure),
    );
  }),
);

Deno.test(
  withTemp(
    "replay of a Hyperliquid session whose books are of another coin fails naming both coins",
    async (dir) => {
      Deno.copyFileSync(`${HL_DIR}/messages.jsonl`, `${dir}/messages.jsonl`);
      Deno.copyFileSync(`${HL_DIR}/messages.recv_ns`, `${dir}/messages.recv_ns`);
      Deno.writeTextFileSync(
        `${dir}/metadata.json`,
        JSON.stringify({ format: "hft-ts/hyperliquid-capture/1", coin: "ETH", complete: true }),
      );
      const stats = await replayCapture(await resolveSession(dir), { sink: NULL_SINK });
      const f = String(stats.failure);
      ok(f.includes("never synchronized") && f.includes("ETH") && f.includes("of BTC"), f);
    },
    !exists(HL_DIR),
  ),
);
