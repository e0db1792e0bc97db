/**
 * The two-thread replay (`replay/pipeline.ts`) against the single-thread one: the same bytes,
 * counters and warnings on the real fixture, on a damaged synthetic session (repeated lines, a
 * gap that is never crossed, a malformed line, a truncated last line, a snapshot receive time
 * from metadata.json),
 * and through a tiny ring that wraps and fills all the time (a snapshot larger than the ring goes
 * in parts); the real Hyperliquid fixture the same; a failing Worker stops the replay
 * with its own error instead of hanging it.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { replayPiped, ReplayPipeline } from "../replay/pipeline.ts";
import { type CaptureFiles, resolveSession } from "../replay/reader.ts";
import { createWriter, type OutFormat } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import type { ReplayStats } from "../replay/summary.ts";
import type { CancelModel } from "../replay/l3.ts";
import { ETH_DIR, haveFixture, writeSyntheticSession } from "./_replay_helpers.ts";

const HL_DIR = new URL("../../shared/fixtures/hyperliquid-btc-20250126", import.meta.url).pathname;

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

const present = haveFixture();

interface Case {
  format: OutFormat;
  useTrades?: boolean;
  cancelModel?: CancelModel;
  ringCapacity?: number;
}

function comparable(s: ReplayStats): Record<string, unknown> {
  const o: Record<string, unknown> = { ...s };
  delete o.elapsedNs;
  return o;
}

/** Replay `files` both ways; assert equal bytes, counters and warnings; returns the event count. */
async function sameBothWays(files: CaptureFiles, c: Case, pipe?: ReplayPipeline): Promise<number> {
  const target = new MemoryTarget();
  const w = createWriter(c.format, target);
  const warned1: string[] = [];
  const s1 = await replayCapture(files, {
    sink: w,
    useTrades: c.useTrades,
    cancelModel: c.cancelModel,
    onWarning: (m) => warned1.push(m),
  });
  w.flush();
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/events.out`;
    const warned2: string[] = [];
    const opts = {
      format: c.format,
      out,
      useTrades: c.useTrades,
      cancelModel: c.cancelModel,
      ringCapacity: c.ringCapacity,
      onWarning: (m: string) => warned2.push(m),
    };
    const r = pipe ? await pipe.replay(files, opts) : await replayPiped(files, opts);
    const bytes = await Deno.readFile(out);
    const ref = target.bytes();
    equal(bytes.length, ref.length, `${c.format}: byte count`);
    ok(bytes.every((b, i) => b === ref[i]), `${c.format}: identical bytes`);
    equal(r.written, w.count);
    equal(r.bytes, ref.length);
    deepEqual(comparable(r.stats), comparable(s1));
    deepEqual(warned2, warned1);
    return w.count;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "two-thread replay of the real ETHUSDT fixture writes the single-thread bytes, counters and warnings",
  ignore: !present,
  async fn() {
    const files = await resolveSession(ETH_DIR);
    const pipe = new ReplayPipeline();
    try {
      // One Worker for several replays: each starts from a clean L3 state.
      equal(await sameBothWays(files, { format: "bincode" }, pipe), 290_378);
      ok(await sameBothWays(files, { format: "jsonl", useTrades: false }, pipe) > 280_000);
      ok(await sameBothWays(files, { format: "bincode", cancelModel: "proportional" }, pipe) > 280_000);
    } finally {
      pipe.close();
    }
  },
});

Deno.test("two-thread replay equals one thread on a damaged session, through a ring that always wraps", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 400, 7);
    // Damage: a lost diff line (an uncrossable gap), a malformed line, a truncated last line;
    // the snapshot's REST receive time comes from metadata.json.
    const diffs = (await Deno.readTextFile(`${session}/diffs.jsonl`)).split("\n").filter((l) => l);
    const recv = (await Deno.readTextFile(`${session}/diffs.recv_ns`)).split("\n").filter((l) => l);
    diffs.splice(300, 1);
    recv.splice(300, 1);
    // Repeated lines are skipped (already applied): the trade window still ages on them.
    for (let i = 280; i > 10; i -= 9) {
      diffs.splice(i, 0, diffs[i - 1]!);
      recv.splice(i, 0, recv[i - 1]!);
    }
    diffs[150] = '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":';
    await Deno.writeTextFile(`${session}/diffs.jsonl`, diffs.join("\n") + '\n{"stream":"btc');
    await Deno.writeTextFile(`${session}/diffs.recv_ns`, recv.join("\n") + "\n");
    const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
    meta.snapshots[0].recvNs = "1700000000123456789";
    await Deno.writeTextFile(`${session}/metadata.json`, JSON.stringify(meta));
    const files = await resolveSession(session);
    for (
      const c of [
        { format: "jsonl", ringCapacity: 8 },
        { format: "stdout", useTrades: false, ringCapacity: 8 },
        { format: "bincode", cancelModel: "head", ringCapacity: 64 },
      ] as Case[]
    ) {
      ok(await sameBothWays(files, c) > 1000);
    }
    // The damage was seen (and the same on both threads, checked above).
    const warned: string[] = [];
    const r = await replayPiped(files, { format: "bincode", onWarning: (m) => warned.push(m) });
    equal(r.stats.resyncs, 1);
    ok(r.stats.skipped >= 10, `skipped ${r.stats.skipped}`);
    equal(r.stats.endedInGap, true);
    equal(r.stats.malformed, 1);
    ok(warned.some((m) => m.includes("last line truncated")), warned.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two-thread replay stops with the Worker's error when the Worker fails, instead of waiting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 300, 3);
    const files = await resolveSession(session);
    // The output is a directory: the Worker cannot open it. A 4-record ring fills at once, so the
    // producer is waiting for room when the Worker fails.
    await rejects(
      replayPiped(files, { format: "jsonl", out: dir, ringCapacity: 4 }),
      (e: Error) => e.message.startsWith("replay L3 worker:") && !/did not start/.test(e.message),
    );
    // With room to spare, the error comes at the end, the same.
    await rejects(replayPiped(files, { format: "jsonl", out: dir }), /replay L3 worker:/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "two-thread replay of the real Hyperliquid fixture writes the single-thread bytes, counters and warnings",
  ignore: !exists(HL_DIR),
  async fn() {
    const files = await resolveSession(HL_DIR);
    const pipe = new ReplayPipeline();
    try {
      ok(await sameBothWays(files, { format: "jsonl" }, pipe) > 300);
      ok(await sameBothWays(files, { format: "bincode", useTrades: false, ringCapacity: 8 }, pipe) > 300);
      const c: Case = { format: "stdout", cancelModel: "proportional", ringCapacity: 64 };
      ok(await sameBothWays(files, c, pipe) > 300);
    } finally {
      pipe.close();
    }
  },
});

Deno.test("a closed ReplayPipeline fails its replay in progress and every later one, without waiting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 2000, 9);
    const files = await resolveSession(session);
    const pipe = new ReplayPipeline();
    // A 16-record ring: the parser soon waits for room, and must stop when the Worker is gone.
    const running = pipe.replay(files, { format: "jsonl", ringCapacity: 16 });
    await Promise.resolve();
    pipe.close();
    await rejects(running, /closed/);
    await rejects(pipe.replay(files, { format: "jsonl" }), /closed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
