/**
 * Private: the configuration both Binance handlers take — one symbol (`BinanceHandlerConfig`)
 * and many (`BinanceMultiConfig`) extend it, so a key means the same in both.
 * @module
 */
import type { BackoffOptions } from "../backoff.ts";
import type { InstrumentTable } from "../../market/instrument.ts";
import type { SubscriberErrorHandler } from "../../market/stream.ts";
import type { RotatePolicy } from "../capture_rotation.ts";
import type { BinanceMarket, DepthSpeed } from "./markets.ts";
import type { WsTransport } from "./_ws_open.ts";

/** Keys of every Binance handler's configuration. */
export interface BinanceCommonConfig {
  /** Market: "spot" (default) or "usdm" (USD-M futures: fstream/fapi hosts, `pu` sync rules). */
  market?: BinanceMarket;
  /** Depth stream speed (spot 100ms|1000ms, USD-M 0ms|100ms|250ms|500ms; default 100ms). */
  depthStream?: DepthSpeed;
  /** REST base URL (default `https://api.binance.com`; USD-M `https://fapi.binance.com`). */
  restUrl?: string;
  /** Also subscribe to `<s>@trade` (and capture trades). */
  trades?: boolean;
  /** REST snapshot depth (default 1000). */
  snapshotLimit?: number;
  /** Stop after this many market-data messages (depth + trades, all symbols). */
  maxMessages?: number;
  /** Capture root directory (`--capture-dir`): `<dir>/<SYMBOL>/<session>/` per symbol. */
  captureDir?: string;
  /** Capture session label (default epoch ms). */
  captureSession?: string;
  /** Rotate capture files into parts (`--rotate`). */
  captureRotate?: RotatePolicy;
  /** Gzip capture parts as they close (`--gzip`). */
  captureGzip?: boolean;
  /** Reconnect backoff (default base 250 ms, max 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** Renew a connection after this long, ms (default 23.5 h; Binance closes at 24 h). */
  maxConnectionMs?: number;
  /** Emit diffStats at most this often, ms (default 1000). */
  statsIntervalMs?: number;
  /** Give up waiting for the peer to confirm the close at stop after this long, ms (default 2000). */
  closeTimeoutMs?: number;
  /** Abort a REST snapshot request after this long and retry (a failed snapshot), ms (default 10 000). */
  snapshotTimeoutMs?: number;
  /** Redirects followed per connect (default 3). */
  maxRedirects?: number;
  /** The instrument table the handler registers its instruments in (default: the thread's). */
  instruments?: InstrumentTable;
  /** Called when a subscriber throws (it has been removed); default: a line on stderr. */
  onSubscriberError?: SubscriberErrorHandler;
  /**
   * With the socket open, no depth frame for this long marks a book stale (one symbol: and
   * reconnects, also when none came at all since connecting), ms (default 10 000).
   */
  staleAfterMs?: number;
  /**
   * WebSocket transport: "raw" (default; `venues/ws/raw_socket.ts`: a burst of frames is one poll,
   * read-ahead bounded by `readAhead`) or "websocket" (Deno's `WebSocket`: reads ahead without bound).
   */
  transport?: WsTransport;
  /** "raw": a connection stops reading while its inbox holds this many entries (default 8192). */
  readAhead?: number;
}
