/**
 * Private helpers of the capture line files: the `recv_ns` integer writer and the CR/LF test.
 * No allocation.
 * @module
 */
import type { ByteSink } from "./_byte_sink.ts";

/** Longest `recv_ns` line: up to 22 digits and "\n". */
export const NS_MAX = 24;

/** True when `line` holds a CR or LF (String.indexOf on a one-byte string is a native scan). */
export function hasCrLf(line: string): boolean {
  return line.indexOf("\n") !== -1 || line.indexOf("\r") !== -1;
}

/** True when `b[start, end)` holds a CR or LF byte. */
export function bytesHaveCrLf(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] === 10 || b[i] === 13) return true;
  return false;
}

/**
 * Write `v` (a non-negative integer, possibly above 2^53 and then a multiple of 2^k) in decimal
 * plus "\n", without allocating: split at 1e9 so both halves are exact.
 */
export function writeNs(s: ByteSink, v: number): void {
  s.ensure(NS_MAX);
  const buf = s.buf;
  let p = s.pos;
  if (!(v >= 0)) v = 0;
  const hi = Math.floor(v / 1e9);
  let lo = v - hi * 1e9;
  if (lo < 0) lo = 0;
  if (hi > 0) {
    p = writeUint(buf, p, hi);
    let div = 1e8;
    for (let i = 0; i < 9; i++) {
      const dgt = Math.floor(lo / div) % 10;
      buf[p++] = 48 + dgt;
      div /= 10;
    }
  } else p = writeUint(buf, p, Math.floor(lo));
  buf[p++] = 10;
  s.pos = p;
}

function writeUint(buf: Uint8Array, p: number, v: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  let q = p + digits;
  const end = q;
  do {
    buf[--q] = 48 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  return end;
}
