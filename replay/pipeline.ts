/**
 * The two-thread replay, for every venue: this thread runs the venue adapter (read, parse, sync
 * or diff, book, normalized records: the same as `replayCapture`); a Worker runs the one consumer
 * (`record_l3.ts`: trade window, L3 inference) and writes the events. The records cross in an SPSC
 * ring of 16-byte slots in a compact encoding (`_pipe_codec.ts`: a header per message, 16 bytes
 * per record, where a normalized record is 64); an update's and a snapshot's levels go from the
 * ring straight into L3.
 *
 * Contract:
 * - Output bytes, warnings and counters equal the single-thread replay's for the same input and
 *   options (tested on the real fixture, with and without trades, for every format).
 * - The Worker owns the output: give a format and a path (`"-"`: stdout), not an `EventSink`.
 *   So there is no `onApplied` callback (events are written on the other thread), and
 *   `onProgress` sees `events` still 0 (they are counted by the Worker and added at the end).
 * - Starting a Worker costs tens of ms (a new isolate, its modules, a cold JIT), so one replay
 *   of a small capture is faster on one thread; {@linkcode ReplayPipeline} keeps its Worker for
 *   many replays, and `deno task replay --threads auto` pipelines only large inputs.
 * - On a failure of the Worker (e.g. a closed stdout) the replay stops and throws its error
 *   (`Deno.errors.BrokenPipe` for a closed pipe).
 * @module
 */
import { createRingBuffer } from "../spsc/layout.ts";
import type { CaptureFiles } from "./reader.ts";
import { openCapture, type ReplayOptions, runStage } from "./replay.ts";
import type { OutFormat } from "./writers.ts";
import type { ReplayStats } from "./summary.ts";
import { startReplay } from "./_driver.ts";
import {
  MIN_SLOTS,
  PIPE_FLAG_WORDS,
  PipeFlag,
  type PipeInit,
  type PipeReply,
  PipeWorkerFailed,
  wakeProducer,
  workerError,
} from "./_pipe_records.ts";
import { SLOT_BYTES } from "./_pipe_codec.ts";
import { PipeStage } from "./_pipe_stage.ts";

/** Options of the two-thread replay: {@linkcode ReplayOptions} with an output instead of a sink. */
export interface PipedReplayOptions extends Omit<ReplayOptions, "sink" | "onApplied"> {
  /** Output format the Worker writes. */
  format: OutFormat;
  /** Output file (`"-"`: stdout; undefined: count the bytes only, for benchmarks). */
  out?: string;
  /** Ring capacity in 16-byte slots (a power of two, at least 4; default 2^16, 1 MiB). */
  ringCapacity?: number;
}

/** What a two-thread replay returns. */
export interface PipedReplayResult {
  /** The counters, as `replayCapture` returns them. */
  stats: ReplayStats;
  /** Events written. */
  written: number;
  /** Bytes written. */
  bytes: number;
}

/**
 * A two-thread replayer that keeps its L3 Worker between replays (one spawn and one JIT warm-up
 * for many captures). One replay at a time; {@linkcode ReplayPipeline.close} ends the Worker.
 */
export class ReplayPipeline {
  #worker: Worker;
  #resolve: ((r: PipeReply) => void) | undefined;
  #busy = false;
  // Why the Worker is gone (an uncaught error, e.g. its module failed to load, or close()).
  #dead: { error: string; name: string } | undefined;
  #fail: Int32Array | undefined; // the fail flags of the replay in progress

  /** Spawn the L3 Worker (it inherits this thread's permissions). */
  constructor() {
    this.#worker = new Worker(new URL("./_pipe_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<PipeReply>) => this.#resolve?.(e.data);
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#die({ error: e.message, name: "Error" });
    };
  }

  // The Worker is gone: a replay waiting for it fails now, later ones at once.
  #die(why: { error: string; name: string }): void {
    this.#dead ??= why;
    this.#worker.terminate();
    if (this.#fail) {
      Atomics.store(this.#fail, PipeFlag.Failed, 1); // a producer waiting for room stops
      wakeProducer(this.#fail);
    }
    this.#resolve?.(why);
  }

  /** Replay a capture (either venue): the adapter here, L3 and the writer in the Worker. */
  async replay(files: CaptureFiles, opts: PipedReplayOptions): Promise<PipedReplayResult> {
    if (this.#busy) throw new TypeError("ReplayPipeline: one replay at a time");
    if (this.#dead) throw workerError(this.#dead);
    const capacity = opts.ringCapacity ?? 1 << 16;
    if (capacity < MIN_SLOTS) {
      throw new RangeError(`ringCapacity: at least ${MIN_SLOTS} slots, got ${capacity}`);
    }
    this.#busy = true;
    try {
      const run = startReplay(files, opts, files.venue === "hyperliquid" ? "hyperliquid" : "binance");
      const source = await openCapture(files, opts, run, opts.useTrades ?? true);
      const ring = createRingBuffer({ capacity, recordSize: SLOT_BYTES });
      const fail = new SharedArrayBuffer(PIPE_FLAG_WORDS * 4);
      this.#fail = new Int32Array(fail);
      const reply = new Promise<PipeReply>((resolve) => (this.#resolve = resolve));
      const init: PipeInit = {
        ring,
        fail,
        format: opts.format,
        out: opts.out,
        cancelModel: opts.cancelModel ?? "tail",
        useTrades: source.useTrades,
        tradeWindow: opts.tradeWindow,
      };
      this.#worker.postMessage(init);
      try {
        const stats = await runStage(source, run, new PipeStage(ring, fail, source.useTrades, reply));
        const r = await reply; // already answered: the stage's finish() awaited it
        if ("error" in r) throw workerError(r);
        return { stats, written: r.written, bytes: r.bytes };
      } catch (e) {
        if (!(e instanceof PipeWorkerFailed)) throw e;
        // A Worker that never started reading is ended; else its answer says what went wrong.
        if (e.noAnswer) this.#die({ error: e.message, name: "Error" });
        const r = await reply;
        throw "error" in r ? workerError(r) : e;
      }
    } finally {
      this.#resolve = undefined;
      this.#fail = undefined;
      this.#busy = false;
    }
  }

  /** End the Worker (a replay in progress fails). */
  close(): void {
    this.#die({ error: "the replay pipeline was closed", name: "Error" });
  }
}

/** Replay a capture on two threads (this one and a new L3 Worker, ended afterwards). */
export async function replayPiped(files: CaptureFiles, opts: PipedReplayOptions): Promise<PipedReplayResult> {
  const pipe = new ReplayPipeline();
  try {
    return await pipe.replay(files, opts);
  } finally {
    pipe.close();
  }
}
