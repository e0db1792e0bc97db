/**
 * The `metadata.json` keys both venues write, with the same names and meanings (venue-specific
 * keys come on top: Binance `snapshots`, update ids, `other`, `resyncs`; Hyperliquid
 * `connections`, `bookCount`, scales, …). The capture writer adds `parts` and `stopped`.
 *
 * Older captures used other names for some of them (Binance `startedAtNs`, `symbol`; Hyperliquid
 * `startedNs` was already right, `coin`, `messageCount`, `tradeMessages`); replay reads both.
 * @module
 */
import type { CaptureStop } from "./capture_writer.ts";
import type { CapturePart } from "./capture_lines.ts";

/** The keys every venue's `metadata.json` has. */
export interface CaptureMetadataCommon {
  /** Layout version: "hft-ts/binance-capture/2" or "hft-ts/hyperliquid-capture/2". */
  format: string;
  /** "binance" or "hyperliquid". */
  venue: string;
  /** The venue's instrument name as given (`--symbol` / `--coin`), e.g. "PURR/USDC". */
  instrument: string;
  /** Its folder under the capture directory (`capture_names.ts`), e.g. "PURR-USDC". */
  folder: string;
  /** Session label (the session folder). */
  session: string;
  /** WebSocket URL requested. */
  wsUrl: string;
  /** Capture start, ns since the epoch. */
  startedNs: number;
  /** Capture start, ISO 8601. */
  startedAt: string;
  /** Lines of the main stream (`diffs.jsonl` / `messages.jsonl`). */
  messages: number;
  /** Trade frames captured. */
  trades: number;
  /** Lines whose CR/LF bytes were replaced by spaces (all streams). */
  sanitizedLines: number;
  /** Non-text frames captured as `{"binaryFrame":…}` lines (all streams). */
  binaryFrames: number;
  /** True once the capture was closed cleanly (false after a write error). */
  complete: boolean;
  /** Written by the capture writer: every stream's parts, in order. */
  parts?: Record<string, CapturePart[]>;
  /** Written by the capture writer: null, or why writing stopped early. */
  stopped?: CaptureStop | null;
}

/** The common keys of a capture starting now (counts 0, `complete` false). */
export function commonMetadata(
  format: string,
  venue: string,
  instrument: string,
  folder: string,
  session: string,
  wsUrl: string,
  startedNs: number,
): CaptureMetadataCommon {
  return {
    format,
    venue,
    instrument,
    folder,
    session,
    wsUrl,
    startedNs,
    startedAt: new Date(startedNs / 1e6).toISOString(),
    messages: 0,
    trades: 0,
    sanitizedLines: 0,
    binaryFrames: 0,
    complete: false,
  };
}
