/**
 * hft-ts: a low-latency crypto market-data pipeline on Deno. The public API as named
 * re-exports: the engine and the ring flat, each venue and replay as a namespace
 * (`binance`, `hyperliquid`, `replay`) because their wire types share names.
 *
 * ```ts
 * import { binance, runEngine, startLogger } from "./mod.ts";
 * const { logger } = await startLogger();
 * await runEngine([new binance.BinanceHandler({ symbol: "ETHUSDT" })], { logger, durationMs: 10_000 });
 * await logger.shutdown();
 * ```
 * @module
 */
export {
  type Clock,
  type ConsumerStats,
  currentCpuList,
  decodeRecord,
  encodeHeader,
  encodeText,
  encodeUtf8Into,
  type EngineHandler,
  type EngineOptions,
  type EngineReport,
  EVENT_NAMES,
  EventKind,
  FakeClock,
  FLAG_TRUNCATED,
  formatJson,
  formatNs,
  formatText,
  type HandlerContext,
  type HandlerEvent,
  type LineSink,
  type LogEvent,
  type LogFormat,
  Logger,
  LoggerConsumer,
  type LoggerOptions,
  LoggerRing,
  newLogEvent,
  openSink,
  pinCurrentThread,
  pinProcess,
  type PinResult,
  RECORD_SIZE,
  resolveCore,
  RESYNC_NAMES,
  ResyncReason,
  runEngine,
  type StartedLogger,
  startLogger,
  type StartLoggerOptions,
  systemClock,
  type TestLogger,
  testLogger,
  TEXT_CAPACITY,
  type Timers,
} from "./engine/mod.ts";
export {
  createRingBuffer,
  RingConsumer,
  type RingOptions,
  RingProducer,
  type WaitResult,
} from "./spsc/mod.ts";
export { BookSide, L2Book } from "./venues/book.ts";
export { type BookFormat, bookToJson, writeBookJson } from "./venues/book_json.ts";
export { decimalsOf, formatFixed, parseFixed, parseFixedBytes, parseFixedRange } from "./venues/decimal.ts";
export { Backoff, type BackoffOptions, type JitterMode, mulberry32 } from "./venues/backoff.ts";
export {
  CaptureLines,
  type CapturePart,
  type CaptureStop,
  CaptureWriter,
  type CaptureWriterOptions,
  type FrameData,
} from "./venues/capture_writer.ts";
export { type LinesHost } from "./venues/capture_lines.ts";
export { parseRotate, type RotatePolicy } from "./venues/capture_rotation.ts";
export { RawWebSocket, type RawWsEvents, type RawWsOptions } from "./venues/ws/mod.ts";
export * as binance from "./venues/binance/mod.ts";
export * as hyperliquid from "./venues/hyperliquid/mod.ts";
export * as replay from "./replay/mod.ts";
export * from "./market/mod.ts";
export * as testing from "./testing/mod.ts";
export * as ops from "./ops/mod.ts";
export {
  type InstrumentSnapshot,
  MetricsLink,
  type MetricsReply,
  type MetricsSnapshot,
  type SyncStateName,
} from "./ops/mod.ts";
