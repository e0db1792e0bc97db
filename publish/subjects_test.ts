import assert from "node:assert/strict";
import { msgIdOf, parseMsgId, sanitizeToken, subjectsOf, unsanitizeToken } from "./subjects.ts";
import { fnv1a32, parseShard, selectShard, shardOf } from "./shard.ts";

Deno.test("subjects: symbols that are not plain tokens map to one reversible token", () => {
  const cases: [string, string][] = [
    ["BTCUSDT", "BTCUSDT"],
    ["kPEPE", "kPEPE"],
    ["PURR/USDC", "PURR~2FUSDC"],
    ["@107", "~40107"],
    ["xyz:MSTR", "xyz~3AMSTR"],
    ["A.B*C>", "A~2EB~2AC~3E"],
    ["a~b c", "a~7Eb~20c"],
    ["é", "~C3~A9"],
  ];
  for (const [sym, tok] of cases) {
    assert.equal(sanitizeToken(sym), tok);
    assert.equal(unsanitizeToken(tok), sym);
    assert.match(tok, /^[A-Za-z0-9_~-]+$/);
  }
  assert.throws(() => sanitizeToken(""), RangeError);
  assert.throws(() => unsanitizeToken("~G1"), RangeError);
  assert.deepEqual(subjectsOf("hyperliquid", "spot", "PURR/USDC"), {
    prefix: "md.hyperliquid.spot.PURR~2FUSDC",
    book: "md.hyperliquid.spot.PURR~2FUSDC.book",
    trade: "md.hyperliquid.spot.PURR~2FUSDC.trade",
    snapshot: "md.hyperliquid.spot.PURR~2FUSDC.snapshot",
  });
});

Deno.test("msg ids: venue, market, symbol, run, kind and seq; parsed back; foreign ids refused", () => {
  const id = msgIdOf("md.binance.spot.BTCUSDT", "abc123", "b", 17);
  assert.equal(id, "binance.spot.BTCUSDT.abc123.b.17");
  assert.deepEqual(parseMsgId(id), { runId: "abc123", kind: "b", seq: 17 });
  assert.equal(parseMsgId("x.y"), undefined);
  assert.equal(parseMsgId("binance.spot.BTCUSDT.abc.q.1"), undefined);
  assert.notEqual(msgIdOf("md.a.b.C", "r1", "b", 1), msgIdOf("md.a.b.C", "r2", "b", 1), "another run is new");
  assert.notEqual(
    msgIdOf("md.a.b.C", "r1", "b", 1),
    msgIdOf("md.a.b.C", "r1", "s", 1),
    "a copy is not the message",
  );
});

Deno.test("shard: stable hash, every symbol in exactly one shard, independent of list order", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c); // FNV-1a reference value
  const syms = Array.from({ length: 200 }, (_, i) => `SYM${i}USDT`);
  for (const n of [1, 2, 3, 7]) {
    const parts = Array.from({ length: n }, (_, i) => selectShard(syms, { index: i, count: n }));
    assert.equal(parts.flat().length, syms.length);
    assert.deepEqual(new Set(parts.flat()), new Set(syms));
    const rev = selectShard([...syms].reverse(), { index: 0, count: n });
    assert.deepEqual(new Set(rev), new Set(parts[0]));
  }
  assert.equal(shardOf("BTCUSDT", 4), shardOf("BTCUSDT", 4));
  assert.deepEqual(parseShard("1/4"), { index: 1, count: 4 });
  for (const bad of ["4/4", "1", "a/b", "0/0", "-1/2"]) assert.throws(() => parseShard(bad), RangeError, bad);
});
