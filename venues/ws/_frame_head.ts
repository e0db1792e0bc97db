/**
 * Private: the RFC 6455 frame header as a client reads it (pure, no I/O, no allocation). A server
 * frame is unmasked; its header is 2, 4 or 10 bytes. {@linkcode readFrameHead} decodes the header
 * at `pos` into a caller-owned {@linkcode FrameHead} and returns a code: the header length, 0
 * when more bytes are needed, or a negative {@linkcode HeadError} (the connection must then be
 * failed with close code 1002, or 1009 for a frame beyond the size limit).
 * @module
 */

/** Opcodes (RFC 6455 §5.2). */
export const Op = {
  /** A continuation frame of a fragmented message. */
  Continuation: 0x0,
  /** A text frame. */
  Text: 0x1,
  /** A binary frame. */
  Binary: 0x2,
  /** Close. */
  Close: 0x8,
  /** Ping. */
  Ping: 0x9,
  /** Pong. */
  Pong: 0xa,
} as const;

/** Why a header is invalid (negative return codes of {@linkcode readFrameHead}). */
export const HeadError = {
  /** RSV1..3 set (no extension was negotiated). */
  Reserved: -1,
  /** An opcode RFC 6455 does not define. */
  Opcode: -2,
  /** A control frame that is fragmented or longer than 125 bytes. */
  Control: -3,
  /** The server masked the frame (servers must not). */
  Masked: -4,
  /** Payload longer than the limit. */
  TooBig: -5,
  /** A 16- or 64-bit length that is not minimal, or beyond 2^53. */
  Length: -6,
} as const;

/** Text of a {@linkcode HeadError} code. */
export function headErrorText(code: number): string {
  switch (code) {
    case HeadError.Reserved:
      return "reserved bits set";
    case HeadError.Opcode:
      return "unknown opcode";
    case HeadError.Control:
      return "fragmented or oversized control frame";
    case HeadError.Masked:
      return "masked frame from the server";
    case HeadError.TooBig:
      return "frame larger than the limit";
    default:
      return "bad payload length";
  }
}

/** A decoded header (caller-owned, reused). */
export class FrameHead {
  /** FIN bit. */
  fin = false;
  /** Opcode (see {@linkcode Op}). */
  opcode = 0;
  /** Payload length, bytes. */
  length = 0;
}

/**
 * Decode the frame header at `buf[pos..end)` into `out`. Returns the header length (2, 4 or 10),
 * 0 when `buf` does not hold the whole header yet, or a negative {@linkcode HeadError}.
 * `maxPayload` bounds the payload length.
 */
export function readFrameHead(
  buf: Uint8Array,
  pos: number,
  end: number,
  maxPayload: number,
  out: FrameHead,
): number {
  if (end - pos < 2) return 0;
  const b0 = buf[pos]!, b1 = buf[pos + 1]!;
  if ((b0 & 0x70) !== 0) return HeadError.Reserved;
  const op = b0 & 0x0f;
  if (op > 2 && (op < 8 || op > 10)) return HeadError.Opcode;
  if ((b1 & 0x80) !== 0) return HeadError.Masked;
  let len = b1 & 0x7f;
  let head = 2;
  if (op >= 8 && ((b0 & 0x80) === 0 || len > 125)) return HeadError.Control;
  if (len === 126) {
    if (end - pos < 4) return 0;
    len = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (len < 126) return HeadError.Length;
    head = 4;
  } else if (len === 127) {
    if (end - pos < 10) return 0;
    const hi = (buf[pos + 2]! << 24 >>> 0) + (buf[pos + 3]! << 16) + (buf[pos + 4]! << 8) + buf[pos + 5]!;
    const lo = (buf[pos + 6]! << 24 >>> 0) + (buf[pos + 7]! << 16) + (buf[pos + 8]! << 8) + buf[pos + 9]!;
    if (hi >= 1 << 21) return HeadError.Length;
    len = hi * 4294967296 + lo;
    if (len < 65536) return HeadError.Length;
    head = 10;
  }
  if (len > maxPayload) return HeadError.TooBig;
  out.fin = (b0 & 0x80) !== 0;
  out.opcode = op;
  out.length = len;
  return head;
}

/**
 * One masked client frame (FIN set) of `opcode` carrying `payload`, masked with `key` (4 bytes).
 * Allocates (sends are rare: subscriptions, pongs, close).
 */
export function encodeClientFrame(opcode: number, payload: Uint8Array, key: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(key.subarray(0, 4), head);
  for (let i = 0; i < n; i++) out[head + 4 + i] = payload[i]! ^ key[i & 3]!;
  return out;
}

/** The payload of a close frame: `code` (2 bytes, big-endian) and `reason` in UTF-8. */
export function closePayload(code: number, reason: string): Uint8Array {
  const r = new TextEncoder().encode(reason);
  const out = new Uint8Array(2 + r.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(r, 2);
  return out;
}
