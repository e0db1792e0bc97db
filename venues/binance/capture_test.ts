import assert from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { BinanceCapture } from "./capture.ts";

Deno.test("BinanceCapture writes the session layout with numbered snapshots and diffLinesBefore", async () => {
  const root = await Deno.makeTempDir();
  const clock = new FakeClock(0, 1_723_161_254_036_052_000);
  const errors: string[] = [];
  const c = await BinanceCapture.open({
    dir: root,
    symbol: "ETHUSDT",
    wsUrl: "ws://127.0.0.1:1/ws/ethusdt@depth@100ms",
    restUrl: "http://127.0.0.1:1",
    clock,
    onError: (m) => errors.push(m),
  });
  const session = String(Math.floor(1_723_161_254_036_052_000 / 1e6));
  assert.equal(c.path, `${root}/ETHUSDT/${session}`);
  const d = (U: number, u: number) =>
    `{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":${U},"u":${u},"b":[],"a":[]}`;
  c.diff(d(10, 12), 1, 10, 12);
  assert.equal(c.snapshot('{"lastUpdateId":11,"bids":[],"asks":[]}', 11, 2), "snapshot.json");
  c.diff(d(13, 15), 3, 13, 15);
  c.diff("{broken", 4, 0, 0);
  c.trade('{"e":"trade"}', 5);
  c.other('{"result":null,"id":1}', 6);
  assert.equal(c.snapshot('{"lastUpdateId":20,"bids":[],"asks":[]}', 20, 7), "snapshot-1.json");
  c.progress(15, 1);
  await c.close();
  const meta = JSON.parse(await Deno.readTextFile(`${c.path}/metadata.json`));
  assert.deepEqual(meta.snapshots, [
    { file: "snapshot.json", lastUpdateId: 11, recvNs: 2, diffLinesBefore: 1 },
    { file: "snapshot-1.json", lastUpdateId: 20, recvNs: 7, diffLinesBefore: 3 },
  ]);
  assert.equal(meta.venue, "binance");
  assert.equal(meta.session, session);
  assert.equal(meta.firstUpdateId, 10);
  assert.equal(meta.lastUpdateId, 15);
  assert.equal(meta.messages, 3);
  assert.equal(meta.trades, 1);
  assert.equal(meta.other, 1);
  assert.equal(meta.lastAppliedUpdateId, 15);
  assert.equal(meta.resyncs, 1);
  assert.equal(meta.complete, true);
  assert.equal(
    await Deno.readTextFile(`${c.path}/snapshot-1.json`),
    '{"lastUpdateId":20,"bids":[],"asks":[]}',
  );
  assert.equal(await Deno.readTextFile(`${c.path}/diffs.jsonl`), `${d(10, 12)}\n${d(13, 15)}\n{broken\n`);
  assert.equal(await Deno.readTextFile(`${c.path}/diffs.recv_ns`), "1\n3\n4\n");
  assert.deepEqual(errors, []);
  await Deno.remove(root, { recursive: true });
});
