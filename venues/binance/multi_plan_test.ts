import assert from "node:assert/strict";
import { planStreams } from "./stream_plan.ts";
import { SnapshotOrder } from "./snapshot_order.ts";
import { snapshotBudget } from "./snapshot_budget.ts";
import { SendPacer } from "../hyperliquid/send_pacer.ts";
import { weightLimitOf } from "./_multi_rest.ts";
import { exchangeInfoJson } from "../../sim/binance/_sim_exchange_info.ts";

const syms = (n: number) => Array.from({ length: n }, (_, i) => `S${i}USDT`);

Deno.test("planStreams spreads symbols over connections of at most 1024 streams (or perConnection)", () => {
  const plan = planStreams(syms(2500), { wsUrl: "wss://stream.binance.com:9443/" });
  assert.deepEqual(plan.map((p) => p.streams.length), [1024, 1024, 452]);
  assert.equal(plan[1]!.symbols[0], 1024);
  assert.ok(
    plan[0]!.url.startsWith("wss://stream.binance.com:9443/stream?streams=s0usdt@depth@100ms/s1usdt@"),
  );
  const trades = planStreams(syms(5), { wsUrl: "ws://h:1", perConnection: 3, trades: true });
  assert.deepEqual(trades.map((p) => p.streams), [
    ["s0usdt@depth@100ms", "s0usdt@trade"],
    ["s1usdt@depth@100ms", "s1usdt@trade"],
    ["s2usdt@depth@100ms", "s2usdt@trade"],
    ["s3usdt@depth@100ms", "s3usdt@trade"],
    ["s4usdt@depth@100ms", "s4usdt@trade"],
  ]);
  const msg = planStreams(syms(5), { wsUrl: "ws://h:1", mode: "message", perConnection: 3, perMessage: 2 });
  assert.deepEqual(msg.map((p) => [p.url, p.subscribe.length]), [["ws://h:1/ws", 2], ["ws://h:1/ws", 1]]);
  assert.deepEqual(JSON.parse(msg[0]!.subscribe[1]!), {
    method: "SUBSCRIBE",
    params: ["s2usdt@depth@100ms"],
    id: 2,
  });
  const one = planStreams(["BTCUSDT"], { wsUrl: "ws://h:1/ws/btcusdt@depth@100ms" });
  assert.equal(one[0]!.url, "ws://h:1/ws/btcusdt@depth@100ms", "a full stream URL is used as is");
});

Deno.test("planStreams refuses bad input with a RangeError that names it", () => {
  assert.throws(() => planStreams([], { wsUrl: "ws://h:1" }), /no symbols/);
  assert.throws(() => planStreams(["A1", "A1"], { wsUrl: "ws://h:1" }), /twice/);
  assert.throws(() => planStreams(["a1"], { wsUrl: "ws://h:1" }), /not a symbol/);
  assert.throws(() => planStreams(["A1"], { wsUrl: "ws://h:1", perConnection: 1025 }), /1\.\.1024/);
  assert.throws(() => planStreams(["A1"], { wsUrl: "ws://h:1", perConnection: 1, trades: true }), /smaller/);
  assert.throws(() => planStreams(["A1", "B1"], { wsUrl: "ws://h:1/stream?streams=a1@depth" }), /one symbol/);
});

Deno.test("SnapshotOrder priority: resyncs of synchronized symbols first, then symbol order; fifo: as asked", () => {
  const p = new SnapshotOrder(6);
  for (const i of [4, 1, 5, 3]) p.want(i);
  p.synced(5);
  p.want(1); // already waiting: no second entry
  assert.equal(p.length, 4);
  assert.deepEqual([p.next(), p.next(), p.next(), p.next(), p.next()], [5, 1, 3, 4, -1]);
  const f = new SnapshotOrder(6, "fifo");
  for (const i of [4, 1, 5, 3]) f.want(i);
  f.synced(5);
  assert.deepEqual([f.next(), f.next(), f.next(), f.next(), f.next()], [4, 1, 5, 3, -1]);
});

Deno.test("snapshotBudget paces evenly: no 60 s window over the budget, one request per 60 s × weight / budget", () => {
  const s = snapshotBudget(1000, 6000); // weight 50, budget 5700
  assert.equal(s.budget, 5700);
  const sent: number[] = [];
  let t = 0;
  while (sent.length < 500) {
    t = Math.max(t, s.nextAllowedNs(t));
    s.onRequest(t);
    sent.push(t);
  }
  for (let k = 0; k < sent.length; k++) {
    let n = 0;
    for (let j = k; j < sent.length && sent[j]! < sent[k]! + 60e9; j++) n++;
    assert.ok(n * 50 <= 5700, `window from request ${k}: ${n} requests`);
  }
  const gapNs = (60e9 * 50) / 5700;
  assert.ok(sent.every((x, k) => k === 0 || x - sent[k - 1]! >= gapNs - 1e-3), "never a burst");
  // 429 Retry-After and 418 block everyone; a used weight at the limit waits for the window.
  s.onResponse(t, 429, 7);
  assert.equal(s.nextAllowedNs(t), t + 7e9);
  s.onResponse(t, 418, 1);
  assert.equal(s.nextAllowedNs(t), t + 120e9);
});

Deno.test("connection attempts: SendPacer(300, 5 min) lets the 301st wait until 5 minutes after the first", () => {
  const p = new SendPacer(300, 300e9);
  for (let i = 0; i < 300; i++) {
    assert.equal(p.waitNs(i * 1e6), 0);
    p.note(i * 1e6);
  }
  assert.equal(p.waitNs(300e6), 300e9 - 300e6);
});

Deno.test("weightLimitOf reads REQUEST_WEIGHT per minute from exchangeInfo, or says why not", () => {
  assert.equal(weightLimitOf(exchangeInfoJson(["BTCUSDT"], 6000)), 6000);
  assert.equal(
    weightLimitOf(
      '{"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"SECOND","intervalNum":10,"limit":1000}]}',
    ),
    6000,
  );
  assert.match(String(weightLimitOf("<html>")), /not JSON/);
  assert.match(String(weightLimitOf('{"rateLimits":[]}')), /no REQUEST_WEIGHT/);
  assert.match(String(weightLimitOf("{}")), /no rateLimits/);
});
