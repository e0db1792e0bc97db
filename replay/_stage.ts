/**
 * Private: where a venue adapter (`_binance_source.ts`, `_hl_source.ts`) hands each message of
 * the one replay driver. {@linkcode LocalStage} runs the consumer ({@linkcode RecordL3}) on the
 * calling thread; `PipeStage` (`_pipe_stage.ts`) ships the same calls through an SPSC ring to the
 * L3 Worker, where a `LocalStage` makes them again. Both give the same events in the same order,
 * byte for byte.
 * @module
 */
import type { RecordBatch } from "../market/record.ts";
import type { BookContext } from "./_context.ts";
import {
  RecordL3,
  type RecordL3Options,
  type RecordReader,
  type SideLevels,
  type StageTotals,
} from "./record_l3.ts";
import type { EventSink } from "./schema.ts";
import type { TradeTarget } from "./_trade_feed.ts";

export type { StageTotals } from "./record_l3.ts";

/** The consumer side of a replay, as an adapter sees it. Calls come in input order. */
export interface L3Stage {
  /** Trades are matched (the adapter reads and emits them); else they are not read. */
  readonly useTrades: boolean;
  /** A message of the instrument, after its book applied it (`ctx`: for book messages). */
  write(batch: RecordBatch, ctx: BookContext): void;
  /**
   * Optional direct path of an `update` when nothing but this stage listens to the stream: the
   * message's header in `header` (a batch begun, no records), its levels in `levels`. The same
   * events as {@linkcode L3Stage.write} of the whole message.
   */
  updateLevels?(header: RecordBatch, ctx: BookContext, levels: SideLevels): void;
  /**
   * Optional direct path of trades when nothing but this stage listens to the stream: the
   * adapter's trade feed pushes into it (the same as {@linkcode L3Stage.write} of each `trade`).
   */
  readonly tradeTarget?: TradeTarget;
  /** A venue message that changed nothing. */
  unchanged(): void;
  /** The book was discarded without a `clear` record: pending trades expire. */
  dropTrades(): void;
  /** The input ended: the totals (after every event is written). */
  finish(): Promise<StageTotals>;
}

/** A capture opened by its venue adapter: whether it feeds trades, and how to read it into a stage. */
export interface CaptureSource {
  /** Trades will be emitted (the stage must match them); false: the no-trades model. */
  readonly useTrades: boolean;
  /** Read the whole capture into `stage` (closes the inputs; does not finish the stage). */
  read(stage: L3Stage): Promise<void>;
}

/** Runs the consumer on this thread into an {@linkcode EventSink}. */
export class LocalStage implements L3Stage {
  readonly useTrades: boolean;
  readonly tradeTarget: TradeTarget | undefined;
  readonly #c: RecordL3;

  /** Emit into `sink` as `o` says. */
  constructor(sink: EventSink, o: RecordL3Options) {
    this.useTrades = o.useTrades;
    this.#c = new RecordL3(sink, o);
    this.tradeTarget = this.#c.trades;
  }

  write(batch: RecordBatch, ctx: BookContext): void {
    this.#c.batch(batch, ctx);
  }

  updateLevels(header: RecordBatch, ctx: BookContext, levels: SideLevels): void {
    this.#c.updateLevels(header, ctx, levels);
  }

  /** {@linkcode write} of a message read in place (the L3 Worker's ring). */
  writeFrom(records: RecordReader, ctx: BookContext): void {
    this.#c.message(records, ctx);
  }

  /** An `update` read in place, its levels strided in `words` (`RecordL3.updateStrided`; the L3 Worker's ring). */
  updateStrided(
    records: RecordReader,
    ctx: BookContext,
    words: Float64Array,
    p0: number,
    stride: number,
    nb: number,
    n: number,
  ): void {
    this.#c.updateStrided(records, ctx, words, p0, stride, nb, n);
  }

  unchanged(): void {
    this.#c.unchanged();
  }

  dropTrades(): void {
    this.#c.dropTrades();
  }

  finish(): Promise<StageTotals> {
    return Promise.resolve(this.#c.finish());
  }
}
