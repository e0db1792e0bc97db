/**
 * Benchmark-only: wait for room in a ring writer (the live writer never waits: a full ring drops).
 * Spins {@linkcode ROOM_SPINS} checks, then naps 50 µs at a time (`Atomics.wait` with a timeout on
 * a private word): on a busy machine the reader may be waiting for a CPU this thread holds, and a
 * producer that only spins keeps it from running (measured here: 7–9 M records/s spinning against
 * 19–20 M napping at loadavg 6–7). Throws after {@linkcode MAX_NAPS} naps (a reader that stopped).
 * @module
 */

/** Checks of a full ring before the first nap. */
export const ROOM_SPINS = 1024;
/** Naps before giving up (about 10 s at 50 µs or more each). */
export const MAX_NAPS = 200_000;

const NAP = new Int32Array(new SharedArrayBuffer(4));

/** The part of a ring writer waited on (every tree's `RecordRingWriter` has it). */
export interface RoomWriter {
  /** Free slots now. */
  room(): number;
  /** Publish what was written. */
  flush(): void;
}

/** Publish what is pending and wait until `wr` has `n` free slots. */
export function waitForRoom(wr: RoomWriter, n: number): void {
  if (wr.room() >= n) return;
  wr.flush();
  let spins = 0;
  let naps = 0;
  while (wr.room() < n) {
    if (++spins <= ROOM_SPINS) continue;
    if (++naps > MAX_NAPS) {
      throw new Error(`no room for ${n} records after ${MAX_NAPS} naps: the reader stopped`);
    }
    Atomics.wait(NAP, 0, 0, 0.05);
  }
}
