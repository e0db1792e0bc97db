import assert from "node:assert/strict";
import { fnv1a32, parseShard, selectShard, shardOf } from "./shard.ts";

const SYMBOLS = Array.from({ length: 500 }, (_, i) => `S${i.toString(36).toUpperCase()}USDT`);

Deno.test("n shards cover a symbol list with no overlap and no gap, for every n from 1 to 16", () => {
  for (let n = 1; n <= 16; n++) {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      for (const s of selectShard(SYMBOLS, { index: i, count: n })) {
        assert.equal(seen.has(s), false, `n=${n}: ${s} in shards ${seen.get(s)} and ${i}`);
        seen.set(s, i);
      }
    }
    assert.equal(seen.size, SYMBOLS.length, `n=${n}: every symbol in a shard`);
  }
});

Deno.test("a symbol's shard does not depend on the list's order or other members", () => {
  const shuffled = SYMBOLS.toReversed();
  for (let i = 0; i < 4; i++) {
    const a = selectShard(SYMBOLS, { index: i, count: 4 });
    const b = selectShard(shuffled, { index: i, count: 4 });
    assert.deepEqual(b.toSorted(), a.toSorted());
    for (const s of a) assert.deepEqual(selectShard([s], { index: i, count: 4 }), [s]);
  }
  assert.deepEqual(
    selectShard(["ETHUSDT", "BTCUSDT"], { index: 0, count: 1 }),
    ["ETHUSDT", "BTCUSDT"],
    "order kept",
  );
});

Deno.test("FNV-1a 32 reference values; shards spread a list", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
  const counts = [0, 0, 0, 0];
  for (const s of SYMBOLS) counts[shardOf(s, 4)]!++;
  for (const c of counts) assert.ok(c > 0, `every shard of 4 gets symbols: ${counts}`);
});

Deno.test("parseShard refuses what is not i/n with 0 <= i < n", () => {
  assert.deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  for (const bad of ["4/4", "0/0", "-1/2", "1", "a/b", "1/2/3", ""]) {
    assert.throws(() => parseShard(bad), RangeError, bad);
  }
});
