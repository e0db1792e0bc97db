/**
 * Binance Spot diff-depth: wire/domain types, the pure frame parser, the snapshot + diff sync
 * state machine and the snapshot request policy.
 *
 * API summary (stable):
 * - Types: `DepthDiff` (caller-owned out-object: firstId `U`, lastId `u`, eventTimeMs `E`,
 *   nBids/nAsks, bidPx/bidQty/askPx/askQty Float64Array, × 10^8), `Trade`, `DepthSnapshot`,
 *   `ParseError` + `isParseError`, `PRICE_SCALE` = `QTY_SCALE` = 8, wire types `*Wire`.
 * - Parse (pure, no I/O, never throws on bad input):
 *   `parseFrame(text: string, out: ParsedFrame): FrameKind`,
 *   `parseFrameBytes(bytes: Uint8Array, start: number, end: number, out: ParsedFrame): FrameKind`,
 *   `parseSnapshot(text: string): DepthSnapshot | ParseError`.
 *   `FrameKind` = Depth | Trade | AggTrade | ServerShutdown | Reply | ErrorReply | Unknown | Malformed;
 *   `ParsedFrame` {diff, trade, eventTimeMs, replyId, errorCode, errorMsg, reason, combined}.
 * - Sync (pure): `new BookSync(book: L2Book, {snapshotLimit?, maxBuffered?, resyncOnCrossed?,
 *   logger?, source?})`; `onDiff(diff): DiffResult` (Buffered | Applied | Skipped | Resync);
 *   `needsSnapshot`; `snapshotRequested()`; `snapshotFailed()`;
 *   `onSnapshot(snap): SnapshotResult` (Applied | Stale | Resync | Ignored);
 *   `reset(reason: ResyncReason, detail: string)`; `isSynced`, `buffered`, counters
 *   `received applied skipped levelsChanged resyncs staleSnapshots snapshots crossed`.
 *   With a logger, BookSync emits snapshotApplied / synchronized / resync / warning itself.
 * - Snapshot pacing (pure): `new SnapshotScheduler({limit?, weightPerMinute?, budgetFraction?,
 *   minIntervalMs?, ...})`; `canRequest(nowNs)`, `nextAllowedNs(nowNs)`, `onRequest(nowNs)`,
 *   `onResponse(nowNs, status, retryAfterS?, usedWeight1m?)`; `depthWeight(limit)`.
 *
 * Typical loop: `k = parseFrame(raw, pf)`; on `FrameKind.Depth` → `sync.onDiff(pf.diff)`; when
 * `sync.needsSnapshot && sched.canRequest(now)` → `sync.snapshotRequested(); sched.onRequest(now)`
 * and fetch `/api/v3/depth?symbol=…&limit=${sync.snapshotLimit}`; on the body →
 * `sched.onResponse(now, status, …)`, `s = parseSnapshot(body)`, `isParseError(s) ?
 * sync.snapshotFailed() : sync.onSnapshot(s)`; on ServerShutdown/disconnect →
 * `sync.reset(ResyncReason.ServerShutdown | Disconnect, "…")`.
 *
 * I/O pieces (binance-io): `BinanceHandler` (WebSocket + REST, engine handler), `BinanceSimulator`
 * (local venue on 127.0.0.1) and `BinanceCapture` (raw capture writer); see their files.
 * @module
 */
export {
  type AggTradeWire,
  type BookTickerWire,
  type CombinedWire,
  DepthDiff,
  type DepthSnapshot,
  type DepthSnapshotWire,
  type DepthUpdateWire,
  type ErrorReplyWire,
  isParseError,
  type LevelWire,
  type ParseError,
  PRICE_SCALE,
  QTY_SCALE,
  type ServerShutdownWire,
  type SubscribeReplyWire,
  Trade,
  type TradeWire,
} from "./types.ts";
export {
  FRAME_KIND_NAMES,
  FrameKind,
  MAX_FRAME_BYTES,
  ParsedFrame,
  parseFrame,
  parseFrameBytes,
  parseSnapshot,
} from "./parse.ts";
export { BookSync, type BookSyncOptions, DiffResult, SnapshotResult, type SyncRules } from "./sync.ts";
export { depthWeight, SnapshotScheduler, type SnapshotSchedulerOptions } from "./snapshot_scheduler.ts";
export { BinanceHandler, type BinanceHandlerConfig } from "./handler.ts";
export {
  BinanceSimulator,
  SIM_FAULTS,
  type SimFault,
  type SimStats,
  type SimulatorOptions,
} from "../../sim/binance/simulator.ts";
export {
  BinanceCapture,
  type BinanceCaptureOptions,
  type CaptureMetadata,
  type CaptureSnapshotInfo,
} from "./capture.ts";
export {
  BINANCE_MARKETS,
  type BinanceMarket,
  DEPTH_SPEEDS,
  type DepthSpeed,
  depthStreamName,
  marketDepthWeight,
  MESSAGES_PER_SECOND,
  usdmDepthWeight,
} from "./markets.ts";
export { type BinanceMultiConfig, BinanceMultiHandler, type BinanceMultiStats } from "./multi_handler.ts";
export { SymbolBook, type SymbolBookOptions } from "./symbol_book.ts";
export {
  BinanceMultiSimulator,
  MULTI_SIM_FAULTS,
  type MultiSimFault,
  type MultiSimStats,
  type MultiSimulatorOptions,
} from "../../sim/binance/multi_simulator.ts";
export type { BinanceCommonConfig } from "./_config_common.ts";
export type { WsTransport } from "./_ws_open.ts";
