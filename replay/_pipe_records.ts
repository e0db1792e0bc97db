/**
 * Private: what the two-thread replay passes from the adapter's thread (`_pipe_stage.ts`) to the
 * L3 Worker (`_pipe_reader.ts`): the normalized records (`market/record.ts`) in the pipe's
 * compact encoding (`_pipe_codec.ts`: 16-byte slots of the project's SPSC ring, a header per
 * message and one slot per record), each book message preceded by its context message and with
 * the replay-private control messages between (`_context.ts` `ReplayKind`).
 *
 * One producer (the replay's thread), one consumer (the Worker). A full ring makes the producer
 * wait for room, asleep (nothing is ever dropped; {@linkcode PipeFlag}); the Worker raises a shared
 * fail flag when it fails, and the producer gives up on a Worker that has not started reading
 * after `START_TIMEOUT_MS`.
 * @module
 */
import type { OutFormat } from "./writers.ts";
import type { CancelModel } from "./l3.ts";
import type { TradeWindowOptions } from "./trade_window.ts";
import { HEADER_SLOTS } from "./_pipe_codec.ts";

/** The smallest ring the pipe takes, in slots (a message header and a record). */
export const MIN_SLOTS = 4;

/**
 * The Int32 words of {@linkcode PipeInit.fail}, shared by the replay's thread and the L3 Worker.
 * A full ring is waited out asleep: the producer raises `ProducerAsleep` and waits on `WakeSeq`;
 * the Worker, after releasing records, wakes it ({@linkcode wakeProducer}) once at least
 * {@linkcode wakeRoom} slots are free, and on any failure.
 */
export const PipeFlag = {
  /** 1 when the Worker failed. */
  Failed: 0,
  /** 1 once the Worker reads the ring. */
  Started: 1,
  /** 1 while the producer sleeps (or is about to) for room. */
  ProducerAsleep: 2,
  /** Bumped by every wake of the producer (its `Atomics.wait` word). */
  WakeSeq: 3,
} as const;

/** Int32 words of the flags buffer. */
export const PIPE_FLAG_WORDS = 4;

/**
 * Free slots a sleeping producer waits for in a ring of `capacity` (a quarter of it, and at least
 * a message header).
 */
export function wakeRoom(capacity: number): number {
  return Math.max(HEADER_SLOTS, capacity >> 2);
}

/** Wake the producer if it sleeps (or is about to): clears its flag, bumps the sequence, notifies. */
export function wakeProducer(flags: Int32Array): void {
  if (Atomics.exchange(flags, PipeFlag.ProducerAsleep, 0) === 0) return;
  Atomics.add(flags, PipeFlag.WakeSeq, 1);
  Atomics.notify(flags, PipeFlag.WakeSeq);
}

/** Raised on the replay's thread when the L3 Worker failed (its own error follows in `finish`). */
export class PipeWorkerFailed extends Error {
  override name = "PipeWorkerFailed";
  /** True when the Worker will not answer (it never started reading, or stopped freeing room): end it. */
  readonly noAnswer: boolean;
  /** `message`; `noAnswer` as above. */
  constructor(message: string, noAnswer = false) {
    super(message);
    this.noAnswer = noAnswer;
  }
}

/** The Worker's failure as an error for the caller (`Deno.errors.BrokenPipe` for a closed pipe). */
export function workerError(r: { error: string; name: string }): Error {
  if (r.name === "BrokenPipe") return new Deno.errors.BrokenPipe(r.error);
  return new Error(`replay L3 worker: ${r.error}`);
}

/** The first message to the L3 Worker: where to read and what to write. */
export interface PipeInit {
  /** The ring (16-byte slots, at least {@linkcode MIN_SLOTS}: `_pipe_codec.ts`). */
  ring: SharedArrayBuffer;
  /** Int32[{@linkcode PIPE_FLAG_WORDS}]: the {@linkcode PipeFlag} words. */
  fail: SharedArrayBuffer;
  /** Output format. */
  format: OutFormat;
  /** Output file; "-" = stdout; undefined = count the bytes only (benchmarks). */
  out?: string;
  /** Cancel model. */
  cancelModel: CancelModel;
  /** Trades attribute fills (else the no-trades heuristic). */
  useTrades: boolean;
  /** The trade matching window (default: `trade_window.ts`'s). */
  tradeWindow?: TradeWindowOptions;
}

/** The Worker's answer once the ring is closed and drained, or its failure. */
export type PipeReply =
  | {
    /** Events by `InferredKind`. */
    events: number[];
    /** Trade quantity matched, lots. */
    tradeQtyMatched: number;
    /** Trade quantity never matched, lots. */
    tradeQtyUnmatched: number;
    /** Events written. */
    written: number;
    /** Bytes written. */
    bytes: number;
  }
  | {
    /** The error message. */
    error: string;
    /** The error's class name (`BrokenPipe` for a closed stdout). */
    name: string;
  };
