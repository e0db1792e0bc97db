/**
 * Private: what the two-thread replay passes from the adapter's thread (`_pipe_stage.ts`) to the
 * L3 Worker (`_pipe_reader.ts`): the normalized records themselves (64-byte slots of the
 * project's SPSC ring, `market/record.ts`), each book message preceded by its context message and
 * with the replay-private control messages between (`_context.ts` `ReplayKind`).
 *
 * One producer (the replay's thread), one consumer (the Worker). A full ring makes the producer
 * wait for room (nothing is ever dropped); the Worker raises a shared fail flag when it fails, and
 * the producer gives up on a Worker that has not started reading after `START_TIMEOUT_MS`.
 * @module
 */
import type { OutFormat } from "./writers.ts";
import type { CancelModel } from "./l3.ts";
import type { TradeWindowOptions } from "./trade_window.ts";

/** The first message to the L3 Worker: where to read and what to write. */
export interface PipeInit {
  /** The ring (`createRecordRing`: 64-byte records). */
  ring: SharedArrayBuffer;
  /** Int32[2]: the Worker stores 1 in `[1]` when it starts reading and in `[0]` when it failed. */
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
