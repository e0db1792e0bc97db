import { deepEqual, equal } from "node:assert/strict";
import { fastDepthLine, fastTradeLine } from "./_fast_frame.ts";
import { FrameKind, ParsedFrame, parseFrameBytes } from "../venues/binance/parse.ts";
import { mulberry32 } from "../venues/backoff.ts";

const enc = new TextEncoder();

function parts(f: ParsedFrame, depth: boolean): number[] {
  if (!depth) return [f.trade.priceTicks, f.trade.qtyLots];
  const d = f.diff;
  return [...d.bidPx.subarray(0, d.nBids), ...d.bidQty.subarray(0, d.nBids), d.firstId, d.lastId];
}

Deno.test("the replay fast path at any scale: the general scanner's exact result, or -1 (never another value)", () => {
  const rng = mulberry32(9);
  const dec = () => {
    const int = String(Math.floor(rng() * 10 ** Math.floor(rng() * 10)));
    const frac = rng() < 0.5 ? "00000000" : String(Math.floor(rng() * 1e8)).padStart(8, "0");
    return `${int}.${rng() < 0.5 ? frac.slice(0, 3) + "00000" : frac}`;
  };
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const depth = rng() < 0.7;
    const p = dec();
    const q = dec();
    const line = depth
      ? `{"stream":"x@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"X","U":5,"u":6,"b":[["${p}","${q}"]],"a":[]}}`
      : `{"stream":"x@trade","data":{"e":"trade","E":1,"s":"X","t":1,"p":"${p}","q":"${q}","T":1,"m":true,"M":true}}`;
    const bytes = enc.encode(line + "\n ");
    const pd = Math.floor(rng() * 11);
    const qd = Math.floor(rng() * 11);
    const fast = new ParsedFrame(1);
    fast.priceDecimals = pd;
    fast.qtyDecimals = qd;
    const nl = depth
      ? fastDepthLine(bytes, 0, bytes.length - 1, fast)
      : fastTradeLine(bytes, 0, bytes.length - 1, fast);
    const gen = new ParsedFrame(1);
    gen.priceDecimals = pd;
    gen.qtyDecimals = qd;
    const k = parseFrameBytes(bytes, 0, bytes.length - 2, gen);
    if (nl < 0) continue;
    accepted++;
    equal(nl, bytes.length - 2, line);
    equal(k, depth ? FrameKind.Depth : FrameKind.Trade, `${line} at ${pd}/${qd}: ${gen.reason}`);
    deepEqual(parts(fast, depth), parts(gen, depth), `${line} at ${pd}/${qd}`);
  }
  equal(accepted > 1000, true, `the fast path takes most lines (${accepted})`);
});
