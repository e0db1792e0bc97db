/**
 * Test helper: a Worker that drains a replay pipe ring (`replay/_pipe_reader.ts`) into a stage
 * that records, per call, what the L3 consumer would be given (`PipeEcho`), and posts the list
 * back — or `{error}` after raising the pipe's fail flag. With `stall: true` it says it started and
 * never reads (a stuck Worker).
 * @module
 */
/// <reference lib="deno.worker" />
import { PipeReader } from "../replay/_pipe_reader.ts";
import { PipeFlag, wakeProducer } from "../replay/_pipe_records.ts";
import type { PipeMessage } from "../replay/_pipe_codec.ts";
import type { BookContext } from "../replay/_context.ts";
import type { LocalStage } from "../replay/_stage.ts";
import { Flag, RecordKind } from "../market/record.ts";
import { echoHeader, type EchoLevel, type PipeEcho } from "./_pipe_echo.ts";

// The `LocalStage` calls the reader makes, recorded.
class RecordingStage {
  readonly useTrades = true;
  readonly got: PipeEcho[] = [];

  writeFrom(r: PipeMessage, ctx: BookContext): void {
    const levels: EchoLevel[] = [];
    const n = r.count === 1 && r.isEmpty(0) ? 0 : r.count;
    for (let i = 0; i < n; i++) {
      levels.push([(r.isBid(i) ? Flag.BID : 0) | (r.isEmpty(i) ? Flag.EMPTY : 0), r.price(i), r.qty(i)]);
    }
    this.got.push(echoHeader(r, r.messageKind === RecordKind.Trade ? undefined : ctx, levels));
  }

  updateStrided(
    r: PipeMessage,
    ctx: BookContext,
    words: Float64Array,
    p0: number,
    stride: number,
    nb: number,
    n: number,
  ): void {
    const levels: EchoLevel[] = [];
    for (let i = 0; i < n; i++) {
      levels.push([i < nb ? Flag.BID : 0, words[p0 + i * stride]!, words[p0 + i * stride + 1]!]);
    }
    this.got.push(echoHeader(r, ctx, levels));
  }

  unchanged(): void {
    this.got.push({ call: "unchanged" });
  }

  dropTrades(): void {
    this.got.push({ call: "dropTrades" });
  }
}

self.onmessage = (
  e: MessageEvent<{ ring: SharedArrayBuffer; flags: SharedArrayBuffer; stall?: boolean }>,
) => {
  const flags = new Int32Array(e.data.flags);
  try {
    Atomics.store(flags, PipeFlag.Started, 1);
    Atomics.notify(flags, PipeFlag.Started);
    if (e.data.stall) return;
    const stage = new RecordingStage();
    new PipeReader(e.data.ring, stage as unknown as LocalStage, flags).run();
    self.postMessage({ got: stage.got });
  } catch (err) {
    Atomics.store(flags, PipeFlag.Failed, 1);
    wakeProducer(flags);
    self.postMessage({ error: String(err) });
  }
};
