import assert from "node:assert/strict";
import { FrameKind, ParsedFrame, parseFrame } from "./parse.ts";

const enc = new TextEncoder();
const depth = (s: string) => `{"e":"depthUpdate","E":1,"s":"${s}","U":5,"u":6,"b":[["1.0","2"]],"a":[]}`;
const trade = (s: string) =>
  `{"e":"trade","E":1,"s":"${s}","t":7,"p":"1.0","q":"2.0","T":1,"m":true,"M":true}`;

Deno.test("parseFrame flags depth and trade frames of another symbol as foreign (raw and combined)", () => {
  const pf = new ParsedFrame();
  pf.symbol = enc.encode("ETHUSDT");
  assert.equal(parseFrame(depth("ETHUSDT"), pf), FrameKind.Depth);
  assert.equal(pf.foreign, false);
  assert.equal(parseFrame(depth("BTCUSDT"), pf), FrameKind.Depth);
  assert.equal(pf.foreign, true);
  assert.equal(parseFrame(depth("ETHUSD"), pf), FrameKind.Depth, "a prefix is another symbol");
  assert.equal(pf.foreign, true);
  assert.equal(parseFrame(`{"stream":"btcusdt@depth","data":${depth("BTCUSDT")}}`, pf), FrameKind.Depth);
  assert.equal(pf.foreign, true);
  assert.equal(parseFrame(trade("BTCUSDT"), pf), FrameKind.Trade);
  assert.equal(pf.foreign, true);
  assert.equal(parseFrame(trade("ETHUSDT"), pf), FrameKind.Trade);
  assert.equal(pf.foreign, false);
});

Deno.test("parseFrame: no expected symbol, no s, or a non-string s is never foreign", () => {
  const pf = new ParsedFrame();
  assert.equal(parseFrame(depth("BTCUSDT"), pf), FrameKind.Depth);
  assert.equal(pf.foreign, false, "symbol null accepts any");
  pf.symbol = enc.encode("ETHUSDT");
  assert.equal(parseFrame(depth("BTCUSDT"), pf), FrameKind.Depth);
  assert.equal(pf.foreign, true);
  assert.equal(parseFrame(`{"e":"depthUpdate","E":1,"U":5,"u":6,"b":[],"a":[]}`, pf), FrameKind.Depth);
  assert.equal(pf.foreign, false, "the flag is reset per frame; no s is not foreign");
  assert.equal(parseFrame(`{"e":"depthUpdate","E":1,"s":7,"U":5,"u":6,"b":[],"a":[]}`, pf), FrameKind.Depth);
  assert.equal(pf.foreign, false);
  assert.equal(parseFrame(`{"e":"depthUpdate","E":1,"s":"BTC`, pf), FrameKind.Malformed);
});
