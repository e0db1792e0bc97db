/**
 * Replay: a Binance or Hyperliquid capture through the live parse + sync/diff + book code into
 * the normalized records, one consumer of the records (L3 inference), and event writers.
 * @module
 */
export {
  BINCODE_RECORD_SIZE,
  type EventSink,
  FIXED_DECIMALS,
  FIXED_SCALE,
  InferredEvent,
  InferredKind,
  KIND_NAMES,
  Side,
  SIDE_NAMES,
} from "./schema.ts";
export {
  BincodeWriter,
  decodeAll,
  decodeEvent,
  encodeEvent,
  getU64,
  setU64,
  setU64SecNs,
} from "./bincode.ts";
export { createWriter, type EventWriter, JsonlWriter, type OutFormat, TextWriter } from "./writers.ts";
export { type ByteTarget, CountingTarget, MemoryTarget, OutBuffer } from "./out_buffer.ts";
export { LineReader, NsTime, parseNs } from "./lines.ts";
export { type CancelModel, type FillAttribution, L3Book, NO_FILLS } from "./l3.ts";
export { Attribution, heuristicFill } from "./classify.ts";
export * from "./trade_window.ts";
export {
  type CaptureFiles,
  type CaptureMetadata,
  explicitFiles,
  HL_CAPTURE_FORMAT,
  recvPathFor,
  resolveSession,
  type SnapshotRef,
  type Venue,
} from "./reader.ts";
export { replayCapture, type ReplayOptions } from "./replay.ts";
export { type PipedReplayOptions, type PipedReplayResult, replayPiped, ReplayPipeline } from "./pipeline.ts";
export { RecordL3, type RecordL3Options, type RecordReader, type StageTotals } from "./record_l3.ts";
export { PublishHook } from "./publish.ts";
export { PACE_SLACK_NS, RecordedPace, type Sleep, timerSleep } from "./pace.ts";
export { CountingSink, formatSummary, NULL_SINK, ReplayStats, TeeSink } from "./summary.ts";
export {
  AccuracyCollector,
  type AccuracyScore,
  formatAccuracy,
  loadTruth,
  scoreAccuracy,
  type TruthEvent,
} from "./accuracy.ts";
export { PIPE_AUTO_BYTES, type ReplayCliConfig, runReplay, usePipeline } from "./cli.ts";
export type { Clock } from "../engine/clock.ts";
