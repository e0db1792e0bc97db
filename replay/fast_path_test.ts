import { deepEqual, equal } from "node:assert/strict";
import { type CancelModel, type FillAttribution, L3Book } from "./l3.ts";
import { Attribution, TradeWindow } from "./classify.ts";
import { Side } from "./schema.ts";
import { FrameKind, ParsedFrame, parseFrameBytes, parseFrameInPlace } from "../venues/binance/parse.ts";
import { CollectSink } from "./_test_event.ts";

/** A seeded pseudo-random sequence of level changes on a few prices (big, non-Smi prices). */
function changes(seed: number, n: number): { side: Side; px: number; qty: number }[] {
  let x = seed;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out: { side: Side; px: number; qty: number }[] = [];
  for (let i = 0; i < n; i++) {
    const side = rnd() < 0.5 ? Side.Bid : Side.Ask;
    const px = 268_300_000_000 + Math.floor(rnd() * 8) * 1_000_000;
    const qty = rnd() < 0.25 ? 0 : Math.floor(rnd() * 5e9);
    out.push({ side, px, qty });
  }
  return out;
}

for (const model of ["tail", "head", "proportional"] as CancelModel[]) {
  Deno.test(`L3Book.changeLevels emits exactly what change() does per level (${model})`, () => {
    const seq = changes(7, 3000);
    const mkAttr = (): FillAttribution => {
      const w = new TradeWindow();
      const a = new Attribution();
      a.window = w;
      for (let i = 0; i < 8; i++) w.push(268_300_000_000 + i * 1_000_000, 1e9, i % 2 === 0);
      return a;
    };
    const s1 = new CollectSink();
    const a1 = new L3Book(s1, { cancelModel: model, capacity: 4 });
    const at1 = mkAttr();
    for (const c of seq) a1.change(c.side, c.px, c.qty, at1);
    const s2 = new CollectSink();
    const a2 = new L3Book(s2, { cancelModel: model, capacity: 4 });
    const at2 = mkAttr();
    for (const c of seq) {
      a2.changeLevels(c.side, new Float64Array([c.px]), new Float64Array([c.qty]), 1, at2);
    }
    equal(s2.events.length, s1.events.length);
    deepEqual(s2.events, s1.events);
    equal(a2.checkInvariant(), true);
  });
}

Deno.test("parseFrameInPlace parses a line inside a buffer like parseFrameBytes and restores the byte after it", () => {
  const enc = new TextEncoder();
  const lines = [
    `{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"X","U":5,"u":7,` +
    `"b":[["2683.80000000","3.02920000"]],"a":[["2733.70000000","0.00000000"]]}}`,
    `{"stream":"ethusdt@trade","data":{"e":"trade","E":2,"s":"X","t":9,"p":"1.5","q":"0.2","T":2,"m":true}}`,
    `{"e":"depthUpdate","E":1,"U":5,"u":7,"b":[["1.0","2.0"]],"a":[["x"]]}`, // malformed
    `{"e":"depthUpdate","E":1,"U":5,"u":7,"b":[],"a":[] `, // truncated
  ];
  const buf = enc.encode(lines.join("\r\n") + "\n");
  const before = buf.slice();
  let start = 0;
  for (const line of lines) {
    const end = start + enc.encode(line).length;
    const f1 = new ParsedFrame(4);
    const f2 = new ParsedFrame(4);
    const k1 = parseFrameBytes(buf, start, end, f1);
    const k2 = parseFrameInPlace(buf, start, end, f2);
    equal(k2, k1, line);
    equal(f2.reason, f1.reason);
    if (k1 === FrameKind.Depth) {
      deepEqual([...f2.diff.bidPx.subarray(0, f2.diff.nBids)], [...f1.diff.bidPx.subarray(0, f1.diff.nBids)]);
      deepEqual([...f2.diff.askQty.subarray(0, f2.diff.nAsks)], [
        ...f1.diff.askQty.subarray(0, f1.diff.nAsks),
      ]);
      equal(f2.diff.lastId, f1.diff.lastId);
    }
    if (k1 === FrameKind.Trade) deepEqual({ ...f2.trade }, { ...f1.trade });
    deepEqual(buf, before, "the byte after the line is restored");
    start = end + 2; // "\r\n"
  }
  // A line ending at the end of the buffer (no byte after it) falls back to the copying parser.
  const tail = enc.encode(lines[1]!);
  equal(parseFrameInPlace(tail, 0, tail.length, new ParsedFrame(4)), FrameKind.Trade);
});
