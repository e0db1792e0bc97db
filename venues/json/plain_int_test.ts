import { equal } from "node:assert/strict";
import { lexReset, lx, plainInt, scanNumber } from "./lexer.ts";

const enc = new TextEncoder();
/** `s` as UTF-8 bytes followed by the NUL sentinel. */
function z(s: string): Uint8Array {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** What plainInt must give: scanNumber's integer when it is a plain one without a sign, else -1. */
function viaScan(s: string): string {
  const b = z(s);
  if (b[0] === 45) return "-1";
  lexReset();
  const p = scanNumber(b, 0);
  return p < 0 || lx.num !== lx.num ? "-1" : `${p}:${lx.num}`;
}

function plain(s: string): string {
  lx.num = -7; // untouched on failure
  const p = plainInt(z(s), 0);
  return p < 0 ? (lx.num === -7 ? "-1" : "-1 but lx.num written") : `${p}:${lx.num}`;
}

Deno.test("plainInt reads exactly the plain non-negative safe integers scanNumber reads", () => {
  const cases = [
    "0",
    "7",
    "10",
    "1723161255208",
    "35346513505",
    "9007199254740991",
    "9007199254740992",
    "99999999999999999",
    "123456789012345678",
    "1234567890123456789",
    "00",
    "01",
    "0.5",
    "0e1",
    "1.0",
    "12e3",
    "12E3",
    "-1",
    "-0",
    "+1",
    "",
    "a",
    "1,",
    "1}",
    "1]",
    '1"',
    "0,",
    "18446744073709551616",
  ];
  for (const s of cases) equal(plain(s), viaScan(s), JSON.stringify(s));
});

Deno.test("plainInt on pseudo-random digit strings agrees with scanNumber", () => {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const alphabet = "0123456789.e-,]";
  for (let k = 0; k < 5000; k++) {
    let s = "";
    const n = 1 + (next() % 20);
    for (let i = 0; i < n; i++) s += alphabet[next() % (next() % 4 === 0 ? alphabet.length : 10)];
    equal(plain(s), viaScan(s), JSON.stringify(s));
  }
});

Deno.test("plainInt stops at the sentinel of a cut number", () => {
  const b = z("123");
  equal(plainInt(b, 0), 3);
  equal(lx.num, 123);
  equal(plainInt(z(""), 0), -1);
});
