import { equal, ok, throws } from "node:assert/strict";
import { decimalsOf, formatFixed, parseFixed, parseFixedBytes, parseFixedRange } from "./decimal.ts";

Deno.test("parseFixed converts exact decimals to integers with no float rounding", () => {
  equal(parseFixed("0.00000001", 8), 1);
  equal(parseFixed("123456.78900000", 8), 12345678900000);
  equal(parseFixed("61602.01000000", 8), 6160201000000);
  equal(parseFixed("0.1", 8), 10000000);
  equal(parseFixed("7", 8), 700000000);
  equal(parseFixed("2.3", 1), 23);
  equal(parseFixed("113377.0", 1), 1133770);
  // 0.1 + 0.2 style values stay exact.
  equal(parseFixed("0.30000000", 8), 30000000);
});

Deno.test("parseFixed round-trips through formatFixed", () => {
  for (const s of ["0.00000001", "123456.78900000", "1.00000000", "0.00000000", "90071992.54740991"]) {
    equal(formatFixed(parseFixed(s, 8), 8), s);
  }
  equal(formatFixed(parseFixed("113377.0", 8), 8, 1), "113377.0");
  equal(formatFixed(5, 0, 0), "5");
});

Deno.test("parseFixed rejects malformed, over-precise and out-of-range input with NaN", () => {
  for (const s of ["", ".", "1..2", "1.2.3", "-1", "+1", "1e5", "abc", " 1", "1 ", "0x10", "1,5"]) {
    ok(Number.isNaN(parseFixed(s, 8)), `expected NaN for "${s}"`);
  }
  ok(Number.isNaN(parseFixed("0.000000001", 8)), "more digits than the scale");
  equal(parseFixed("0.100000000000", 8), 10000000, "extra trailing zeros are fine");
  ok(Number.isNaN(parseFixed("90071992.54740992", 8)), "beyond 2^53");
  ok(Number.isNaN(parseFixed("100000000000", 8)));
});

Deno.test("parseFixedRange and parseFixedBytes agree with parseFixed", () => {
  const s = `["61602.01000000","1.67177000"]`;
  equal(parseFixedRange(s, 2, 16, 8), parseFixed("61602.01000000", 8));
  const b = new TextEncoder().encode(s);
  equal(parseFixedBytes(b, 2, 16, 8), 6160201000000);
  equal(parseFixedBytes(b, 19, 29, 8), 167177000);
  ok(Number.isNaN(parseFixedBytes(b, 0, 3, 8)));
});

Deno.test("formatFixed refuses non-integers and negatives; decimalsOf counts digits", () => {
  throws(() => formatFixed(1.5, 8), RangeError);
  throws(() => formatFixed(-1, 8), RangeError);
  equal(decimalsOf("113377.0"), 1);
  equal(decimalsOf("7"), 0);
  equal(decimalsOf("0.00000001"), 8);
});
