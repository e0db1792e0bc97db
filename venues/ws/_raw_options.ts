/**
 * Private: the callbacks and options of `RawWebSocket` (re-exported by `raw_socket.ts`).
 * @module
 */

/** What the socket tells its owner. */
export interface RawWsEvents {
  /** A whole text message: `buf[start..end)`, valid only during the call. */
  onText(buf: Uint8Array, start: number, end: number): void;
  /** A whole binary message, as `onText`. */
  onBinary(buf: Uint8Array, start: number, end: number): void;
  /** After the messages of one read were delivered (at least one). */
  onBatch(): void;
  /** The connection ended (once): close code, reason, true when both sides sent a close frame. */
  onClose(code: number, reason: string, clean: boolean): void;
}

/** Options of {@linkcode RawWebSocket.open}. */
export interface RawWsOptions {
  /** Redirects followed (default 3). */
  maxHops?: number;
  /** Aborts the connect and handshake. */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Largest message accepted, bytes (default 16 MiB; beyond: close 1009). */
  maxMessageBytes?: number;
  /** Bytes asked per read (default 256 KiB). */
  readBytes?: number;
  /** Read only while this returns true (default: always); call `resume()` when it may read again. */
  canRead?: () => boolean;
  /** Connect + handshake deadline, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** After `close()`, drop the connection if the peer has not closed within this, ms (default 2000). */
  closeTimeoutMs?: number;
  /** wss: extra trusted CA certificates (PEM), e.g. a test's own; default: the system's roots. */
  caCerts?: string[];
}
