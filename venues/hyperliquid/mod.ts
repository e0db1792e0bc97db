/**
 * Hyperliquid `l2Book`: wire types, the pure byte-level parser, snapshot diffing, the heartbeat,
 * the live handlers (one coin; many coins and channels), instrument precision from the venue's
 * metadata, capture and the local simulator.
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
  type MetaWire,
  type PerpAssetWire,
  type RequestWire,
  type SpotMetaWire,
  type SpotPairWire,
  type SpotTokenWire,
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
export {
  checkDepth,
  HL_DEFAULT_WS_URL,
  type HlCommonConfig,
  type HyperliquidConfig,
  type HyperliquidMultiConfig,
  l2BookSubscription,
} from "./config.ts";
export { HyperliquidHandler, type HyperliquidStats } from "./handler.ts";
export { HyperliquidMultiHandler, type MultiStats } from "./multi_handler.ts";
export {
  HL_PERP_MAX_DECIMALS,
  HL_SPOT_MAX_DECIMALS,
  type HlCoinDecimals,
  hlCoinDecimals,
  hlDexOf,
  hlMetaRequests,
  type HlMetaSet,
  hlRestUrlFor,
} from "./meta.ts";
export { HlMetaError, type HlMetaFetchOptions, HlUnknownCoinError, loadHlDecimals } from "./meta_fetch.ts";
export { HlCapture, type HlCaptureMetadata, type HlCaptureOptions, type HlExtraStream } from "./capture.ts";
export {
  type HlSimEvent,
  type HlSimFault,
  type HlSimOptions,
  type HlSimStats,
  HyperliquidSimulator,
  validateSubscription,
} from "../../sim/hyperliquid/simulator.ts";
