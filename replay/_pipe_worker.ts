/**
 * Private: the L3 Worker of the two-thread replay. Receives one {@linkcode PipeInit} per
 * replay, drains the ring into a `LocalStage` writing the requested format, and answers with
 * the totals — or, on any failure, raises the shared fail flag (so the producer stops waiting
 * for room) and answers `{error, name}`. Stays alive for the next replay until terminated.
 * @module
 */
/// <reference lib="deno.worker" />
import { LocalStage } from "./_stage.ts";
import { PipeReader } from "./_pipe_reader.ts";
import { PipeFlag, type PipeInit, type PipeReply, wakeProducer } from "./_pipe_records.ts";
import { createWriter } from "./writers.ts";
import { type ByteTarget, CountingTarget } from "./out_buffer.ts";

self.onmessage = async (e: MessageEvent<PipeInit>) => {
  const init = e.data;
  let file: Deno.FsFile | undefined;
  let reply: PipeReply;
  try {
    const flags = new Int32Array(init.fail);
    Atomics.store(flags, PipeFlag.Started, 1);
    Atomics.notify(flags, PipeFlag.Started); // wakes a producer sleeping until the Worker starts
    let target: ByteTarget;
    if (init.out === undefined) target = new CountingTarget();
    else if (init.out === "-") target = Deno.stdout;
    else target = file = Deno.openSync(init.out, { write: true, create: true, truncate: true });
    const writer = createWriter(init.format, target);
    const stage = new LocalStage(writer, {
      cancelModel: init.cancelModel,
      useTrades: init.useTrades,
      tradeWindow: init.tradeWindow,
    });
    new PipeReader(init.ring, stage, flags).run();
    writer.flush();
    const totals = await stage.finish();
    reply = { ...totals, written: writer.count, bytes: writer.out.total };
  } catch (err) {
    const flags = new Int32Array(init.fail);
    Atomics.store(flags, PipeFlag.Failed, 1);
    wakeProducer(flags); // a producer asleep for room sees the failure now
    reply = {
      error: err instanceof Error ? err.message : String(err),
      name: err instanceof Error ? err.name : "Error",
    };
  } finally {
    file?.close();
  }
  self.postMessage(reply);
};
