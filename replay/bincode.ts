/**
 * bincode 1.x encoding of {@linkcode InferredEvent} (default options: little-endian, fixed-width
 * integers, `u32` enum tags), 80 bytes per event; see `schema.ts` for the Rust struct.
 *
 * u64 fields are written as two little-endian u32 halves computed from an integer-valued f64
 * (no BigInt per event). The receive time, which exceeds 2^53, is combined exactly from whole
 * seconds and nanoseconds.
 * @module
 */
import { BINCODE_RECORD_SIZE, InferredEvent, type InferredKind, type Side } from "./schema.ts";
import type { ByteTarget } from "./out_buffer.ts";
import { BufferedWriter } from "./_buffered_writer.ts";

const TWO32 = 4294967296;

/** Write the non-negative safe integer `v` as a little-endian u64 at `off`. */
export function setU64(view: DataView, off: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  view.setUint32(off, v - hi * TWO32, true);
  view.setUint32(off + 4, hi, true);
}

/**
 * Write `sec * 10^9 + subNs` exactly as a little-endian u64 at `off` (sec < 2^34, i.e. until the
 * year 2514; 0 <= subNs < 10^9). Every intermediate stays below 2^53.
 */
export function setU64SecNs(view: DataView, off: number, sec: number, subNs: number): void {
  const a = Math.floor(sec / 65536);
  const b = sec - a * 65536;
  const A = a * 1e9; // < 2^48
  const B = b * 1e9 + subNs; // < 2^46
  const ah = Math.floor(A / 65536);
  const bh = Math.floor(B / TWO32);
  let lo = (A - ah * 65536) * 65536 + (B - bh * TWO32);
  let hi = ah + bh;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  view.setUint32(off, lo, true);
  view.setUint32(off + 4, hi, true);
}

/** Read a little-endian u64 as a number (exact below 2^53). */
export function getU64(view: DataView, off: number): number {
  return view.getUint32(off + 4, true) * TWO32 + view.getUint32(off, true);
}

/** Encode `ev` into `view` at `off` (80 bytes). No allocation. */
export function encodeEvent(view: DataView, off: number, ev: InferredEvent): void {
  setU64(view, off, ev.seq);
  setU64(view, off + 8, ev.updateId);
  setU64(view, off + 16, ev.eventTimeMs);
  setU64SecNs(view, off + 24, ev.recvSec, ev.recvSubNs);
  view.setUint32(off + 32, ev.side, true);
  view.setUint32(off + 36, ev.kind, true);
  setU64(view, off + 40, ev.orderId);
  setU64(view, off + 48, ev.price);
  setU64(view, off + 56, ev.qty);
  setU64(view, off + 64, ev.levelQtyAfter);
  view.setUint32(off + 72, ev.priceDecimals, true);
  view.setUint32(off + 76, ev.qtyDecimals, true);
}

/**
 * Decode the event at `off` into `out` (for tests and tools). The receive time is split back into
 * seconds and nanoseconds exactly.
 */
export function decodeEvent(view: DataView, off: number, out: InferredEvent): InferredEvent {
  out.seq = getU64(view, off);
  out.updateId = getU64(view, off + 8);
  out.eventTimeMs = getU64(view, off + 16);
  // recv: hi*2^32 + lo = sec*1e9 + sub. 2^32 = 4*1e9 + 294967296.
  const lo = view.getUint32(off + 24, true);
  const hi = view.getUint32(off + 28, true);
  // hi*294967296 may exceed 2^53: split hi into 16-bit halves.
  const hh = Math.floor(hi / 65536);
  const hl = hi - hh * 65536;
  const r1 = hh * 294967296; // < 2^45, times 65536 below
  const r1s = Math.floor(r1 / 1e9);
  const r1r = r1 - r1s * 1e9; // remainder of hh*294967296 in ns
  // hh*294967296*65536 = r1s*1e9*65536 + r1r*65536
  const t = r1r * 65536 + hl * 294967296 + lo; // < 2^53
  const ts = Math.floor(t / 1e9);
  out.recvSec = hi * 4 + r1s * 65536 + ts;
  out.recvSubNs = t - ts * 1e9;
  out.side = view.getUint32(off + 32, true) as Side;
  out.kind = view.getUint32(off + 36, true) as InferredKind;
  out.orderId = getU64(view, off + 40);
  out.price = getU64(view, off + 48);
  out.qty = getU64(view, off + 56);
  out.levelQtyAfter = getU64(view, off + 64);
  out.priceDecimals = view.getUint32(off + 72, true);
  out.qtyDecimals = view.getUint32(off + 76, true);
  return out;
}

/** Decode a whole bincode output (allocates one event per record; for tests and tools). */
export function decodeAll(bytes: Uint8Array): InferredEvent[] {
  if (bytes.length % BINCODE_RECORD_SIZE !== 0) {
    throw new RangeError(`bincode length ${bytes.length} is not a multiple of ${BINCODE_RECORD_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: InferredEvent[] = [];
  for (let off = 0; off < bytes.length; off += BINCODE_RECORD_SIZE) {
    out.push(decodeEvent(view, off, new InferredEvent()));
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const INV32 = 2.3283064365386963e-10; // 2^-32: v * INV32 is exact for integers below 2^53

/**
 * An {@linkcode EventSink} writing bincode records through a buffer to `target`. No allocation
 * per event. On little-endian hosts it stores u32 halves through a `Uint32Array` (records are
 * 80 bytes, so always 4-byte aligned) and caches the halves of the per-update context (update
 * id, event time, receive time), which repeat across the events of one diff; elsewhere it uses
 * {@linkcode encodeEvent}. Both produce the same bytes.
 */
export class BincodeWriter extends BufferedWriter {
  readonly #u32: Uint32Array;
  readonly #scratch = new DataView(new ArrayBuffer(8));
  #u = -1;
  #uLo = 0;
  #uHi = 0;
  #e = -1;
  #eLo = 0;
  #eHi = 0;
  #rs = -1;
  #rn = -1;
  #rLo = 0;
  #rHi = 0;

  /** Write to `target` (flush with {@linkcode flush}). */
  constructor(target: ByteTarget, capacity?: number) {
    super(target, capacity);
    this.#u32 = new Uint32Array(this.out.buf.buffer, 0, this.out.buf.length >> 2);
  }

  /** Encode one event. */
  override write(ev: InferredEvent): void {
    const out = this.out;
    out.ensure(BINCODE_RECORD_SIZE);
    if (!LITTLE_ENDIAN) {
      encodeEvent(out.view, out.pos, ev);
      out.pos += BINCODE_RECORD_SIZE;
      this.count++;
      return;
    }
    const a = this.#u32;
    const w = out.pos >> 2;
    let v = ev.seq;
    a[w] = v >>> 0;
    a[w + 1] = (v * INV32) >>> 0;
    if (ev.updateId !== this.#u) {
      v = this.#u = ev.updateId;
      this.#uLo = v >>> 0;
      this.#uHi = (v * INV32) >>> 0;
    }
    a[w + 2] = this.#uLo;
    a[w + 3] = this.#uHi;
    if (ev.eventTimeMs !== this.#e) {
      v = this.#e = ev.eventTimeMs;
      this.#eLo = v >>> 0;
      this.#eHi = (v * INV32) >>> 0;
    }
    a[w + 4] = this.#eLo;
    a[w + 5] = this.#eHi;
    if (ev.recvSubNs !== this.#rn || ev.recvSec !== this.#rs) {
      this.#rs = ev.recvSec;
      this.#rn = ev.recvSubNs;
      const d = this.#scratch;
      setU64SecNs(d, 0, ev.recvSec, ev.recvSubNs);
      this.#rLo = d.getUint32(0, true);
      this.#rHi = d.getUint32(4, true);
    }
    a[w + 6] = this.#rLo;
    a[w + 7] = this.#rHi;
    a[w + 8] = ev.side;
    a[w + 9] = ev.kind;
    v = ev.orderId;
    a[w + 10] = v >>> 0;
    a[w + 11] = (v * INV32) >>> 0;
    v = ev.price;
    a[w + 12] = v >>> 0;
    a[w + 13] = (v * INV32) >>> 0;
    v = ev.qty;
    a[w + 14] = v >>> 0;
    a[w + 15] = (v * INV32) >>> 0;
    v = ev.levelQtyAfter;
    a[w + 16] = v >>> 0;
    a[w + 17] = (v * INV32) >>> 0;
    a[w + 18] = ev.priceDecimals;
    a[w + 19] = ev.qtyDecimals;
    out.pos += BINCODE_RECORD_SIZE;
    this.count++;
  }
}
