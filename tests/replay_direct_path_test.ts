/**
 * The Binance adapter's direct path (only the L3 consumer listens: an applied diff's levels read
 * from the diff, trades straight into the trade window, on two threads the records written into
 * the ring from the diff's arrays) against the records path (a no-op subscriber on the stream
 * forces every message through `MarketStream`): the same bytes and counters, on one thread and
 * on two (through a small ring that fills all the time), on the real ETHUSDT fixture and on a
 * synthetic session with a resync, with and without trades; and the subscriber sees every message
 * with gap-free `seq`s.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { replayCapture, type ReplayOptions } from "../replay/replay.ts";
import { ReplayPipeline } from "../replay/pipeline.ts";
import { type CaptureFiles, resolveSession } from "../replay/reader.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { RecordKind } from "../market/record.ts";
import type { MarketStream } from "../market/stream.ts";
import { ETH_DIR, haveFixture, writeSyntheticSession } from "./_replay_helpers.ts";

function comparable(s: ReplayStats): Record<string, unknown> {
  const o: Record<string, unknown> = { ...s };
  delete o.elapsedNs;
  return o;
}

/** What a no-op subscriber saw: messages by kind and whether every `seq` followed the previous. */
class Seen {
  book = 0;
  trades = 0;
  seqGaps = 0;
  #bookSeq = 0;
  #tradeSeq = 0;
  attach(s: MarketStream): void {
    s.subscribe((b) => {
      if (b.messageKind === RecordKind.Trade) {
        this.trades++;
        if (b.seq !== ++this.#tradeSeq) this.seqGaps++;
      } else {
        this.book++;
        if (b.seq !== ++this.#bookSeq) this.seqGaps++;
      }
    });
  }
}

async function oneThread(
  files: CaptureFiles,
  listen: Seen | undefined,
  useTrades: boolean,
): Promise<[Uint8Array, ReplayStats]> {
  const t = new MemoryTarget();
  const w = createWriter("bincode", t);
  const opts: ReplayOptions = { sink: w, useTrades };
  if (listen) opts.onStream = (s) => listen.attach(s);
  const stats = await replayCapture(files, opts);
  w.flush();
  return [t.bytes(), stats];
}

async function twoThreads(
  pipe: ReplayPipeline,
  files: CaptureFiles,
  listen: Seen | undefined,
  useTrades: boolean,
  dir: string,
): Promise<[Uint8Array, ReplayStats]> {
  const out = `${dir}/events.bin`;
  const r = await pipe.replay(files, {
    format: "bincode",
    out,
    useTrades,
    ringCapacity: 256, // fills all the time: the adapter sleeps for room again and again
    onStream: listen ? (s) => listen.attach(s) : undefined,
  });
  return [await Deno.readFile(out), r.stats];
}

// With and without trades (fill attribution, or the no-trades model with its two-sided rule).
async function samePaths(files: CaptureFiles): Promise<void> {
  for (const useTrades of [true, false]) await samePathsWith(files, useTrades);
}

async function samePathsWith(files: CaptureFiles, useTrades: boolean): Promise<void> {
  const dir = await Deno.makeTempDir();
  const pipe = new ReplayPipeline();
  try {
    const [direct, s1] = await oneThread(files, undefined, useTrades);
    const seen = new Seen();
    const [records, s2] = await oneThread(files, seen, useTrades);
    ok(direct.length > 0);
    ok(seen.book > 0);
    equal(seen.seqGaps, 0);
    deepEqual(records, direct, "one thread: the records path writes the direct path's bytes");
    deepEqual(comparable(s2), comparable(s1));
    const [direct2, s3] = await twoThreads(pipe, files, undefined, useTrades, dir);
    const seen2 = new Seen();
    const [records2, s4] = await twoThreads(pipe, files, seen2, useTrades, dir);
    deepEqual(direct2, direct, "two threads, direct path");
    deepEqual(records2, direct, "two threads, records path");
    deepEqual(comparable(s3), comparable(s1));
    deepEqual(comparable(s4), comparable(s1));
    deepEqual([seen2.book, seen2.trades, seen2.seqGaps], [seen.book, seen.trades, 0]);
  } finally {
    pipe.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("direct path = records path, one and two threads, on the real ETHUSDT fixture", async () => {
  if (!haveFixture()) return;
  await samePaths(await resolveSession(ETH_DIR));
});

Deno.test("direct path = records path on a synthetic session with a gap (resync, clear)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { session } = await writeSyntheticSession(dir, 300, 5);
    const diffs = (await Deno.readTextFile(`${session}/diffs.jsonl`)).split("\n").filter((l) => l);
    const recv = (await Deno.readTextFile(`${session}/diffs.recv_ns`)).split("\n").filter((l) => l);
    diffs.splice(200, 1); // a lost line: the book is discarded (a `clear`), never recovered
    recv.splice(200, 1);
    await Deno.writeTextFile(`${session}/diffs.jsonl`, diffs.join("\n") + "\n");
    await Deno.writeTextFile(`${session}/diffs.recv_ns`, recv.join("\n") + "\n");
    const files = await resolveSession(session);
    const [, stats] = await oneThread(files, undefined, true);
    equal(stats.resyncs, 1);
    await samePaths(files);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
