/**
 * The peer libraries of bench/ (ccxt, tardis-dev, ringbuf.js) stay out of the product: not in the
 * root lock (a fresh clone would download them and warn about ccxt's build scripts on
 * `deno task demo` and `deno task check`), and not in what `deno task check` type-checks.
 */
import { ok } from "node:assert/strict";
import { PROJECT_ROOT } from "./_task.ts";

const PEERS = ["ccxt", "tardis-dev", "ringbuf.js"];

Deno.test("the root lock holds only the product's npm packages; bench/ has its own", async () => {
  const lock = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}deno.lock`));
  const specs = Object.keys(lock.specifiers);
  ok(specs.includes("npm:hdr-histogram-js@3.0.1"), specs.join(", "));
  for (const s of specs) ok(!PEERS.some((p) => s.startsWith(`npm:${p}@`)), `root lock names ${s}`);
  for (const k of Object.keys(lock.npm)) {
    ok(!PEERS.some((p) => k.startsWith(`${p}@`)), `root lock holds ${k}`);
  }
  const bench = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}bench/deno.lock`));
  for (const p of PEERS) {
    ok(Object.keys(bench.specifiers).some((s) => s.startsWith(`npm:${p}@`)), `bench lock: ${p}`);
  }
});

Deno.test("deno task check leaves bench/ to check:bench, which uses bench's own config", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}deno.json`));
  ok(!tasks.check.command.includes("bench") && !tasks.check.command.includes("**"), tasks.check.command);
  ok(tasks["check:bench"].command.includes("--config bench/deno.json"));
  ok(tasks.bench.command.includes("--config bench/deno.json"));
  ok(tasks.ci.command.includes("deno task check:bench"));
});
