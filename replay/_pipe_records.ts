/**
 * Private: what the two-thread replay passes from the parsing thread (`_pipe_stage.ts`) to the
 * L3 Worker (`_pipe_reader.ts`) over the project's SPSC ring (`spsc/`).
 *
 * Contract:
 * - Every ring record is {@linkcode PIPE_RECORD_SIZE} = 16 bytes: two f64 cells `(a, b)`. Small
 *   integers, prices, quantities, update ids and times are all integers held in f64 exactly as
 *   the single-thread replay holds them (NaN passes through for an empty side's best price).
 * - A message is a header record `(op, x)` and a fixed number of records per op (below), then,
 *   for `Diff` and `Snapshot`, one `(price, qty)` record per level, bids first. A message may
 *   straddle the ring's wrap and any number of flushes; the reader never needs it whole.
 * - The messages are exactly the calls of the `L3Stage` contract (`_stage.ts`), in order, so a
 *   `LocalStage` replaying them emits the same events as the single-thread replay.
 * - One producer (the replay's thread), one consumer (the Worker). A full ring makes the
 *   producer wait for room (nothing is ever dropped); the Worker raises a shared fail flag when
 *   it fails, and the producer gives up on a Worker that has not started reading after 10 s
 *   (an uncaught Worker error is also seen by `ReplayPipeline`, which ends the replay).
 * @module
 */
import { DATA_OFFSET } from "../spsc/layout.ts";
import type { OutFormat } from "./writers.ts";
import type { CancelModel } from "./l3.ts";
import type { TradeWindowOptions } from "./trade_window.ts";

/** Bytes per ring record (two f64). */
export const PIPE_RECORD_SIZE = 16;

const DATA_F64 = DATA_OFFSET >> 3; // f64 index of the ring's first record

/**
 * Records from the one at f64 index `i` (a record's first cell) to the end of a ring of
 * `capacity` records: how many can be read or written as consecutive f64 pairs before the wrap.
 */
export function recordsToWrap(i: number, capacity: number): number {
  return capacity - ((i - DATA_F64) >> 1);
}

/** Message kinds: the `a` cell of a header record. */
export const PipeOp = {
  /** `(Recv, sec)`, `(subNs, 0)`: the receive time of the events from now on. */
  Recv: 1,
  /** `(Diff, nBids)`, `(nAsks, lastId)`, `(eventTimeMs, firstId)`, then nBids + nAsks levels. */
  Diff: 2,
  /** `(Best, bb0)`, `(ba0, bb1)`, `(ba1, 0)`: best prices around the next diff (fill attribution). */
  Best: 3,
  /** `(Resync, lastId)`, `(eventTimeMs, 0)`. */
  Resync: 4,
  /** `(Unchanged, 0)`: a depth frame that changed nothing. */
  Unchanged: 5,
  /** `(Trade, price)`, `(qty, 1 if the bid was consumed else 0)`, `(timeMs, 0)`. */
  Trade: 6,
  /** `(Snapshot, updateId)`, `(recvSec, recvSubNs)`, `(nBids, nAsks)`, then the levels best first. */
  Snapshot: 7,
} as const;

/** The first message to the L3 Worker: where to read and what to write. */
export interface PipeInit {
  /** The ring (`createRingBuffer` with {@linkcode PIPE_RECORD_SIZE}-byte records). */
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
  /** The scale the events state (the capture's). */
  scale?: { priceDecimals: number; qtyDecimals: number };
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
