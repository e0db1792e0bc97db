import { equal, ok } from "node:assert/strict";
import { readSnapshotReply } from "./_handler_snapshot.ts";

Deno.test("a snapshot request with no HTTP answer says so, never 'HTTP 0'", () => {
  const r = readSnapshotReply(0, "timed out after 10000 ms", NaN, NaN);
  equal(r.snap, null);
  equal(r.schedStatus, 0);
  equal(r.why, "no answer from the REST endpoint: timed out after 10000 ms");
  ok(!r.why.includes("HTTP 0"));
});

Deno.test("an HTTP error reply names its status; a bad 200 body names the parse error", () => {
  equal(readSnapshotReply(503, "busy", NaN, NaN).why, "HTTP 503: busy");
  const bad = readSnapshotReply(200, "{", NaN, NaN);
  equal(bad.schedStatus, 0);
  ok(bad.why.startsWith("bad body ("), bad.why);
});
