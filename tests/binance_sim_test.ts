/**
 * End-to-end: `BinanceHandler` driven by the engine against the local simulator, one test per
 * fault. Each test waits on conditions (never on fixed sleeps) with an overall deadline, checks
 * the recovery events, and compares the handler's final book with the simulator's truth book.
 */
import assert from "node:assert/strict";
import { EventKind } from "../engine/events.ts";
import { waitUntil } from "../engine/testing.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { BookSync } from "../venues/binance/sync.ts";
import { ParsedFrame, parseFrame, parseSnapshot } from "../venues/binance/parse.ts";
import { FrameKind } from "../venues/binance/parse.ts";
import { isParseError } from "../venues/binance/types.ts";
import { L2Book as Book } from "../venues/book.ts";
import {
  assertSameBook,
  count,
  faultTest,
  resyncReasons,
  settleAndCompare,
  start,
} from "./_binance_sim_rig.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { RebuildingSink } from "./_replay_helpers.ts";
import { spawnPocBinance } from "./_poc_child.ts";

Deno.test("BinanceHandler syncs with the simulator and matches its truth book", async () => {
  const r = await start({});
  try {
    await waitUntil("sync", () => r.h.sync.isSynced);
    await settleAndCompare(r);
    assert.ok(count(r.events, EventKind.Connected) === 1);
    assert.ok(count(r.events, EventKind.SnapshotApplied) >= 1);
    assert.ok(count(r.events, EventKind.Synchronized) >= 1);
    assert.ok(r.events.some((e) => e.kind === EventKind.Latency && e.label === "wire_to_book"));
  } finally {
    await r.finish();
  }
});

Deno.test("BinanceHandler recovers from a dropped connection (reconnect + resync)", () =>
  faultTest("drop", (r) => {
    assert.ok(count(r.events, EventKind.Disconnected) >= 1);
    assert.ok(count(r.events, EventKind.Reconnecting) >= 1);
    assert.ok(resyncReasons(r.events).includes("disconnect"));
    assert.ok(r.h.connections >= 2);
  }));

Deno.test("BinanceHandler resyncs on a gap in update ids", () =>
  faultTest("skip_update", (r) => {
    assert.ok(resyncReasons(r.events).includes("gap"), "a gap resync was logged");
    assert.ok(count(r.events, EventKind.SnapshotApplied) >= 1);
  }));

Deno.test("BinanceHandler refetches a stale snapshot", async () => {
  // The stale snapshot must be requested: arm it before the handler connects.
  const r = await start({});
  try {
    r.sim.fault("stale_snapshot");
    await waitUntil("sync", () => r.h.sync.isSynced);
    assert.ok(resyncReasons(r.events).includes("stale_snapshot"));
    assert.ok(r.h.sync.staleSnapshots >= 1);
    await settleAndCompare(r);
  } finally {
    await r.finish();
  }
});

Deno.test("BinanceHandler backs off on 429 and then syncs", async () => {
  const r = await start({ retryAfterSec: 1 });
  try {
    r.sim.fault("rate_limit");
    await waitUntil("sync", () => r.h.sync.isSynced);
    assert.equal(r.sim.stats.rateLimited, 2);
    assert.ok(r.events.some((e) => e.kind === EventKind.Warning && e.text.includes("HTTP 429")));
    await settleAndCompare(r);
  } finally {
    await r.finish();
  }
});

Deno.test("BinanceHandler waits out a 418 ban (Retry-After, scaled-down minimum) and then syncs", async () => {
  const r = await start({ retryAfterSec: 0 }, {
    scheduler: { minIntervalMs: 5, retryBaseMs: 5, banMinMs: 50 },
  });
  try {
    r.sim.fault("ban");
    await waitUntil("sync", () => r.h.sync.isSynced);
    assert.equal(r.sim.stats.banned, 1);
    assert.ok(r.events.some((e) => e.kind === EventKind.Warning && e.text.includes("HTTP 418")));
    await settleAndCompare(r);
  } finally {
    await r.finish();
  }
});

Deno.test("BinanceHandler warns on a malformed frame and keeps its book", () =>
  faultTest("malformed", (r) => {
    assert.ok(r.events.some((e) => e.kind === EventKind.Warning && e.text.startsWith("malformed frame")));
    assert.equal(r.h.malformed, 1);
  }));

Deno.test("BinanceHandler reconnects at once on serverShutdown", () =>
  faultTest("server_shutdown", (r) => {
    assert.ok(resyncReasons(r.events).includes("server_shutdown"));
    assert.ok(r.h.connections >= 2);
  }));

Deno.test("BinanceHandler follows a 301 redirect of the WebSocket upgrade", async () => {
  const r = await start({});
  try {
    await waitUntil("first sync", () => r.h.sync.isSynced);
    r.sim.fault("redirect");
    r.sim.fault("drop"); // force a reconnect through the redirect
    await waitUntil(
      "reconnected through the redirect",
      () => r.sim.stats.redirects >= 1 && r.h.connections >= 2,
    );
    await waitUntil("sync", () => r.h.sync.isSynced);
    assert.ok(r.events.some((e) => e.kind === EventKind.Connected && e.text.includes("/live/ws/")));
    await settleAndCompare(r);
  } finally {
    await r.finish();
  }
});

Deno.test("A captured simulator run replays through parse + sync to the same book", async () => {
  const dir = await Deno.makeTempDir();
  const r = await start({ shutdownGraceMs: 20 }, (sim) => ({
    captureDir: dir,
    captureSession: "t1",
    trades: true,
    wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
  }));
  try {
    await waitUntil("sync", () => r.h.sync.isSynced);
    r.sim.fault("skip_update");
    await waitUntil("resync after gap", () => r.h.sync.resyncs >= 1 && r.h.sync.isSynced);
    await settleAndCompare(r);
  } finally {
    await r.finish();
  }
  const session = `${dir}/BTCUSDT/t1`;
  const meta = JSON.parse(Deno.readTextFileSync(`${session}/metadata.json`));
  assert.equal(meta.complete, true);
  assert.ok(meta.snapshots.length >= 2, "a second snapshot after the resync");
  assert.equal(meta.snapshots[1].file, "snapshot-1.json");
  const lines = Deno.readTextFileSync(`${session}/diffs.jsonl`).split("\n").filter((l) => l !== "");
  const ns = Deno.readTextFileSync(`${session}/diffs.recv_ns`).split("\n").filter((l) => l !== "");
  assert.equal(lines.length, ns.length);
  assert.equal(lines.length, meta.messages);
  const trades = Deno.readTextFileSync(`${session}/trades.jsonl`).split("\n").filter((l) => l !== "");
  assert.ok(trades.length > 0 && trades.length === meta.trades, "trades captured");
  assert.ok(trades.every((t) => t.startsWith('{"stream":"btcusdt@trade","data":{"e":"trade"')));
  // The capture records the instrument's scale; read at it, the capture rebuilds the same integers.
  const inst = r.h.stream.instrument;
  assert.deepEqual([meta.priceDecimals, meta.qtyDecimals], [inst.priceDecimals, inst.qtyDecimals]);
  assert.deepEqual(meta.exchangeInfo, { priceDecimals: 2, qtyDecimals: 5 }, "the simulator's tick and lot");
  const book = new Book();
  const sync = new BookSync(book);
  const pf = new ParsedFrame();
  pf.priceDecimals = meta.priceDecimals;
  pf.qtyDecimals = meta.qtyDecimals;
  let next = 0;
  const feedSnapshots = (i: number) => {
    while (next < meta.snapshots.length && meta.snapshots[next].diffLinesBefore <= i) {
      const body = Deno.readTextFileSync(`${session}/${meta.snapshots[next].file}`);
      const snap = parseSnapshot(body, meta.priceDecimals, meta.qtyDecimals);
      assert.ok(!isParseError(snap));
      if (!sync.isSynced) {
        sync.snapshotRequested();
        sync.onSnapshot(snap);
      }
      next++;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    feedSnapshots(i);
    if (parseFrame(lines[i]!, pf) === FrameKind.Depth) sync.onDiff(pf.diff);
  }
  feedSnapshots(lines.length);
  assertSameBook(book, r.h.book);
  assert.equal(meta.lastAppliedUpdateId, r.h.book.updateId);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("A SIGKILLed poc:binance capture is valid up to its last complete line and replays with a warning", async () => {
  const dir = await Deno.makeTempDir();
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 9 } });
  const child = spawnPocBinance(sim, { dir, session: "k", extraArgs: ["--log-file", `${dir}/log.txt`] });
  const session = `${dir}/BTCUSDT/k`;
  try {
    await waitUntil("the child captured 100 frames", () => {
      try {
        return JSON.parse(Deno.readTextFileSync(`${session}/metadata.json`)).messages >= 100;
      } catch {
        return false; // not written yet (or mid-rename)
      }
    }, 30_000);
    child.kill("SIGKILL");
    const st = await child.status;
    assert.equal(st.signal, "SIGKILL");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already dead */ }
    await sim.close();
  }
  const meta = JSON.parse(Deno.readTextFileSync(`${session}/metadata.json`));
  assert.equal(meta.complete, false, "a killed capture is not marked complete");
  const text = Deno.readTextFileSync(`${session}/diffs.jsonl`);
  const lines = text.split("\n");
  const tail = lines.pop()!; // "" when the file ends on a newline, else a truncated line
  const ns = Deno.readTextFileSync(`${session}/diffs.recv_ns`).split("\n").filter((l) => /^\d+$/.test(l));
  assert.ok(lines.length > 0, "flushed lines are on disk");
  assert.ok(Math.abs(ns.length - lines.length) <= 4096, "sidecar within one chunk of the data");
  const pf = new ParsedFrame();
  for (const l of lines) {
    assert.equal(parseFrame(l, pf), FrameKind.Depth, "every complete line is a depth frame");
  }
  if (tail !== "") assert.notEqual(parseFrame(tail, pf), FrameKind.Depth, "only the tail may be cut");
  const snap = parseSnapshot(Deno.readTextFileSync(`${session}/snapshot.json`));
  assert.ok(!isParseError(snap));
  // Replay takes every complete line and says the capture was cut.
  const warnings: string[] = [];
  const rebuilt = new RebuildingSink();
  const stats = await replayCapture(await resolveSession(session), {
    sink: rebuilt,
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(stats.diffLines, lines.length, "every complete line is replayed");
  // Exact accounting from the capture's own facts (how many frames came before the snapshot
  // varies run to run): the lines before the snapshot were buffered; after it, a line is either
  // applied or skipped as older than the snapshot (its u <= lastUpdateId).
  assert.equal(meta.snapshots.length, 1, "one snapshot, no resync");
  const before: number = meta.snapshots[0].diffLinesBefore;
  let lateStale = 0;
  for (const l of lines.slice(before)) {
    parseFrame(l, pf);
    if (pf.diff.lastId <= snap.lastUpdateId) lateStale++;
  }
  assert.equal(stats.resyncs, 0);
  assert.equal(stats.snapshotsApplied, 1);
  assert.equal(stats.buffered, before, "the frames before the snapshot were buffered");
  assert.equal(stats.skipped, lateStale, "after it, only frames older than the snapshot are skipped");
  assert.equal(
    stats.applied,
    lines.length - before - lateStale,
    `applied ${stats.applied} of ${lines.length}`,
  );
  assert.equal(stats.failure, undefined, String(stats.failure));
  assert.ok(warnings.some((w) => w.includes("not complete")), "metadata says the capture was killed");
  if (tail !== "") assert.ok(warnings.some((w) => w.includes("last line truncated")), warnings.join("|"));
  assert.equal(stats.malformed, 0);
  assert.equal(rebuilt.count, stats.totalEvents);
  await Deno.remove(dir, { recursive: true });
});
