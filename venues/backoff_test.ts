import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { Backoff, mulberry32 } from "./backoff.ts";

Deno.test("Backoff without jitter doubles from baseMs and caps at maxMs", () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: "none" });
  const got: number[] = [];
  for (let i = 0; i < 7; i++) got.push(b.next());
  deepEqual(got, [100, 200, 400, 800, 1000, 1000, 1000]);
  equal(b.attempt, 7);
});

Deno.test("Backoff full jitter uses the injected rng across [minMs, ceiling]", () => {
  const lo = new Backoff({ baseMs: 100, maxMs: 1000, minMs: 10, rng: () => 0 });
  const hi = new Backoff({ baseMs: 100, maxMs: 1000, minMs: 10, rng: () => 0.999999 });
  for (let k = 1; k <= 6; k++) {
    equal(lo.next(), 10);
    equal(hi.next(), Math.min(1000, 100 * 2 ** (k - 1)));
  }
  const mid = new Backoff({ baseMs: 100, maxMs: 1000, rng: () => 0.5 });
  deepEqual([mid.next(), mid.next(), mid.next()], [50, 100, 200]);
});

Deno.test("Backoff equal jitter stays in [ceiling/2, ceiling]", () => {
  const rng = mulberry32(7);
  const b = new Backoff({ baseMs: 64, maxMs: 4096, jitter: "equal", rng });
  for (let k = 1; k <= 20; k++) {
    const d = b.next();
    const ceil = b.ceiling(k);
    ok(d >= Math.floor(ceil / 2) && d <= ceil, `attempt ${k}: ${d} not in [${ceil / 2}, ${ceil}]`);
  }
});

Deno.test("Backoff.reset starts the schedule over after a healthy connection", () => {
  const b = new Backoff({ baseMs: 100, maxMs: 10_000, jitter: "none" });
  b.next();
  b.next();
  equal(b.next(), 400);
  b.reset();
  equal(b.attempt, 0);
  equal(b.next(), 100);
});

Deno.test("Backoff stays bounded after very many attempts (no overflow to Infinity/NaN)", () => {
  const b = new Backoff({ baseMs: 1, maxMs: 5000, rng: mulberry32(1) });
  for (let i = 0; i < 5000; i++) {
    const d = b.next();
    ok(Number.isFinite(d) && d >= 0 && d <= 5000, `delay ${d}`);
  }
  equal(b.ceiling(5000), 5000);
});

Deno.test("Backoff seeded jitter is reproducible and actually varies", () => {
  const a = new Backoff({ baseMs: 1000, maxMs: 1000, rng: mulberry32(42) });
  const b = new Backoff({ baseMs: 1000, maxMs: 1000, rng: mulberry32(42) });
  const xs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const x = a.next();
    equal(x, b.next());
    xs.push(x);
  }
  ok(new Set(xs).size > 10, "jitter should spread the delays");
});

Deno.test("Backoff rejects inconsistent options", () => {
  throws(() => new Backoff({ baseMs: 0 }), RangeError);
  throws(() => new Backoff({ baseMs: 100, maxMs: 50 }), RangeError);
  throws(() => new Backoff({ minMs: -1 }), RangeError);
  throws(() => new Backoff({ factor: 0.5 }), RangeError);
  throws(() => new Backoff({ baseMs: 100, maxMs: 200, minMs: 300 }), RangeError);
});
