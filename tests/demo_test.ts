import { equal, ok } from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

Deno.test("deno task demo runs the whole pipeline offline and exits 0", async () => {
  // Inside captures/: the tasks may only write under captures/ and out/ (least permissions).
  const outDir = `captures/test-demo-${crypto.randomUUID().slice(0, 8)}`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo", "--seconds", "3", "--out-dir", outDir],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  equal(out.code, 0, `demo failed:\n${stdout}\n${stderr}`);
  const m = /capture:\s+(\S+)\//.exec(stdout);
  ok(m, "the demo prints where the capture is");
  const dir = `${root}/${m![1]!}`;
  for (const f of ["snapshot.json", "diffs.jsonl", "diffs.recv_ns", "trades.jsonl", "metadata.json"]) {
    const st = await Deno.stat(`${dir}/${f}`);
    ok(st.size > 0, `${f} is not empty`);
  }
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/metadata.json`));
  ok(meta.messages > 0);
  ok(meta.resyncs >= 1, "the injected gap caused a resync");
  // The live run logged its pipeline milestones.
  ok(stderr.includes("snapshot applied"), "snapshot applied line");
  ok(stderr.includes("synchronized"), "synchronized line");
  ok(/\[log-queue\] depth=\d+ capacity=\d+ dropped=0/.test(stderr), "queue depth line with no drops");
  await Deno.remove(`${root}/${outDir}`, { recursive: true });
});
