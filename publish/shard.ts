/**
 * `--shard i/n`: a stable share of a symbol list, so a fleet of `n` processes covers every symbol
 * once. A symbol belongs to shard `fnv1a32(symbol) mod n`: the same on every machine and run, and
 * independent of the order (or the other members) of the list, so adding a symbol never moves
 * another one.
 * @module
 */

/** A shard: this process is number `index` (0-based) of `count`. */
export interface Shard {
  /** 0 … count-1. */
  index: number;
  /** Processes in the fleet (≥ 1). */
  count: number;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Parse `i/n` (0 ≤ i < n). Throws a RangeError naming the flag on anything else. */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new RangeError(`--shard must be i/n (e.g. 0/4), got "${s}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new RangeError(`--shard ${s}: need 0 <= i < n and n >= 1`);
  return { index, count };
}

/** The shard `symbol` belongs to among `count`. */
export function shardOf(symbol: string, count: number): number {
  return fnv1a32(symbol) % count;
}

/** The symbols of `symbols` that belong to `shard` (order kept). */
export function selectShard(symbols: readonly string[], shard: Shard): string[] {
  return symbols.filter((s) => shardOf(s, shard.count) === shard.index);
}

/** The line a live task prints (exit 0) when `shard` holds none of its symbols. */
export function emptyShardLine(shard: Shard): string {
  return `shard ${shard.index}/${shard.count}: no symbol of this task belongs to it; nothing to do`;
}
