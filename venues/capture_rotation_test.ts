import { deepEqual, equal, throws } from "node:assert/strict";
import { CaptureWriter } from "./capture_writer.ts";
import { boundaryAfter, parseRotate } from "./capture_rotation.ts";

Deno.test("parseRotate takes hourly, daily or MB, and rejects anything else with one line", () => {
  deepEqual(parseRotate("hourly"), { kind: "hourly" });
  deepEqual(parseRotate("daily"), { kind: "daily" });
  deepEqual(parseRotate("64"), { kind: "size", bytes: 64 * 1024 * 1024 });
  deepEqual(parseRotate("0.5"), { kind: "size", bytes: 512 * 1024 });
  for (const bad of ["", "0", "-1", "weekly", "1e999", "abc"]) {
    throws(() => parseRotate(bad), /--rotate must be hourly, daily or a size in MB/, bad);
  }
  const h = 3_600_000_000_000;
  equal(boundaryAfter({ kind: "hourly" }, 5 * h), 6 * h);
  equal(boundaryAfter({ kind: "hourly" }, 5 * h + 1), 6 * h);
  equal(boundaryAfter({ kind: "daily" }, 25 * h), 48 * h);
  equal(boundaryAfter({ kind: "size", bytes: 1 }, 25 * h), Infinity);
});

Deno.test("hourly rotation closes a part at the first line received at or after the UTC hour", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = await CaptureWriter.create(dir, { flushIntervalMs: 0, rotate: { kind: "hourly" } });
    const l = w.lines("messages");
    w.setMetadata(() => ({}));
    const h = 3_600_000_000_000;
    const ns = [10 * h + 5, 10 * h + 9, 11 * h, 11 * h + 1, 13 * h + 7, 13 * h + 8];
    for (let i = 0; i < ns.length; i++) l.append(`{"i":${i}}`, ns[i]!);
    await w.close();
    const read = (f: string) => Deno.readTextFileSync(`${dir}/${f}`);
    equal(read("messages.0001.jsonl"), '{"i":0}\n{"i":1}\n{"i":2}\n');
    equal(read("messages.0002.jsonl"), '{"i":3}\n{"i":4}\n');
    equal(read("messages.0003.jsonl"), '{"i":5}\n');
    equal(read("messages.0003.recv_ns"), `${13 * h + 8}\n`);
    const meta = JSON.parse(read("metadata.json"));
    deepEqual(meta.parts.messages.map((p: { lines: number }) => p.lines), [3, 2, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
