import { equal, ok } from "node:assert/strict";
import { dec, DecimalError } from "../decimal.ts";
import {
  decimalString,
  keyIs,
  lexReset,
  lx,
  plainString,
  scanNumber,
  skipString,
  skipValue,
} from "./lexer.ts";

const enc = new TextEncoder();
/** `s` as UTF-8 bytes followed by the NUL sentinel. */
function z(s: string): Uint8Array {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

Deno.test("scanNumber: plain non-negative integers below 2^53, every other number NaN, bad ones -1", () => {
  const n = (s: string) => {
    lexReset();
    const p = scanNumber(z(s), 0);
    return p < 0 ? "fail" : lx.num;
  };
  equal(n("0"), 0);
  equal(n("35346513505"), 35346513505);
  equal(n("9007199254740991"), 9007199254740991);
  ok(Number.isNaN(n("9007199254740992") as number), "2^53 is not held");
  ok(Number.isNaN(n("-0") as number));
  ok(Number.isNaN(n("1.5") as number));
  ok(Number.isNaN(n("1e5") as number));
  ok(Number.isNaN(n("12345678901234567890123") as number));
  equal(n("01"), "fail");
  equal(n("1."), "fail");
  equal(n("1e"), "fail");
  equal(n("-"), "fail");
});

Deno.test("skipString validates escapes and control bytes; plainString refuses any escape", () => {
  const ok1 = z('a\\"b\\\\c\\/\\n\\u00e9\\uD83D\\uDE00"');
  equal(skipString(ok1, 0), ok1.length - 1);
  lexReset();
  equal(skipString(z('a\\x"'), 0), -1);
  equal(lx.err, "bad escape");
  lexReset();
  equal(skipString(z('a\\u12G4"'), 0), -1);
  equal(lx.err, "bad escape");
  lexReset();
  equal(skipString(z('a\tb"'), 0), -1);
  equal(lx.err, "control character in string");
  lexReset();
  equal(skipString(z("abc"), 0), -1);
  equal(lx.err, "truncated");
  equal(plainString(z('ETHUSDT"'), 0), 7);
  equal(plainString(z('ETH\\u0055SDT"'), 0), -1);
  equal(plainString(z('ETHé"'), 0), -1);
});

Deno.test("decimalString: exact values, a bad decimal in a valid string, a truncated string", () => {
  const b = z('0.00000123","x"');
  equal(decimalString(b, 0, 8), 11);
  equal(dec.value, 123);
  equal(decimalString(z('1\\u0030"'), 0, 8), 8, "a valid string that is not a plain decimal");
  equal(dec.error, DecimalError.Bad);
  lexReset();
  equal(decimalString(z("2683.8400"), 0, 8), -1);
  equal(lx.err, "truncated");
  equal(decimalString(z('1e5"'), 0, 8), 4);
  equal(dec.error, DecimalError.Bad);
});

Deno.test("skipValue validates any JSON, refuses depth beyond the limit, and fails on every truncation", () => {
  const doc = '{"a":[1,-2.5e+3,true,false,null,"s\\"t",{"b":{}}],"c":[]}';
  equal(skipValue(z(doc), 0, 1), doc.length);
  for (let n = 1; n < doc.length; n++) {
    lexReset();
    equal(skipValue(z(doc.slice(0, n)), 0, 1), -1, doc.slice(0, n));
    ok(lx.err !== "");
  }
  lexReset();
  equal(skipValue(z("[".repeat(70) + "]".repeat(70)), 0, 1), -1);
  equal(lx.err, "too deep");
  for (const bad of ["[1,]", '{"a" 1}', "{1:2}", "tru", "nul", "[1 2]", "'x'"]) {
    lexReset();
    equal(skipValue(z(bad), 0, 1), -1, bad);
  }
  ok(keyIs(z("symbol"), 0, 6, enc.encode("symbol")));
});
