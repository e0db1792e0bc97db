/**
 * The engine: run loop, handler contract, logger (producer side), event schema and codec,
 * logger Worker host, line formatting and sinks, the clock seam, and CPU pinning.
 * @module
 */
export { type Clock, FakeClock, systemClock } from "./clock.ts";
export { type EngineOptions, type EngineReport, runEngine } from "./engine.ts";
export type { EngineHandler, HandlerContext } from "./handler.ts";
export { DEFER_MAX, DEFER_NS, type HandlerEvent, Logger, type LoggerOptions, LoggerRing } from "./logger.ts";
export { type StartedLogger, startLogger, type StartLoggerOptions } from "./logger_host.ts";
export { type ConsumerStats, LoggerConsumer, type LoggerWorkerInit } from "./logger_consumer.ts";
export {
  EVENT_NAMES,
  EventKind,
  FLAG_TRUNCATED,
  type LogEvent,
  newLogEvent,
  RECORD_SIZE,
  RESYNC_NAMES,
  ResyncReason,
  TEXT_CAPACITY,
  TEXT_OFFSET,
} from "./events.ts";
export { decodeRecord, encodeHeader, encodeText, encodeUtf8Into, utf8Length } from "./codec.ts";
export { formatJson, formatNs, formatText, isoUtc, type LogFormat } from "./format.ts";
export { BatchSink, type LineSink, openSink } from "./sink.ts";
export { currentCpuList, pinCurrentThread, pinProcess, type PinResult, resolveCore } from "./pinning.ts";
export {
  type FakeTimer,
  FakeTimers,
  fixturePresent,
  testContext,
  type TestLogger,
  testLogger,
  waitUntil,
} from "./testing.ts";
export {
  type LongTimer,
  type LongTimerOptions,
  MAX_TIMER_MS,
  setLongInterval,
  setLongTimeout,
  systemTimers,
  type Timers,
} from "./timer.ts";
