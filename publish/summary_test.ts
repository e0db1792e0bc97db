import assert from "node:assert/strict";
import type { PublishDone } from "./_publish_types.ts";
import { publishSummary } from "./summary.ts";
import { TEXT_CAPACITY } from "../engine/events.ts";

const done: PublishDone = {
  accepted: 10,
  acked: 9,
  duplicates: 2,
  retries: 3,
  unacked: 0,
  dropped: 1,
  droppedBook: 1,
  ringLost: 0,
  clears: 4,
  reconnects: 5,
  errors: 0,
};

Deno.test("publish summary: every counter in its place, the clears included; any loss marks the run lost", () => {
  const s = publishSummary(done, { runId: "r1", copies: 6, ringLost: 7 });
  assert.equal(
    s.line,
    "[publish] run r1: 9 acknowledged (2 duplicates), 3 retried, 5 reconnects, 6 copies, " +
      "4 clears; lost: 0 unacknowledged, 1 dropped, 7 to a full ring",
  );
  assert.equal(s.lost, true);
  const clean = { ...done, dropped: 0, droppedBook: 0 };
  assert.equal(publishSummary(clean, { runId: "r1", copies: 0, ringLost: 0 }).lost, false);
  for (const k of ["unacked", "dropped", "ringLost"] as const) {
    assert.equal(publishSummary({ ...clean, [k]: 1 }, { runId: "r1", copies: 0, ringLost: 0 }).lost, true, k);
  }
  assert.equal(publishSummary(clean, { runId: "r1", copies: 0, ringLost: 1 }).lost, true);
  // One log record holds it at realistic counts (the logger cuts longer text with "…").
  const big = {
    ...clean,
    acked: 1_234_567,
    duplicates: 12_345,
    retries: 123_456,
    reconnects: 123,
    clears: 1234,
  };
  const line = publishSummary(big, { runId: "2b86351760cf", copies: 12_345, ringLost: 0 }).line;
  assert.ok(new TextEncoder().encode(line).length <= TEXT_CAPACITY, `${line.length}: ${line}`);
});
