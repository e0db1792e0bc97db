/**
 * Hyperliquid `l2Book`: wire types, the pure byte-level parser, snapshot diffing, the heartbeat,
 * the live handler, capture and the local simulator.
 * @module
 */
export {
  type BookWire,
  HL_BOOK_DEPTH,
  HL_GREETING,
  HL_PING,
  HL_PRICE_SCALE,
  HL_SIZE_SCALE,
  type L2BookSubscriptionWire,
  type LevelWire,
  type MessageWire,
  type RequestWire,
  type TradeWire,
} from "./types.ts";
export {
  HL_MSG_NAMES,
  HL_PARSE_ERROR_TEXT,
  HlFrame,
  HlMsg,
  HlParseError,
  SideLevels,
  TradeList,
} from "./frame.ts";
export { HlParser, type HlParserOptions, newHlFrame } from "./parse.ts";
export { BookDiffer, ChangeList, type DiffTotals, LEVEL_CHANGE_NAMES, LevelChange } from "./diff.ts";
export { formatHl, formatTrimmed } from "./format.ts";
export { Heartbeat, HeartbeatAction, type HeartbeatOptions } from "./heartbeat.ts";
export { checkDepth, HL_DEFAULT_WS_URL, type HyperliquidConfig, l2BookSubscription } from "./config.ts";
export { HyperliquidHandler, type HyperliquidStats } from "./handler.ts";
export { HlCapture, type HlCaptureMetadata, type HlCaptureOptions } from "./capture.ts";
export {
  type HlSimEvent,
  type HlSimFault,
  type HlSimOptions,
  HyperliquidSimulator,
  validateSubscription,
} from "../../sim/hyperliquid/simulator.ts";
