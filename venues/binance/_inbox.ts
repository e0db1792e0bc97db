/**
 * The Binance handler's inbox: the shared {@linkcode Inbox} ring (`venues/_inbox.ts`) and the
 * Binance entry kinds with the meaning of their text and numbers a..d.
 * @module
 */

export { Inbox } from "../_inbox.ts";

/** Inbox entry kinds. */
export const InKind = {
  /**
   * A WebSocket frame, a = generation of the socket it came from: a text frame is its UTF-8 bytes
   * (`hasBytes`: `bytes[start, end)`), a non-text frame is queued as it came (in the text slot).
   */
  Message: 1,
  /** The socket opened: text = URL, a = generation. */
  Open: 2,
  /** The socket closed: text = reason, a = generation, b = close code. */
  Close: 3,
  /** A connect attempt failed: text = error, a = generation, b = 1 when retrying cannot help. */
  ConnectFailed: 4,
  /**
   * A snapshot response: text = body, a = HTTP status (0 = network error or timeout, -1 = a
   * request that can never be made: a missing permission or an invalid URL; text = why), b =
   * Retry-After s (NaN), c = used weight (NaN), d = the request's tag (`BookSync.snapshotRequested`).
   */
  Snapshot: 5,
  /** The connection reached its planned lifetime (24 h rule): a = generation. */
  Renew: 6,
} as const;
