/**
 * The Hyperliquid handler's input queue: the shared {@linkcode Inbox} ring (`venues/_inbox.ts`)
 * and the Hyperliquid entry kinds. I/O callbacks push raw input (frame text plus receive times,
 * or a connection event); `pollOnce` drains it. Number a is the close code (0 otherwise).
 * @module
 */

export { Inbox } from "../_inbox.ts";

/** Kinds of queued input. */
export const InKind = {
  /** The socket opened. */
  Open: 1,
  /** A text frame: text is the frame. */
  Message: 2,
  /** The socket closed: a = close code, text = reason. */
  Close: 3,
  /** The socket reported an error: text = message. */
  Error: 4,
  /** A socket cannot be made and retrying cannot help (a missing permission, a bad URL): text = why. */
  Fatal: 5,
} as const;
