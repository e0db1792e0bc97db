/**
 * Shared layout of the SPSC ring on one `SharedArrayBuffer`.
 *
 * Contract:
 * - Capacity: a power of two number of fixed-size records (`recordSize` bytes, a multiple
 *   of 8). Capacity and record size are written into the buffer, so each side can attach to it
 *   knowing only the buffer.
 * - Thread roles: exactly one producer thread writes records and `HEAD`; exactly one consumer
 *   thread reads records and writes `TAIL`. Any thread may read the counters for metrics.
 * - Full behaviour: the producer never blocks. A push into a full ring returns false and
 *   increments the shared `DROPS` counter.
 * - Wake-up protocol: the consumer spins, then sets `SLEEP=1`, reads `WSEQ`, re-checks `HEAD`
 *   and only then `Atomics.wait`s on `WSEQ`. After every publish the producer reads `SLEEP`
 *   and, only if it was 1, clears it with `exchange`, bumps `WSEQ` and notifies. Waiting on a
 *   separate counter (not on `HEAD`) means a notify that races the wait cannot be lost:
 *   the wait then sees a changed `WSEQ` and returns at once.
 *
 * Byte layout: a 512-byte control block of Int32 cells, each on its own 64-byte cache line,
 * then `capacity * recordSize` bytes of records. Counters are 32-bit and wrap; lengths are
 * computed modulo 2^32, so capacity is at most 2^30.
 * @module
 */

/** Int32 index of the producer's publish counter (records ever pushed, mod 2^32). */
export const HEAD = 0;
/** Int32 index of the consumer's release counter (records ever consumed, mod 2^32). */
export const TAIL = 16;
/** Int32 index of the count of records dropped because the ring was full (u32). */
export const DROPS = 32;
/** Int32 index of the consumer-asleep flag (1 while the consumer is, or is about to be, waiting). */
export const SLEEP = 48;
/** Int32 index of the wake sequence the consumer waits on. */
export const WSEQ = 64;
/** Int32 index of the closed flag: the producer has finished for good. */
export const CLOSED = 80;
/** Int32 index of the capacity, written once at creation. */
export const CAPACITY = 96;
/** Int32 index of the record size in bytes, written once at creation. */
export const RECORD_SIZE = 112;
/** Byte offset of the first record. */
export const DATA_OFFSET = 512;

/** Options for {@linkcode createRingBuffer}. */
export interface RingOptions {
  /** Number of records; a power of two from 2 to 2^30. */
  capacity: number;
  /** Bytes per record; a multiple of 8, at least 8. */
  recordSize: number;
}

/**
 * Allocate and initialise the shared buffer of a ring. Hand the same buffer to
 * {@linkcode RingProducer} on one thread and {@linkcode RingConsumer} on another.
 * Allocates (once).
 */
export function createRingBuffer(options: RingOptions): SharedArrayBuffer {
  const { capacity, recordSize } = options;
  if (
    !Number.isInteger(capacity) || capacity < 2 || capacity > 2 ** 30 || (capacity & (capacity - 1)) !== 0
  ) {
    throw new RangeError(`ring capacity must be a power of two in [2, 2^30], got ${capacity}`);
  }
  if (!Number.isInteger(recordSize) || recordSize < 8 || recordSize % 8 !== 0) {
    throw new RangeError(`ring record size must be a positive multiple of 8, got ${recordSize}`);
  }
  const sab = new SharedArrayBuffer(DATA_OFFSET + capacity * recordSize);
  const ctrl = new Int32Array(sab, 0, DATA_OFFSET / 4);
  ctrl[CAPACITY] = capacity;
  ctrl[RECORD_SIZE] = recordSize;
  return sab;
}

/** Read and validate the geometry stored in a ring buffer. */
export function ringGeometry(sab: SharedArrayBuffer): RingOptions {
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < DATA_OFFSET) {
    throw new TypeError("not a ring buffer: expected a SharedArrayBuffer made by createRingBuffer");
  }
  const ctrl = new Int32Array(sab, 0, DATA_OFFSET / 4);
  const capacity = Atomics.load(ctrl, CAPACITY);
  const recordSize = Atomics.load(ctrl, RECORD_SIZE);
  if (capacity < 2 || recordSize < 8 || sab.byteLength !== DATA_OFFSET + capacity * recordSize) {
    throw new TypeError("not a ring buffer: geometry does not match the buffer size");
  }
  return { capacity, recordSize };
}
