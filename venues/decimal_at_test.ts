import { equal, ok } from "node:assert/strict";
import { dec, decimalAt, DecimalError, MAX_FIXED } from "./decimal.ts";

const enc = new TextEncoder();

/** decimalAt over `s` followed by a quote: [value or error code, decimals when Fine]. */
function at(
  s: string,
  scale: number,
): { v: number; err: number; fine: number; end: boolean; places: number } {
  const b = enc.encode(s + '"');
  const p = decimalAt(b, 0, scale);
  return { v: dec.value, err: dec.error, fine: dec.decimals, end: p === s.length, places: dec.places };
}

/** The exact value of a plain decimal × 10^scale (BigInt reference), or null when not an integer. */
function reference(s: string, scale: number): bigint | null {
  const [i, f = ""] = s.split(".");
  const digits = f.padEnd(scale, "0");
  if (/[1-9]/.test(digits.slice(scale))) return null;
  return BigInt(i || "0") * 10n ** BigInt(scale) + BigInt(digits.slice(0, scale) || "0");
}

Deno.test("decimalAt is exact on real-looking extremes", () => {
  equal(at("0.00000123", 8).v, 123);
  equal(at("123456789012.00", 2).v, 12345678901200);
  equal(at("123456789012.00", 0).v, 123456789012);
  equal(at("1234567.12345678", 8).v, 123456712345678, "a price above 10^6 with 8 decimals");
  equal(at("61602.01000000", 8).v, 6160201000000);
  equal(at("105055.0", 1).v, 1050550);
  equal(at("7", 18).err, DecimalError.TooLarge, "7 × 10^18 units is beyond 2^53");
  equal(at("7", 15).v, 7e15);
  equal(at("0.000000000000000001", 18).v, 1);
});

Deno.test("decimalAt reports the decimals a too-fine value needs, and accepts zeros beyond the scale", () => {
  const r = at("0.00000123", 6);
  equal(r.err, DecimalError.Fine);
  equal(r.fine, 8);
  ok(Number.isNaN(r.v));
  equal(at("0.123456789", 8).fine, 9);
  equal(at("2683.84000000", 2).v, 268384, "Binance's 8 digits at a coarser scale, exact");
  equal(at("2683.84100000", 2).err, DecimalError.Fine);
  equal(at("2683.84100000", 2).fine, 3);
  equal(at("0.1000000000", 8).v, 10000000, "trailing zeros beyond the scale");
  equal(at("0." + "0".repeat(18) + "1", 8).err, DecimalError.Bad, "finer than 10^-18 cannot be held");
});

Deno.test("decimalAt: the 2^53 boundary is exact, one unit more is TooLarge (never rounded)", () => {
  equal(at("90071992.54740991", 8).v, MAX_FIXED);
  equal(at("90071992.54740992", 8).err, DecimalError.TooLarge);
  equal(at("9007199254740991", 0).v, MAX_FIXED);
  equal(at("9007199254740992", 0).err, DecimalError.TooLarge);
  equal(at("9007199254740993", 0).err, DecimalError.TooLarge);
  equal(at("900719925474099.1", 1).v, MAX_FIXED);
  equal(at("900719925474099.2", 1).err, DecimalError.TooLarge);
  equal(at("99999999999999999999999", 0).err, DecimalError.TooLarge);
  equal(at("123456789012.00", 8).err, DecimalError.TooLarge);
});

Deno.test("decimalAt rejects signs, exponents and other forms the venues never send", () => {
  for (const s of ["-0", "-1.5", "+1", "1e5", "1E5", "1.5e-3", "", ".", "1..2", "1.2.3", "0x10", "∞"]) {
    const r = at(s, 8);
    ok(r.err === DecimalError.Bad || !r.end, `"${s}" must not parse as a whole decimal`);
  }
  // The routine stops at the first byte that is not a digit or a dot: callers check it is theirs.
  const b = enc.encode('1e5"');
  equal(decimalAt(b, 0, 8), 1);
});

Deno.test("decimalAt: the SWAR form and the byte loop agree with a BigInt reference at every scale", () => {
  let x = 987654321;
  const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
  for (let i = 0; i < 4000; i++) {
    const ip = String(rnd(10) < 2 ? rnd(10) : rnd(1e9)).slice(0, 1 + rnd(10));
    const nf = [8, 8, 8, 0, 1, 2, 5, 9, 12][rnd(9)]!;
    let f = "";
    for (let k = 0; k < nf; k++) f += rnd(4) === 0 ? "0" : String(rnd(10));
    const s = nf === 0 ? ip : `${ip}.${f}`;
    const scale = rnd(19);
    const r = at(s, scale);
    const want = reference(s, scale);
    ok(r.end, s);
    equal(r.places, nf, `${s}: places`);
    if (want === null) equal(r.err, DecimalError.Fine, `${s} @${scale}`);
    else if (want > BigInt(MAX_FIXED)) equal(r.err, DecimalError.TooLarge, `${s} @${scale}`);
    else equal(r.v, Number(want), `${s} @${scale}`);
  }
});
