/**
 * Exit codes of the live tasks: every output path and `--core` are checked before anything starts
 * (exit 2, one line, no stack trace), and a run that never synchronized exits 1.
 */
import { equal, match, ok } from "node:assert/strict";
import { PROJECT_ROOT, runTask } from "./_task.ts";

/** A 127.0.0.1 port with nothing listening (bound, then released). */
function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** poc:binance pointed at a dead local port, so a run that does start ends by itself in 1 s. */
function binanceArgs(...extra: string[]): string[] {
  const port = deadPort();
  return [
    "poc:binance",
    "--ws-url",
    `ws://127.0.0.1:${port}/ws/btcusdt@depth@100ms`,
    "--rest-url",
    `http://127.0.0.1:${port}`,
    "--duration",
    "1",
    ...extra,
  ];
}

function oneLine(err: string): string {
  const lines = err.trimEnd().split("\n");
  equal(lines.length, 1, `exactly one line on stderr:\n${err}`);
  ok(!err.includes("    at "), "no stack trace");
  return lines[0]!;
}

Deno.test("output paths are checked before the run: exit 2 and one line for each mistake", async () => {
  const base = `out/test-live-exit-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${PROJECT_ROOT}${base}/adir`, { recursive: true });
  await Deno.writeTextFile(`${PROJECT_ROOT}${base}/afile`, "x");
  try {
    const cases: [string[], RegExp][] = [
      [["--book-out", `${base}/adir`], /^--book-out \S+\/adir: is a directory; give a file path$/],
      [["--capture-dir", `${base}/afile`], /^--capture-dir \S+\/afile: is a file, not a directory$/],
      [["--capture-dir", `${base}/afile/sub`], /^--capture-dir \S+\/afile\/sub: \S+\/afile is a file/],
      [["--book-out", `${base}/afile/book.json`], /^--book-out \S+: \S+\/afile is a file, not a directory$/],
      [["--log-file", `${base}/missing/log.txt`], /^--log-file \S+: directory \S+\/missing does not exist$/],
      [["--log-file", `${base}/adir`], /^--log-file \S+\/adir: is a directory; give a file path$/],
    ];
    for (const [flags, re] of cases) {
      const r = await runTask(binanceArgs(...flags));
      equal(r.code, 2, `${flags.join(" ")}: ${r.err}`);
      match(oneLine(r.err), re);
    }
    const entries = [];
    for await (const e of Deno.readDir(`${PROJECT_ROOT}${base}`)) entries.push(e.name);
    equal(entries.sort().join(","), "adir,afile", "nothing was created");
  } finally {
    await Deno.remove(`${PROJECT_ROOT}${base}`, { recursive: true });
  }
});

Deno.test("--core or HFT_CORE naming a CPU that does not exist exits 2 with one line", async () => {
  const r = await runTask(binanceArgs("--core", "99"));
  equal(r.code, 2, r.err);
  match(oneLine(r.err), /^--core 99: no such CPU here \(this machine has \d+: 0\.\.\d+\)$/);
  const e = await runTask(binanceArgs(), { HFT_CORE: "99" });
  equal(e.code, 2, e.err);
  match(oneLine(e.err), /^HFT_CORE=99: no such CPU here/);
  const bad = await runTask(binanceArgs(), { HFT_CORE: "first" });
  equal(bad.code, 2, bad.err);
  match(oneLine(bad.err), /HFT_CORE must be a CPU number, got "first"/);
});

Deno.test("a live run that stops on --duration without ever synchronizing exits 1", async () => {
  const b = await runTask(binanceArgs());
  equal(b.code, 1, b.err);
  match(b.err, /\[engine\] engine stopped: duration/);
  match(b.err, /error: binance:BTCUSDT never synchronized/);
  const h = await runTask([
    "poc:hyperliquid",
    "--ws-url",
    `ws://127.0.0.1:${deadPort()}/ws`,
    "--skip-meta",
    "--duration",
    "1",
  ]);
  equal(h.code, 1, h.err);
  match(h.err, /error: hyperliquid:BTC never synchronized/);
});
