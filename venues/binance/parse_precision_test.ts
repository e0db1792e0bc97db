import assert from "node:assert/strict";
import { FrameKind, ParsedFrame, parseFrame, parseSnapshot } from "./parse.ts";
import { isParseError } from "./types.ts";
import { exchangeInfoDecimals, snapshotDecimals } from "./precision.ts";
import { exchangeInfoJson } from "../../sim/binance/_sim_rest.ts";
import { mulberry32 } from "../backoff.ts";

/** The exact integer of the decimal string `s` at `d` decimals (BigInt), or null when finer. */
function ref(s: string, d: number): bigint | null {
  const [i, f = ""] = s.split(".");
  const sig = f.replace(/0+$/, "");
  if (sig.length > d) return null;
  return BigInt(i! + f.slice(0, d).padEnd(d, "0"));
}

const depth = (b: string, a: string) =>
  `{"e":"depthUpdate","E":1,"s":"PEPEUSDT","U":1,"u":2,"b":[${b}],"a":[${a}]}`;

Deno.test("parseFrame: PEPE-sized values are exact at the instrument's scale (8 / 2)", () => {
  const pf = new ParsedFrame();
  pf.priceDecimals = 8;
  pf.qtyDecimals = 2;
  const k = parseFrame(
    depth(
      `["0.00000123","123456789012.00000000"],["0.00000122","123456789012.00"]`,
      `["1234567.12345678","0.01000000"]`,
    ),
    pf,
  );
  assert.equal(k, FrameKind.Depth, pf.reason);
  assert.deepEqual([...pf.diff.bidPx.subarray(0, 2)], [123, 122]);
  assert.deepEqual([...pf.diff.bidQty.subarray(0, 2)], [12345678901200, 12345678901200]);
  assert.equal(pf.diff.askPx[0], 123456712345678); // a price above 10^6 with 8 decimals
  assert.equal(pf.diff.askQty[0], 1);
  const t = parseFrame(
    `{"e":"trade","E":1,"s":"PEPEUSDT","t":9,"p":"0.00000123","q":"123456789012.00000000","T":1,"m":true}`,
    pf,
  );
  assert.equal(t, FrameKind.Trade, pf.reason);
  assert.equal(pf.trade.priceTicks, 123);
  assert.equal(pf.trade.qtyLots, 12345678901200);
});

Deno.test("parseFrame: a quantity past 2^53 at 10^-8 says so (not the generic 'bad quantity')", () => {
  const pf = new ParsedFrame(); // default 8 / 8
  const k = parseFrame(depth(`["0.00000123","123456789012.00000000"]`, ""), pf);
  assert.equal(k, FrameKind.Malformed);
  assert.equal(pf.reason, "quantity beyond 2^53 at the instrument's precision");
  assert.equal(pf.tooLarge, true);
  assert.equal(pf.tooFine, false);
});

Deno.test("parseFrame: a value finer than the scale is flagged with the decimals it needs", () => {
  const pf = new ParsedFrame();
  pf.priceDecimals = 2;
  pf.qtyDecimals = 4;
  assert.equal(parseFrame(depth(`["2500.12300000","1.00000000"]`, ""), pf), FrameKind.Malformed);
  assert.equal(pf.reason, "price finer than the instrument's precision");
  assert.deepEqual([pf.tooFine, pf.finePriceDecimals, pf.fineQtyDecimals, pf.tooLarge], [true, 3, 0, false]);
  assert.equal(parseFrame(depth(`["2500.12","1.00001"]`, ""), pf), FrameKind.Malformed);
  assert.equal(pf.reason, "quantity finer than the instrument's precision");
  assert.deepEqual([pf.tooFine, pf.finePriceDecimals, pf.fineQtyDecimals], [true, 0, 5]);
  const tr = `{"e":"trade","E":1,"s":"X","t":1,"p":"2500.125","q":"1","T":1,"m":false}`;
  assert.equal(parseFrame(tr, pf), FrameKind.Malformed);
  assert.deepEqual([pf.reason, pf.finePriceDecimals], ["price finer than the instrument's precision", 3]);
  // The next good frame clears the flags.
  assert.equal(parseFrame(depth(`["2500.12000000","1.00010000"]`, ""), pf), FrameKind.Depth);
  assert.deepEqual([pf.tooFine, pf.tooLarge, pf.diff.bidPx[0], pf.diff.bidQty[0]], [
    false,
    false,
    250012,
    10001,
  ]);
});

Deno.test("parseFrame: random decimals at random scales are exact or flagged, never rounded", () => {
  const rng = mulberry32(5);
  const pf = new ParsedFrame();
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(rng() * 10))).join("");
  for (let i = 0; i < 3000; i++) {
    const int = String(BigInt(digits(1 + Math.floor(rng() * 13))));
    const frac = digits(Math.floor(rng() * 9));
    const s = frac.length > 0 && rng() < 0.7 ? `${int}.${frac.padEnd(8, rng() < 0.5 ? "0" : "")}` : int;
    const d = Math.floor(rng() * 11);
    pf.priceDecimals = 8;
    pf.qtyDecimals = d;
    const k = parseFrame(depth(`["1.00000000","${s}"]`, ""), pf);
    const want = ref(s, d);
    if (want === null) {
      assert.equal(k, FrameKind.Malformed, s);
      assert.equal(pf.tooFine, true, s);
    } else if (want > BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.equal(k, FrameKind.Malformed, s);
      assert.equal(pf.tooLarge, true, s);
    } else {
      assert.equal(k, FrameKind.Depth, `${s} at ${d}: ${pf.reason}`);
      assert.equal(BigInt(pf.diff.bidQty[0]!), want, `${s} at ${d}`);
    }
  }
});

Deno.test("parseSnapshot takes the scale; snapshotDecimals finds the finest values", () => {
  const body = `{"lastUpdateId":7,"bids":[["0.00000123","123456789012.00000000"]],` +
    `"asks":[["1234567.12345678","0.50000000"]]}`;
  assert.deepEqual(snapshotDecimals(body), { priceDecimals: 8, qtyDecimals: 1 });
  const s = parseSnapshot(body, 8, 1);
  assert.ok(!isParseError(s));
  assert.deepEqual([...s.bidPx, ...s.bidQty, ...s.askPx, ...s.askQty], [
    123,
    1234567890120,
    123456712345678,
    5,
  ]);
  const bad = parseSnapshot(body); // 8 / 8
  assert.ok(isParseError(bad));
  assert.equal(bad.error, "quantity beyond 2^53 at the instrument's precision");
  assert.equal(snapshotDecimals("not json"), null);
});

Deno.test("exchangeInfoDecimals reads tickSize / stepSize of the symbol, trimmed", () => {
  const body = exchangeInfoJson("PEPEUSDT", "0.00000001", "1", 6000);
  assert.deepEqual(exchangeInfoDecimals(body, "PEPEUSDT"), { priceDecimals: 8, qtyDecimals: 0 });
  assert.deepEqual(exchangeInfoDecimals(exchangeInfoJson("ETHUSDT", "0.01", "0.0001", 6000), "ETHUSDT"), {
    priceDecimals: 2,
    qtyDecimals: 4,
  });
  assert.equal(exchangeInfoDecimals(body, "BTCUSDT"), null);
  assert.equal(exchangeInfoDecimals("{}", "PEPEUSDT"), null);
});
