import { deepEqual, equal, ok } from "node:assert/strict";
import { fastDepthLine, fastTradeLine } from "./_fast_frame.ts";
import { LineReader } from "./lines.ts";
import { FrameKind, ParsedFrame, parseFrameBytes } from "../venues/binance/parse.ts";

const FIXTURE = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url).pathname;
const hasFixture = (() => {
  try {
    Deno.statSync(FIXTURE + "diffs.jsonl");
    return true;
  } catch {
    console.warn(`fixture ${FIXTURE} absent: the fixture equivalence test is skipped`);
    return false;
  }
})();

const enc = new TextEncoder();
const DEPTH =
  '{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"ETHUSDT","U":35346513499,' +
  '"u":35346513505,"b":[["2683.80000000","3.02920000"],["0.00100000","0.00000000"]],"a":[["2733.70000000","0.00000000"]]}}';
const TRADE =
  '{"stream":"ethusdt@trade","data":{"e":"trade","E":1723161255612,"s":"ETHUSDT","t":1520538925,' +
  '"p":"2683.80000000","q":"0.00200000","T":1723161255611,"m":true,"M":true}}';

/** What a parse produced, as plain data. */
function snapshot(k: number, f: ParsedFrame): unknown {
  if (k === FrameKind.Depth) {
    const d = f.diff;
    return {
      k,
      U: d.firstId,
      u: d.lastId,
      E: d.eventTimeMs,
      bp: [...d.bidPx.subarray(0, d.nBids)],
      bq: [...d.bidQty.subarray(0, d.nBids)],
      ap: [...d.askPx.subarray(0, d.nAsks)],
      aq: [...d.askQty.subarray(0, d.nAsks)],
      combined: f.combined,
      reason: f.reason,
    };
  }
  if (k === FrameKind.Trade) return { k, ...f.trade, combined: f.combined, reason: f.reason };
  return { k };
}

/** Run the fast path on `line` + "\n" (+ `tail`); -1 or the general scanner's exact result. */
function fast(line: Uint8Array, depth: boolean, tail = new Uint8Array(0)): { nl: number; got?: unknown } {
  const buf = new Uint8Array(line.length + 1 + tail.length + 1);
  buf.set(line);
  buf[line.length] = 10;
  buf.set(tail, line.length + 1);
  const limit = line.length + 1 + tail.length;
  const f = new ParsedFrame(1);
  const nl = depth ? fastDepthLine(buf, 0, limit, f) : fastTradeLine(buf, 0, limit, f);
  if (nl < 0) return { nl };
  return { nl, got: snapshot(depth ? FrameKind.Depth : FrameKind.Trade, f) };
}

function general(line: Uint8Array): unknown {
  const f = new ParsedFrame(1);
  return snapshot(parseFrameBytes(line, 0, line.length, f), f);
}

Deno.test("fast line parser accepts Binance's exact depth and trade lines with the general scanner's result", () => {
  for (const [text, depth] of [[DEPTH, true], [TRADE, false]] as const) {
    const line = enc.encode(text);
    const r = fast(line, depth, enc.encode(text + "\n"));
    equal(r.nl, line.length, "the line end is found");
    deepEqual(r.got, general(line));
  }
  const empty = enc.encode(DEPTH.replace(/"b":\[.*\],"a"/, '"b":[],"a"'));
  deepEqual(fast(empty, true).got, general(empty));
  // A trade line is not a depth line and vice versa.
  equal(fast(enc.encode(TRADE), true).nl, -1);
  equal(fast(enc.encode(DEPTH), false).nl, -1);
});

Deno.test("fast line parser falls back (-1) on every deviation from the exact format", () => {
  const cases: [string, boolean][] = [
    [DEPTH.replace('"b":[', '"b": ['), true], // whitespace
    [DEPTH.replace('"U":35346513499,"u":35346513505', '"u":35346513505,"U":35346513499'), true], // key order
    [DEPTH.replace("2683.80000000", "2683.8"), true], // other fractional digit count
    [DEPTH.replace("ETHUSDT", "ETH\\u0055SDT"), true], // escape
    [DEPTH.replace("35346513499", "35346513599"), true], // U > u (the general scanner: malformed)
    [DEPTH.replace("1723161255308", "01723161255308"), true], // leading zero
    [DEPTH.replace("1723161255308", "17231612553080000"), true], // 17 digits
    [DEPTH.replace("1723161255308", "-1723161255308"), true], // negative
    [DEPTH.replace("2683.80000000", "99999999999.00000000"), true], // >= 2^53 ticks
    [DEPTH.replace("2683.80000000", "2683.8000000a"), true], // not a digit
    [DEPTH.replace("2683.80000000", "02683.80000000"), true], // leading zero in a decimal
    [DEPTH.replace('"a":[', '"x":1,"a":['), true], // extra key
    [DEPTH.slice(0, -1), true], // truncated
    [DEPTH.replace("ETHUSDT", "ETH\u0000USDT"), true], // NUL inside
    [DEPTH.replace('"data":{"e"', '"data":{ "e"'), true],
    [TRADE.replace('"m":true', '"m":1'), false],
    [TRADE.replace('"M":true', '"M":null'), false],
    [TRADE.replace('"M":true', '"M":true,"x":0'), false],
    [TRADE.replace('"e":"trade"', '"e":"aggTrade"'), false],
    [TRADE.replace("0.00200000", "0.002"), false],
    [TRADE.replace("1520538925", "1520538925.5"), false],
  ];
  for (const [text, depth] of cases) {
    equal(fast(enc.encode(text), depth).nl, -1, text);
  }
  // CRLF line end, and a line whose newline is not in the valid bytes (limit), fall back too.
  const crlf = enc.encode(DEPTH + "\r");
  equal(fast(crlf, true).nl, -1);
  const line = enc.encode(DEPTH + "\n");
  const buf = new Uint8Array(line.length + 1);
  buf.set(line);
  equal(fastDepthLine(buf, 0, line.length - 1, new ParsedFrame(1)), -1);
  equal(fastDepthLine(line, 0, line.length, new ParsedFrame(1)), -1, "no room for the sentinel");
  equal(buf[line.length - 1], 10, "the sentinel byte is restored");
});

Deno.test("fast line parser: decimal integer parts of every length and shape, at every level position", () => {
  // The integer part is read up to 4 digits at a time: lengths 0..11, leading zeros, and a
  // non-digit right after 0..4 digits must give exactly the documented acceptance
  // `(0|[1-9][0-9]{0,8}).[0-9]{8}` with the general scanner's value, as price and as quantity.
  const ints = ["", "0", "00", "01", "0000", "00001"];
  for (let n = 1; n <= 11; n++) ints.push("123456789012".slice(0, n), "9".repeat(n), "1" + "0".repeat(n - 1));
  const shape = /^(0|[1-9][0-9]{0,8})\.[0-9]{8}$/;
  const fracs = [".00000000", ".12345678", ".1234567", "x00000000", ":00000000", "/00000000", ""];
  let accepted = 0;
  for (const ip of ints) {
    for (const fr of fracs) {
      const num = ip + fr;
      for (const at of ['"2683.80000000"', '"3.02920000"', '"0.00000000"']) {
        const text = DEPTH.replace(at, `"${num}"`);
        const line = enc.encode(text);
        const r = fast(line, true);
        const valid = shape.test(num) && Number(ip) * 1e8 < 2 ** 53;
        equal(r.nl >= 0, valid, `${num} in place of ${at}`);
        if (r.nl < 0) continue;
        accepted++;
        deepEqual(r.got, general(line), text);
      }
    }
  }
  ok(accepted > 50, `accepted ${accepted}`);
});

Deno.test("fast line parser: random byte mutations either fall back or match the general scanner", () => {
  let x = 12345;
  const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
  const alphabet = enc.encode('0123456789.,:"[]{} \\-eE+ntrufalsx\n\r\u0000');
  let accepted = 0;
  for (const [text, depth] of [[DEPTH, true], [TRADE, false]] as const) {
    const base = enc.encode(text);
    for (let i = 0; i < 4000; i++) {
      const line = base.slice();
      const edits = 1 + rnd(2);
      for (let e = 0; e < edits; e++) line[rnd(line.length)] = alphabet[rnd(alphabet.length)]!;
      const r = fast(line, depth);
      if (r.nl < 0) continue;
      accepted++;
      equal(r.nl, line.length);
      ok(!line.includes(10), "an accepted line holds no newline");
      deepEqual(r.got, general(line), new TextDecoder().decode(line));
    }
  }
  ok(accepted > 100, `some mutations stay valid (${accepted})`);
});

Deno.test({
  name: "fast line parser matches the general scanner on every line of the recorded ETHUSDT fixture",
  ignore: !hasFixture,
  async fn() {
    for (const [file, depth] of [["diffs.jsonl", true], ["trades.jsonl", false]] as const) {
      const r = await LineReader.open(FIXTURE + file, 1 << 20);
      let lines = 0;
      let hits = 0;
      while (r.next() || (await r.nextLine())) {
        lines++;
        const line = r.buf.slice(r.start, r.end);
        const f = fast(line, depth);
        if (f.nl < 0) continue;
        hits++;
        deepEqual(f.got, general(line));
      }
      await r.close();
      ok(hits === lines, `${file}: ${hits} of ${lines} lines on the fast path`);
    }
  },
});
