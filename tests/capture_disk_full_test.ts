/**
 * Disk full for real: a live BinanceHandler (engine + simulator) captures onto a 64 KiB tmpfs.
 * When a write fails (ENOSPC) the handler logs one error event, the capture stops consistently
 * (every file ends on a whole line, metadata.json says it stopped and why, `complete: false`) and
 * the handler and its book go on to match the simulator's truth. The session replays. Skips
 * with a message where mounting a tmpfs is not allowed (not root, no `mount`).
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent } from "../engine/events.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

async function sh(cmd: string, args: string[]): Promise<{ ok: boolean; err: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
    return { ok: r.success, err: new TextDecoder().decode(r.stderr).trim() };
  } catch (e) {
    return { ok: false, err: e instanceof Error ? e.message : String(e) };
  }
}

Deno.test("disk full: the capture stops consistently, the handler and its book carry on", async () => {
  const mnt = await Deno.makeTempDir({ prefix: "diskfull_" });
  const m = await sh("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]);
  if (!m.ok) {
    console.warn(`SKIP capture_disk_full_test: cannot mount a tmpfs at ${mnt} (${m.err || "not allowed"})`);
    await Deno.remove(mnt);
    return;
  }
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 7 } });
  try {
    const h = new BinanceHandler({
      symbol: "BTCUSDT",
      wsUrl: sim.wsUrl(),
      restUrl: sim.restUrl,
      snapshotLimit: 100,
      backoff: { baseMs: 5, maxMs: 50 },
      scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
      captureDir: mnt,
      captureSession: "s",
    });
    const tl = testLogger();
    const events: LogEvent[] = [];
    const ac = new AbortController();
    const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
    const pump = setInterval(() => events.push(...tl.drain()), 2);
    const errors = () => events.filter((e) => e.kind === EventKind.Error).map((e) => e.text);
    try {
      await waitUntil("the capture hits the disk's end", () => errors().length > 0, 60_000);
      const atFailure = h.messages;
      await waitUntil("the handler carries on", () => h.messages >= atFailure + 100 && h.sync.isSynced);
      sim.stopAfter(20);
      await sim.finished;
      await waitUntil("the book matches the truth", () => h.book.updateId === sim.truth.updateId);
      for (const [a, b] of [[h.book.bids, sim.truth.bids], [h.book.asks, sim.truth.asks]] as const) {
        assert.equal(a.size, b.size);
        for (let i = 0; i < a.size; i++) {
          assert.deepEqual([a.priceAt(i), a.qtyAt(i)], [b.priceAt(i), b.qtyAt(i)]);
        }
      }
    } finally {
      ac.abort();
      const report = await engine;
      clearInterval(pump);
      events.push(...tl.drain());
      assert.notEqual(report.reason, "error", `engine error: ${String(report.error)}`);
    }
    const errs = errors();
    assert.equal(errs.length, 1, `one error event: ${errs.join(" | ")}`);
    assert.match(errs[0]!, /No space left on device|os error 28/);
    assert.match(errs[0]!, /capture stopped/);

    const dir = h.capture!.path;
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/metadata.json`));
    assert.equal(meta.complete, false);
    assert.match(meta.stopped.reason, /No space left on device|os error 28/);
    assert.ok(meta.stopped.atNs > 0);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.some((n) => n.endsWith(".tmp")), `no temp files: ${names.join()}`);
    for (const n of names.filter((n) => n.endsWith(".jsonl") || n.endsWith(".recv_ns"))) {
      const b = Deno.readFileSync(`${dir}/${n}`);
      assert.ok(b.length === 0 || b[b.length - 1] === 10, `${n} ends on a whole line`);
    }
    const onDisk = Deno.readTextFileSync(`${dir}/diffs.jsonl`).split("\n").length - 1;
    assert.ok(onDisk > 0 && onDisk < meta.messages, `${onDisk} lines on disk of ${meta.messages} received`);

    const files = await resolveSession(dir);
    assert.ok(files.notes.some((n) => /stopped writing early/.test(n)), files.notes.join(" | "));
    const warnings: string[] = [];
    const stats = await replayCapture(files, {
      sink: new RebuildingSink(),
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(stats.diffLines, onDisk, "every line on disk replays");
    assert.ok(!warnings.some((w) => /truncated/.test(w)), warnings.join(" | "));
  } finally {
    await sim.close();
    const u = await sh("umount", [mnt]);
    if (!u.ok) console.warn(`umount ${mnt}: ${u.err}`);
    await Deno.remove(mnt, { recursive: true });
  }
});

Deno.test("disk full under poc:binance: the run goes on to its end, then exits 1 saying input was lost", async () => {
  const mnt = await Deno.makeTempDir({ prefix: "diskfull_task_" });
  const m = await sh("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]);
  if (!m.ok) {
    console.warn(`SKIP capture_disk_full_test: cannot mount a tmpfs at ${mnt} (${m.err || "not allowed"})`);
    await Deno.remove(mnt);
    return;
  }
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 8 } });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        `--allow-write=${mnt}`,
        "--allow-env",
        new URL("../tasks/poc_binance.ts", import.meta.url).pathname,
        "--ws-url",
        sim.wsUrl(),
        "--rest-url",
        sim.restUrl,
        "--capture-dir",
        mnt,
        "--capture-session",
        "s",
        "--max-messages",
        "3000", // far more than 64 KiB holds: the disk fills first
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.match(stderr, /lost input: the capture stopped writing: .*(No space|ENOSPC|os error 28)/i, stderr);
  } finally {
    await sim.close();
    await sh("umount", [mnt]);
    await Deno.remove(mnt, { recursive: true });
  }
});
