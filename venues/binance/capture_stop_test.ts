import assert from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { BinanceCapture } from "./capture.ts";
import { ParsedFrame } from "./parse.ts";

const pf = new ParsedFrame();

Deno.test("a stopped Binance capture keeps appending in memory and lists no unwritten snapshot", async () => {
  const root = await Deno.makeTempDir();
  const errors: string[] = [];
  const c = await BinanceCapture.open({
    dir: root,
    symbol: "ETHUSDT",
    session: "s",
    wsUrl: "ws://x",
    restUrl: "http://x",
    clock: new FakeClock(0, 1),
    onError: (m) => errors.push(m),
  });
  c.snapshot('{"lastUpdateId":1,"bids":[],"asks":[]}', 1, 1);
  await c.flush();
  await Deno.remove(root, { recursive: true }); // a new file (metadata's temp file) cannot be created
  c.parse('{"e":"depthUpdate","U":2,"u":2}', pf);
  c.commitDiff(2, 2, 2);
  await c.writer.writeMetadata();
  assert.ok(c.writer.stopped !== null, "the failed write stopped the capture");
  assert.match(errors[0]!, /metadata\.json.*capture stopped/);
  assert.equal(c.snapshot('{"lastUpdateId":3,"bids":[],"asks":[]}', 3, 3), "snapshot-1.json");
  c.parse('{"e":"depthUpdate","U":3,"u":3}', pf);
  c.commitDiff(3, 3, 3);
  await c.close();
  assert.deepEqual(c.meta.snapshots.map((s) => s.file), ["snapshot.json"], "unwritten snapshot not listed");
  assert.equal(c.meta.messages, 2, "appends go on in memory");
  assert.equal(c.writer.metadata()!.complete, false);
});
