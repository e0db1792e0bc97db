/** `deno task demo --out-dir` outside what the demo may write is refused up front: exit 2, one line. */
import { equal, match, ok } from "node:assert/strict";
import { PROJECT_ROOT, runTask } from "./_task.ts";

Deno.test("demo --out-dir outside captures/ and out/ exits 2 with one line, before anything starts", async () => {
  const r = await runTask(["demo", "--out-dir", "/tmp/hft-demo-elsewhere", "--seconds", "1"]);
  equal(r.code, 2, r.err);
  match(
    r.err,
    /^demo: --out-dir \/tmp\/hft-demo-elsewhere: this task may only write under captures\/ and out\//,
  );
  ok(!r.err.includes("NotCapable") && !r.err.includes("    at "), `no stack trace: ${r.err}`);
  ok(!r.out.includes("simulator"), "nothing started");
});

Deno.test("demo --out-dir naming a file exits 2 with one line", async () => {
  const file = `out/test-demo-file-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${PROJECT_ROOT}out`, { recursive: true });
  await Deno.writeTextFile(`${PROJECT_ROOT}${file}`, "x");
  try {
    const r = await runTask(["demo", "--out-dir", file, "--seconds", "1"]);
    equal(r.code, 2, r.err);
    match(
      r.err,
      /^demo: --out-dir out\/test-demo-file-\w+: out\/test-demo-file-\w+ is a file, not a directory/,
    );
  } finally {
    await Deno.remove(`${PROJECT_ROOT}${file}`);
  }
});
