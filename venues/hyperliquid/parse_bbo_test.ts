import { deepEqual, equal } from "node:assert/strict";
import { HlFrame, HlMsg, HlParseError } from "./frame.ts";
import { HlParser } from "./parse.ts";

const p = new HlParser();
const f = new HlFrame();

Deno.test("HlParser reads a bbo frame: one level or null per side, coin and time", () => {
  const t =
    '{"channel":"bbo","data":{"coin":"PURR/USDC","time":7,"bbo":[{"px":"0.21","sz":"10.5","n":2},null]}}';
  equal(p.parse(t, f), HlMsg.Bbo);
  equal(p.text(f.coinStart, f.coinEnd), "PURR/USDC");
  deepEqual([f.time, f.bids.count, f.bids.px[0], f.bids.sz[0], f.asks.count], [7, 1, 21e6, 10.5e8, 0]);
  equal(
    p.parse('{"data":{"bbo":[null,{"px":"5","sz":"1","n":1}],"time":8,"coin":"@107"},"channel":"bbo"}', f),
    HlMsg.Bbo,
  );
  deepEqual([f.bids.count, f.asks.count, f.asks.px[0]], [0, 1, 5e8]);
});

Deno.test("HlParser: a bad bbo frame is malformed with its reason", () => {
  const cases: [string, number][] = [
    ['{"channel":"bbo","data":{"coin":"BTC","time":1}}', HlParseError.MissingField],
    ['{"channel":"bbo","data":{"time":1,"bbo":[null,null]}}', HlParseError.MissingField],
    ['{"channel":"bbo","data":{"coin":"BTC","time":1,"bbo":[null]}}', HlParseError.BadLevels],
    ['{"channel":"bbo","data":{"coin":"BTC","time":1,"bbo":[1,null]}}', HlParseError.BadLevels],
    [
      '{"channel":"bbo","data":{"coin":"BTC","time":1,"bbo":[{"px":"x","sz":"1"},null]}}',
      HlParseError.BadNumber,
    ],
    ['{"channel":"bbo"}', HlParseError.Syntax],
  ];
  for (const [t, e] of cases) {
    equal(p.parse(t, f), HlMsg.Malformed, t);
    equal(f.error, e, t);
  }
});

Deno.test("HlParser reads fast and bbo subscription responses", () => {
  const r = (s: string) =>
    `{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":${s}}}`;
  equal(p.parse(r('{"type":"l2Book","coin":"xyz:MSTR","fast":true}'), f), HlMsg.SubscriptionResponse);
  deepEqual([f.subType, f.subFast, p.text(f.coinStart, f.coinEnd)], [1, true, "xyz:MSTR"]);
  p.parse(r('{"type":"l2Book","coin":"BTC","fast":false}'), f);
  deepEqual([f.subType, f.subFast], [1, false]);
  p.parse(r('{"type":"bbo","coin":"BTC"}'), f);
  deepEqual([f.subType, f.subFast], [3, false]);
});
