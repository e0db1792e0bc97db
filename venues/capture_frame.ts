/**
 * How a capture records a WebSocket frame that is not text. Both venues send JSON text frames
 * only; a binary frame (an `ArrayBuffer`, a typed array, a `Blob`) or any other value must still
 * never kill a session, so it becomes ONE JSON line:
 * `{"binaryFrame":"<base64 of the bytes>","bytes":<n>}`. A `Blob` cannot be read synchronously,
 * so it is recorded as `{"binaryFrame":null,"blob":true,"bytes":<n>}` (the sockets ask for
 * `binaryType = "arraybuffer"`, so a Blob only arrives from a misconfigured socket); any other
 * value as `{"binaryFrame":null,"type":"<typeof>"}`. Allocates (binary frames are not expected).
 * @module
 */

/** The key that marks a captured non-text frame. */
export const BINARY_FRAME_KEY = "binaryFrame";

/** The bytes of a binary frame, or undefined when `data` is not binary (or not readable now). */
export function frameBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** Byte length of a non-text frame (0 when unknown). */
export function frameByteLength(data: unknown): number {
  const b = frameBytes(data);
  if (b !== undefined) return b.length;
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.size;
  return 0;
}

/** The one-line JSON text recorded for a non-text frame (see the module doc). */
export function binaryFrameLine(data: unknown): string {
  const b = frameBytes(data);
  if (b !== undefined) return `{"${BINARY_FRAME_KEY}":"${base64(b)}","bytes":${b.length}}`;
  if (typeof Blob !== "undefined" && data instanceof Blob) {
    return `{"${BINARY_FRAME_KEY}":null,"blob":true,"bytes":${data.size}}`;
  }
  return `{"${BINARY_FRAME_KEY}":null,"type":${JSON.stringify(data === null ? "null" : typeof data)}}`;
}

function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 0x8000)));
  }
  return btoa(s);
}
