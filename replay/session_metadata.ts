/**
 * `metadata.json` of a capture session as replay reads it: {@linkcode CaptureMetadata} (every
 * venue's keys, all optional: a killed capture may lack some) and {@linkcode normalizeMetadata},
 * which maps older key names onto the common keys of `venues/capture_metadata.ts`.
 * @module
 */

/**
 * `metadata.json` as the capture writers write it (fields optional: a killed capture may lack
 * some). Binance and Hyperliquid fields share the one type; each venue uses its own.
 */
export interface CaptureMetadata {
  /** Layout version, e.g. "hft-ts/hyperliquid-capture/1" (Hyperliquid only). */
  format?: string;
  /** Venue, e.g. "binance" or "hyperliquid". */
  venue?: string;
  /** Hyperliquid coin, e.g. "BTC". */
  coin?: string;
  /** Hyperliquid: where each connection starts, as the 0-based line of messages.jsonl. */
  connections?: { line: number; wallNs?: number }[];
  /** Hyperliquid: levels per side of a full window (20, or 5 with `fast`). */
  bookDepth?: number;
  /** Hyperliquid: data file names. */
  files?: { messages?: string; recvNs?: string };
  /** Symbol, e.g. "BTCUSDT". */
  symbol?: string;
  /** Binance market: "spot" or "usdm" (older captures: absent; replay then looks for `pu`). */
  market?: string;
  /** Session label. */
  session?: string;
  /** Snapshot files in the order they were received. */
  snapshots?: { file: string; lastUpdateId?: number; recvNs?: number | string; diffLinesBefore?: number }[];
  /** First update id captured. */
  firstUpdateId?: number;
  /** Last update id captured. */
  lastUpdateId?: number;
  /** Depth messages captured. */
  messages?: number;
  /** Last update id applied to the live book. */
  lastAppliedUpdateId?: number;
  /** Resyncs during the capture. */
  resyncs?: number;
  /** Binance: prices were integers × 10^priceDecimals (the finest scale the live handler used). */
  priceDecimals?: number;
  /** Binance: quantities were integers × 10^qtyDecimals. */
  qtyDecimals?: number;
  /** Hyperliquid: prices were integers × 10^priceScale (the scale the live handler ended at). */
  priceScale?: number;
  /** Hyperliquid: sizes were integers × 10^sizeScale. */
  sizeScale?: number;
  /** True once the capture closed cleanly. */
  complete?: boolean;
  /** The venue's instrument name (older captures: `symbol` / `coin`). */
  instrument?: string;
  /** Capture start, ns since the epoch (older Binance captures: `startedAtNs`). */
  startedNs?: number;
  /** Older Binance name of `startedNs`. */
  startedAtNs?: number;
  /** Trade frames captured (older Hyperliquid captures: `tradeMessages`). */
  trades?: number;
  /** Older Hyperliquid name of `messages`. */
  messageCount?: number;
  /** Older Hyperliquid name of `trades`. */
  tradeMessages?: number;
  /** Every stream's parts in order (rotated captures). */
  parts?: Record<string, { file: string; recvNs?: string; lines?: number; closed?: boolean }[]>;
  /** Why the capture stopped writing early (a write error), or null. */
  stopped?: { reason: string; atNs?: number } | null;
}

/**
 * Fill the common keys from their older names (in place; returns `m`): `instrument` from
 * `symbol`/`coin`, `messages` from `messageCount`, `trades` from `tradeMessages`, `startedNs`
 * from `startedAtNs`. Keys already present win.
 */
export function normalizeMetadata(m: CaptureMetadata): CaptureMetadata {
  m.instrument ??= m.coin ?? m.symbol;
  m.messages ??= m.messageCount;
  m.trades ??= m.tradeMessages;
  m.startedNs ??= m.startedAtNs;
  if (m.venue === "hyperliquid") m.coin ??= m.instrument;
  else if (m.venue === "binance") m.symbol ??= m.instrument;
  return m;
}
