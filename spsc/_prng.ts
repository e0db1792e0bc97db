/** One step of the xorshift32 PRNG (seeded test sequences). Never returns 0 for a non-zero seed. */
export function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}
