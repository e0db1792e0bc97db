import assert from "node:assert/strict";
import { FrameKind, ParsedFrame, parseFrame, parseFrameBytes, parseSnapshot } from "./parse.ts";
import { isParseError } from "./types.ts";
import { parseFixed } from "../decimal.ts";

const RAW =
  '{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}';

function depth(text: string): ParsedFrame {
  const out = new ParsedFrame(4);
  const k = parseFrame(text, out);
  assert.equal(k, FrameKind.Depth, `expected depth, got ${k} (${out.reason})`);
  return out;
}

function malformed(text: string): string {
  const out = new ParsedFrame(4);
  const k = parseFrame(text, out);
  assert.equal(k, FrameKind.Malformed, `expected malformed for ${JSON.stringify(text)}, got ${k}`);
  assert.ok(out.reason.length > 0, "a reason is given");
  return out.reason;
}

Deno.test("parseFrame reads the documented raw depthUpdate", () => {
  const out = depth(RAW);
  const d = out.diff;
  assert.equal(out.combined, false);
  assert.equal(d.firstId, 157);
  assert.equal(d.lastId, 160);
  assert.equal(d.eventTimeMs, 1672515782136);
  assert.equal(d.nBids, 1);
  assert.equal(d.nAsks, 1);
  assert.equal(d.bidPx[0], 240_000);
  assert.equal(d.bidQty[0], 1_000_000_000);
  assert.equal(d.askPx[0], 260_000);
  assert.equal(d.askQty[0], 10_000_000_000);
});

Deno.test("parseFrame reads the combined envelope, data before or after stream", () => {
  for (const text of [`{"stream":"bnbbtc@depth","data":${RAW}}`, `{"data":${RAW},"stream":"bnbbtc@depth"}`]) {
    const out = depth(text);
    assert.equal(out.combined, true);
    assert.equal(out.diff.firstId, 157);
    assert.equal(out.diff.lastId, 160);
  }
});

Deno.test("parseFrame converts decimals exactly to integers × 10^8", () => {
  const cases: [string, number][] = [
    ["0.00000001", 1],
    ["123456.78900000", 12_345_678_900_000],
    ["2683.80000000", 268_380_000_000],
    ["0", 0],
    ["0.00000000", 0],
    ["90071992.54740991", 9_007_199_254_740_991],
    ["1.2345678900000000000", 123_456_789],
    ["42", 4_200_000_000],
    ["123456789012.5", NaN], // above 2^53 once scaled
  ];
  for (const [s, want] of cases) {
    const text = `{"e":"depthUpdate","E":1,"U":1,"u":1,"b":[["${s}","${s}"]],"a":[]}`;
    const out = new ParsedFrame(2);
    const k = parseFrame(text, out);
    if (Number.isNaN(want)) {
      assert.equal(k, FrameKind.Malformed, s);
      continue;
    }
    assert.equal(k, FrameKind.Depth, `${s}: ${out.reason}`);
    assert.equal(out.diff.bidPx[0], want, s);
    assert.equal(out.diff.bidQty[0], want, s);
    assert.equal(out.diff.bidPx[0], parseFixed(s, 8), `${s} agrees with parseFixed`);
  }
});

Deno.test("parseFrame's 8-digit fraction fast path rejects any non-digit byte at any position", () => {
  const out = new ParsedFrame(2);
  for (let pos = 0; pos < 8; pos++) {
    for (let code = 32; code < 127; code++) {
      const ch = String.fromCharCode(code);
      const frac = "12345678".slice(0, pos) + ch + "12345678".slice(pos + 1);
      const s = `2683.${frac}`;
      const text = `{"e":"depthUpdate","E":1,"U":1,"u":1,"b":[["${s}","1.${frac}"]],"a":[]}`;
      const k = parseFrame(text, out);
      if (code >= 48 && code <= 57) {
        assert.equal(k, FrameKind.Depth, s);
        assert.equal(out.diff.bidPx[0], parseFixed(s, 8), s);
        assert.equal(out.diff.bidQty[0], parseFixed(`1.${frac}`, 8), s);
      } else {
        const wantValid = (() => {
          try {
            JSON.parse(text);
            return true;
          } catch {
            return false;
          }
        })();
        assert.equal(k, FrameKind.Malformed, `${JSON.stringify(s)} (valid JSON: ${wantValid})`);
      }
    }
  }
});

Deno.test("parseFrame round-trips random exact decimals", () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 2000; i++) {
    const ticks = Math.floor(rnd() * 9e15);
    const int = Math.floor(ticks / 1e8);
    const frac = String(ticks - int * 1e8).padStart(8, "0");
    const s = `${int}.${frac}`;
    const out = depth(`{"e":"depthUpdate","E":1,"U":1,"u":2,"b":[],"a":[["${s}","${s}"]]}`);
    assert.equal(out.diff.askPx[0], ticks, s);
  }
});

Deno.test("parseFrame does not depend on key order", () => {
  const obj = JSON.parse(RAW) as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let r = 0; r < keys.length; r++) {
    const order = [...keys.slice(r), ...keys.slice(0, r)].reverse();
    const text = JSON.stringify(Object.fromEntries(order.map((k) => [k, obj[k]])));
    const out = depth(text);
    assert.equal(out.diff.firstId, 157);
    assert.equal(out.diff.lastId, 160);
    assert.equal(out.diff.askQty[0], 10_000_000_000);
  }
});

Deno.test("parseFrame accepts JSON whitespace everywhere", () => {
  const text =
    ' \n{ "e" : "depthUpdate" ,\t"E":1 , "U" : 5 ,"u":6, "b" : [ [ "1.5" , "2" ] , ["1.4","0"] ] ,' +
    ' "a" : [ ] , "x" : { "y" : [ 1 , -2.5e3 , true , null , "z\\"\\u00e9" ] } }\r\n';
  const out = depth(text);
  assert.equal(out.diff.nBids, 2);
  assert.equal(out.diff.bidPx[1], 140_000_000);
  assert.equal(out.diff.bidQty[1], 0);
  assert.equal(out.diff.nAsks, 0);
});

Deno.test("parseFrame reads trades, aggTrades and serverShutdown in both forms", () => {
  const out = new ParsedFrame();
  const trade =
    '{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782135,"m":true,"M":true}';
  assert.equal(parseFrame(trade, out), FrameKind.Trade);
  assert.deepEqual(
    [out.trade.id, out.trade.priceTicks, out.trade.qtyLots, out.trade.tradeTimeMs, out.trade.buyerIsMaker],
    [12345, 100_000, 10_000_000_000, 1672515782135, true],
  );
  assert.equal(parseFrame(`{"stream":"bnbbtc@trade","data":${trade.replace("true,", "false,")}}`, out), 2);
  assert.equal(out.trade.buyerIsMaker, false);
  const agg =
    '{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}';
  assert.equal(parseFrame(agg, out), FrameKind.AggTrade);
  assert.deepEqual([out.trade.id, out.trade.firstTradeId, out.trade.lastTradeId], [12345, 100, 105]);
  assert.equal(parseFrame('{"e":"serverShutdown","E":1770123456789}', out), FrameKind.ServerShutdown);
  assert.equal(out.eventTimeMs, 1770123456789);
  assert.equal(
    parseFrame('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456790}}', out),
    FrameKind.ServerShutdown,
  );
  assert.equal(out.eventTimeMs, 1770123456790);
  assert.equal(out.combined, true);
});

Deno.test("parseFrame reads control replies and error replies", () => {
  const out = new ParsedFrame();
  assert.equal(parseFrame('{"result":null,"id":1}', out), FrameKind.Reply);
  assert.equal(out.replyId, 1);
  assert.equal(parseFrame('{"result":["btcusdt@depth"],"id":3}', out), FrameKind.Reply);
  assert.equal(out.replyId, 3);
  assert.equal(parseFrame('{"id":"abc","result":null}', out), FrameKind.Reply);
  assert.ok(Number.isNaN(out.replyId));
  assert.equal(
    parseFrame('{"code":2,"msg":"Invalid request: \\"id\\" bad","id":7}', out),
    FrameKind.ErrorReply,
  );
  assert.deepEqual([out.errorCode, out.errorMsg, out.replyId], [2, 'Invalid request: "id" bad', 7]);
  assert.equal(parseFrame('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}', out), 6);
  assert.ok(Number.isNaN(out.replyId));
});

Deno.test("parseFrame reports other events as unknown", () => {
  const out = new ParsedFrame();
  const ticker =
    '{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}';
  assert.equal(parseFrame(ticker, out), FrameKind.Unknown);
  assert.equal(parseFrame(`{"stream":"bnbusdt@bookTicker","data":${ticker}}`, out), FrameKind.Unknown);
  const kline = '{"e":"kline","E":1,"s":"X","k":{"t":1,"l":"0.5","x":false}}';
  assert.equal(parseFrame(kline, out), FrameKind.Unknown);
  const ticker24 = '{"e":"24hrTicker","E":1,"p":"-0.0015","q":"18","b":"0.0024","a":"0.0026","l":"0.0010"}';
  assert.equal(parseFrame(ticker24, out), FrameKind.Unknown);
  assert.equal(parseFrame("{}", out), FrameKind.Unknown);
});

Deno.test("parseFrame rejects every malformed depth frame with a reason and never throws", () => {
  const bad = [
    "",
    "   ",
    "null",
    "[]",
    "garbage",
    '"depthUpdate"',
    RAW.slice(0, -1),
    RAW + "x",
    RAW + "{}",
    RAW.replace('"U":157,', ""),
    RAW.replace('"u":160,', ""),
    RAW.replace('"E":1672515782136,', ""),
    RAW.replace('"b":[["0.0024","10"]],', ""),
    RAW.replace(',"a":[["0.0026","100"]]', ""),
    RAW.replace('"U":157', '"U":"157"'),
    RAW.replace('"U":157', '"U":157.5'),
    RAW.replace('"U":157', '"U":-157'),
    RAW.replace('"U":157', '"U":1e3'),
    RAW.replace('"U":157', '"U":0157'),
    RAW.replace('"U":157', '"U":99999999999999999'),
    RAW.replace('"U":157', '"U":null'),
    RAW.replace('"u":160', '"u":150'), // U > u
    RAW.replace('"0.0024"', "0.0024"),
    RAW.replace('"0.0024"', '"-0.0024"'),
    RAW.replace('"0.0024"', '"0.00.24"'),
    RAW.replace('"0.0024"', '""'),
    RAW.replace('"0.0024"', '"."'),
    RAW.replace('"0.0024"', '"1e-3"'),
    RAW.replace('"0.0024"', '"0.000000001"'), // more than 8 significant decimals
    RAW.replace('"0.0024"', '"0.0024 "'),
    RAW.replace('"0.0024"', '"0.\\u0030024"'),
    RAW.replace('"10"', '"10","11"'),
    RAW.replace('["0.0024","10"]', '["0.0024"]'),
    RAW.replace('["0.0024","10"]', "{}"),
    RAW.replace('[["0.0024","10"]]', '[["0.0024","10"],]'),
    RAW.replace('[["0.0024","10"]]', '[["0.0024","10"]'),
    RAW.replace('"b":', '"b" '),
    RAW.replace('"b":', "b:"),
    RAW.replace('"s":"BNBBTC"', '"s":"BNB\nBTC"'),
    RAW.replace('"s":"BNBBTC"', '"s":"BNB\\xBTC"'),
    RAW.replace('"s":"BNBBTC"', '"s":"BNB\\u00zzBTC"'),
    RAW.replace('"s":"BNBBTC"', '"s":tru'),
    RAW.replace('"U":157', '"\\u0055":157'), // escaped key: rejected, never misread
    RAW.replace('"depthUpdate"', '"depth\\u0055pdate"'),
    RAW.replace(",", ",,"),
    `{"stream":"x","data":${RAW},"e":"depthUpdate"}`,
    `{"stream":"x","data":${RAW.slice(0, -1)}}`,
    `{"x":${"[".repeat(100)}${"]".repeat(100)}}`,
    RAW.replace("}", "}\u0000"),
  ];
  for (const text of bad) malformed(text);
  // Every prefix of a valid frame is malformed (truncation anywhere).
  for (let i = 0; i < RAW.length; i++) malformed(RAW.slice(0, i));
});

Deno.test("parseFrame leaves nothing from a malformed frame looking valid", () => {
  const out = new ParsedFrame(4);
  assert.equal(parseFrame(RAW, out), FrameKind.Depth);
  assert.equal(parseFrame(RAW.replace('"a":[["0.0026","100"]]', '"a":[["0.0026","x"]]'), out), 8);
  assert.equal(out.reason, "bad quantity");
  // A later valid frame parses fully; nothing leaks from the failed one.
  assert.equal(parseFrame(RAW.replace('"b":[["0.0024","10"]]', '"b":[]'), out), FrameKind.Depth);
  assert.equal(out.diff.nBids, 0);
});

Deno.test("parseFrame grows the level arrays for big frames", () => {
  const levels = Array.from({ length: 3000 }, (_, i) => [`${i + 1}.5`, "1"]);
  const text = JSON.stringify({ e: "depthUpdate", E: 1, U: 1, u: 2, b: levels, a: levels });
  const out = depth(text);
  assert.equal(out.diff.nBids, 3000);
  assert.equal(out.diff.nAsks, 3000);
  assert.equal(out.diff.bidPx[2999], 300_050_000_000);
});

Deno.test("parseFrame handles non-ASCII text and update ids above 2^32", () => {
  const text = RAW.replace('"s":"BNBBTC"', '"s":"BNB€BTC","x":"😀"').replace('"U":157', '"U":35346513499')
    .replace('"u":160', '"u":35346513505');
  const out = depth(text);
  assert.equal(out.diff.firstId, 35346513499);
  assert.equal(out.diff.lastId, 35346513505);
});

Deno.test("parseFrameBytes parses a byte range", () => {
  const bytes = new TextEncoder().encode(`xx${RAW}yy`);
  const out = new ParsedFrame();
  assert.equal(parseFrameBytes(bytes, 2, bytes.length - 2, out), FrameKind.Depth);
  assert.equal(out.diff.lastId, 160);
  assert.equal(parseFrameBytes(bytes, 2, bytes.length - 3, out), FrameKind.Malformed);
  assert.throws(() => parseFrameBytes(bytes, 2, bytes.length + 1, out), RangeError);
});

Deno.test("parseSnapshot reads the documented REST body and rejects bad ones", () => {
  const body =
    '{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}';
  const s = parseSnapshot(body);
  assert.ok(!isParseError(s));
  assert.equal(s.lastUpdateId, 1027024);
  assert.deepEqual([...s.bidPx, ...s.bidQty, ...s.askPx, ...s.askQty], [
    400_000_000,
    43_100_000_000,
    400_000_200,
    1_200_000_000,
  ]);
  for (
    const bad of [
      "",
      body.slice(0, -2),
      body.replace('"lastUpdateId":1027024,', ""),
      body.replace("1027024", '"1027024"'),
      body.replace('"bids":', '"bidz":'),
      body.replace('"asks":[', '"asks":{').replace("]]}", "]}}"),
      body.replace("431.00000000", "abc"),
      body + "]",
    ]
  ) {
    const r = parseSnapshot(bad);
    assert.ok(isParseError(r), bad);
    assert.ok(r.error.length > 0);
  }
});

// Compare a parsed depth frame with JSON.parse of the same text; both must agree exactly.
function agreesWithJson(text: string, out: ParsedFrame, k: number): void {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    assert.equal(k, FrameKind.Malformed, `JSON.parse rejects but scanner returned ${k}: ${text}`);
    return;
  }
  if (k !== FrameKind.Depth) return; // valid JSON may still be an invalid frame (types, decimals)
  const o = j as Record<string, unknown>;
  const data = (o.data ?? o) as Record<string, unknown>;
  assert.equal(data.e, "depthUpdate", text);
  assert.equal(out.diff.firstId, data.U, text);
  assert.equal(out.diff.lastId, data.u, text);
  assert.equal(out.diff.eventTimeMs, data.E, text);
  for (
    const [side, n, px, qty] of [["b", out.diff.nBids, out.diff.bidPx, out.diff.bidQty], [
      "a",
      out.diff.nAsks,
      out.diff.askPx,
      out.diff.askQty,
    ]] as const
  ) {
    const levels = data[side] as [string, string][];
    assert.equal(n, levels.length, text);
    for (let i = 0; i < n; i++) {
      assert.equal(px[i], parseFixed(levels[i]![0], 8), text);
      assert.equal(qty[i], parseFixed(levels[i]![1], 8), text);
    }
  }
}

Deno.test("parseFrame agrees with JSON.parse on randomly corrupted frames", () => {
  const base = `{"stream":"ethusdt@depth@100ms","data":${RAW}}`;
  const alphabet = '{}[]",:0123456789.-eEtrufalsn \\\n\tUubaE';
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const out = new ParsedFrame(4);
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let t = base;
    for (let m = 1 + rnd(3); m > 0; m--) {
      const at = rnd(t.length);
      const ch = alphabet[rnd(alphabet.length)]!;
      const op = rnd(3);
      t = op === 0
        ? t.slice(0, at) + ch + t.slice(at + 1)
        : op === 1
        ? t.slice(0, at) + t.slice(at + 1)
        : t.slice(0, at) + ch + t.slice(at);
    }
    const k = parseFrame(t, out);
    if (k === FrameKind.Depth) accepted++;
    agreesWithJson(t, out, k);
  }
  assert.ok(accepted > 100, `some mutations stay valid (${accepted})`);
});

const FIXTURE = new URL("../../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
let haveFixture = false;
try {
  haveFixture = Deno.statSync(new URL("diffs.jsonl", FIXTURE)).isFile;
} catch {
  console.warn(`parse_test: fixture absent at ${FIXTURE.pathname}; skipping real-data cross-checks`);
}

Deno.test({
  name: "parseFrame matches JSON.parse on every real ETHUSDT diff and trade",
  ignore: !haveFixture,
  fn() {
    const out = new ParsedFrame();
    let n = 0;
    for (const line of Deno.readTextFileSync(new URL("diffs.jsonl", FIXTURE)).split("\n")) {
      if (line === "") continue;
      const k = parseFrame(line, out);
      assert.equal(k, FrameKind.Depth, out.reason);
      assert.equal(out.combined, true);
      agreesWithJson(line, out, k);
      n++;
    }
    assert.equal(n, 6470);
    let t = 0;
    for (const line of Deno.readTextFileSync(new URL("trades.jsonl", FIXTURE)).split("\n")) {
      if (line === "") continue;
      assert.equal(parseFrame(line, out), FrameKind.Trade, out.reason);
      const j = JSON.parse(line).data;
      assert.deepEqual(
        [out.trade.id, out.trade.priceTicks, out.trade.qtyLots, out.trade.tradeTimeMs, out.trade.eventTimeMs],
        [j.t, parseFixed(j.p, 8), parseFixed(j.q, 8), j.T, j.E],
      );
      assert.equal(out.trade.buyerIsMaker, j.m);
      t++;
    }
    assert.equal(t, 14515);
  },
});

Deno.test({
  name: "parseSnapshot matches JSON.parse on the real ETHUSDT snapshot",
  ignore: !haveFixture,
  fn() {
    const text = Deno.readTextFileSync(new URL("snapshot.json", FIXTURE));
    const s = parseSnapshot(text);
    assert.ok(!isParseError(s));
    const j = JSON.parse(text);
    assert.equal(s.lastUpdateId, j.lastUpdateId);
    assert.equal(s.bidPx.length, j.bids.length);
    assert.equal(s.askPx.length, j.asks.length);
    j.bids.forEach((l: [string, string], i: number) => {
      assert.equal(s.bidPx[i], parseFixed(l[0], 8));
      assert.equal(s.bidQty[i], parseFixed(l[1], 8));
    });
    j.asks.forEach((l: [string, string], i: number) => {
      assert.equal(s.askPx[i], parseFixed(l[0], 8));
      assert.equal(s.askQty[i], parseFixed(l[1], 8));
    });
  },
});

Deno.test("parseFrame reads integer ids exactly up to 2^53 - 1 and rejects larger ones", () => {
  const ids: [string, number][] = [
    ["0", 0],
    ["7", 7],
    ["123456789", 123456789],
    ["1234567890", 1234567890],
    ["35346513499", 35346513499],
    ["100000000000000000", NaN],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", NaN],
    ["1234567890123456789012", NaN],
  ];
  for (const [s, want] of ids) {
    const out = new ParsedFrame(2);
    const k = parseFrame(`{"e":"depthUpdate","E":${s},"U":${s},"u":${s},"b":[],"a":[]}`, out);
    if (Number.isNaN(want)) assert.equal(k, FrameKind.Malformed, s);
    else {
      assert.equal(k, FrameKind.Depth, `${s}: ${out.reason}`);
      assert.deepEqual([out.diff.firstId, out.diff.lastId, out.diff.eventTimeMs], [want, want, want]);
    }
  }
});
