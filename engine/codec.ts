/**
 * Binary codec of logger records (layout in `events.ts`). Encoding writes straight into the
 * ring's memory and never allocates; decoding (Worker side) builds strings.
 * @module
 */
import { FLAG_TRUNCATED, type LogEvent, RECORD_SIZE, TEXT_CAPACITY, TEXT_OFFSET } from "./events.ts";

/** Write the fixed header and numeric fields of a record at byte offset `off`. No allocation. */
export function encodeHeader(
  view: DataView,
  off: number,
  kind: number,
  source: number,
  label: number,
  t: number,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
): void {
  view.setUint8(off, kind);
  view.setUint8(off + 1, 0);
  view.setUint16(off + 2, source, true);
  view.setUint16(off + 4, label, true);
  view.setUint16(off + 6, 0, true);
  view.setFloat64(off + 8, t, true);
  view.setFloat64(off + 16, a, true);
  view.setFloat64(off + 24, b, true);
  view.setFloat64(off + 32, c, true);
  view.setFloat64(off + 40, d, true);
  view.setFloat64(off + 48, e, true);
  view.setFloat64(off + 56, f, true);
}

/** True where typed arrays store little-endian (the records' byte order): every platform Deno runs on. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * {@linkcode encodeHeader} over one buffer, the same bytes, through 32- and 64-bit typed-array
 * stores where the platform's byte order is the layout's (15% fewer instructions per record than
 * the DataView calls); the DataView elsewhere. Offsets are from the buffer's start and 8-byte
 * aligned (a record's size is a multiple of 8). No allocation per record.
 */
export class HeaderWriter {
  readonly #view: DataView;
  readonly #u32: Uint32Array;
  readonly #f64: Float64Array;
  readonly #typed = LITTLE_ENDIAN;

  /** Write records' headers into `buffer`. */
  constructor(buffer: ArrayBufferLike) {
    this.#view = new DataView(buffer);
    this.#u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#f64 = new Float64Array(buffer, 0, buffer.byteLength >>> 3);
  }

  /** Write the fixed header and numeric fields of a record at byte offset `off`. */
  write(
    off: number,
    kind: number,
    source: number,
    label: number,
    t: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
  ): void {
    if (!this.#typed) return encodeHeader(this.#view, off, kind, source, label, t, a, b, c, d, e, f);
    const u32 = this.#u32;
    const h = off >>> 2;
    // Byte 0 kind (as setUint8 wraps it), byte 1 zero, bytes 2-3 source; bytes 4-5 label, 6-7 zero
    // (each as setUint16 wraps it): two stores.
    u32[h] = (kind & 0xff) | ((source & 0xffff) << 16);
    u32[h + 1] = label & 0xffff;
    const w = this.#f64;
    const q = off >>> 3;
    w[q + 1] = t;
    w[q + 2] = a;
    w[q + 3] = b;
    w[q + 4] = c;
    w[q + 5] = d;
    w[q + 6] = e;
    w[q + 7] = f;
  }
}

/**
 * UTF-8-encode `text` into `bytes[start .. start+capacity)` without allocating. When it does
 * not fit, the text is cut at a code point boundary and ends with the 3-byte marker "…".
 * Lone surrogates become U+FFFD. Returns the byte length written; bit 16 (0x10000) is set when
 * the text was truncated.
 */
export function encodeUtf8Into(bytes: Uint8Array, start: number, capacity: number, text: string): number {
  if (capacity < 3) throw new RangeError("text capacity must be at least 3 bytes");
  const fits = utf8Length(text, capacity) <= capacity;
  // When it does not fit, keep 3 bytes for the marker.
  const limit = start + (fits ? capacity : capacity - 3);
  let p = start;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else cp = 0xfffd;
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    const need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (p + need > limit) break;
    if (need === 1) bytes[p++] = cp;
    else if (need === 2) {
      bytes[p++] = 0xc0 | (cp >> 6);
      bytes[p++] = 0x80 | (cp & 0x3f);
    } else if (need === 3) {
      bytes[p++] = 0xe0 | (cp >> 12);
      bytes[p++] = 0x80 | ((cp >> 6) & 0x3f);
      bytes[p++] = 0x80 | (cp & 0x3f);
    } else {
      bytes[p++] = 0xf0 | (cp >> 18);
      bytes[p++] = 0x80 | ((cp >> 12) & 0x3f);
      bytes[p++] = 0x80 | ((cp >> 6) & 0x3f);
      bytes[p++] = 0x80 | (cp & 0x3f);
    }
  }
  if (fits) return p - start;
  bytes[p++] = 0xe2;
  bytes[p++] = 0x80;
  bytes[p++] = 0xa6;
  return (p - start) | 0x10000;
}

/** UTF-8 byte length of `text`, counting stops once it exceeds `stopAbove`. No allocation. */
export function utf8Length(text: string, stopAbove: number): number {
  let len = 0;
  const n = text.length;
  for (let i = 0; i < n && len <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) len += 1;
    else if (c < 0x800) len += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        len += 4;
        i++;
      } else len += 3;
    } else len += 3;
  }
  return len;
}

/** Encode `text` into the record at `off` and set its length and truncation flag. No allocation. */
export function encodeText(bytes: Uint8Array, view: DataView, off: number, text: string): void {
  const r = encodeUtf8Into(bytes, off + TEXT_OFFSET, TEXT_CAPACITY, text);
  view.setUint16(off + 6, r & 0xffff, true);
  if (r & 0x10000) view.setUint8(off + 1, FLAG_TRUNCATED);
}

const decoder = new TextDecoder();

/**
 * Decode the record at `off` into `out`. `names` maps interned ids to names. Allocates the
 * text string (Worker side only).
 */
export function decodeRecord(
  bytes: Uint8Array,
  view: DataView,
  off: number,
  names: readonly string[],
  out: LogEvent,
): LogEvent {
  out.kind = view.getUint8(off);
  out.flags = view.getUint8(off + 1);
  const src = view.getUint16(off + 2, true);
  const lab = view.getUint16(off + 4, true);
  out.sourceId = src;
  out.labelId = lab;
  out.source = src === 0 ? "" : names[src] ?? `#${src}`;
  out.label = lab === 0 ? "" : names[lab] ?? `#${lab}`;
  const len = Math.min(view.getUint16(off + 6, true), RECORD_SIZE - TEXT_OFFSET);
  out.t = view.getFloat64(off + 8, true);
  out.a = view.getFloat64(off + 16, true);
  out.b = view.getFloat64(off + 24, true);
  out.c = view.getFloat64(off + 32, true);
  out.d = view.getFloat64(off + 40, true);
  out.e = view.getFloat64(off + 48, true);
  out.f = view.getFloat64(off + 56, true);
  // TextDecoder refuses views on shared memory, so copy the text out first.
  out.text = len === 0 ? "" : decoder.decode(bytes.slice(off + TEXT_OFFSET, off + TEXT_OFFSET + len));
  return out;
}
