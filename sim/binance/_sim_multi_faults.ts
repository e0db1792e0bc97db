/**
 * Private: the faults of the many-symbol Binance simulator and the small pure helpers its batch
 * loop uses (armed-fault counters, the frame of the `huge` fault).
 * Not a hot path; allocates.
 * @module
 */
import type { SyntheticMarket } from "./market.ts";

/** Faults of {@linkcode BinanceMultiSimulator.fault}. */
export type MultiSimFault = "skip_update" | "malformed" | "huge" | "silence" | "drop" | "rate_limit" | "ban";

/** Every {@linkcode MultiSimFault}, for validation. */
export const MULTI_SIM_FAULTS: readonly MultiSimFault[] = [
  "skip_update",
  "malformed",
  "huge",
  "silence",
  "drop",
  "rate_limit",
  "ban",
];

/** Take one armed fault of `sym` from `m`: true when one was armed. */
export function take(m: Map<string, number>, sym: string): boolean {
  const n = m.get(sym) ?? 0;
  if (n > 0) m.set(sym, n - 1);
  return n > 0;
}

/** A depth frame of `sym` with a quantity no instrument can hold (beyond 2^53 units at any scale). */
export function hugeFrame(sym: string, m: SyntheticMarket): string {
  const u = m.book.updateId;
  const pu = m.futures ? `,"pu":${u}` : "";
  return `{"e":"depthUpdate","E":${m.timeMs},"s":"${sym}","U":${u},"u":${u}${pu},` +
    `"b":[["1.00000000","99999999999999999999.00000000"]],"a":[]}`;
}
