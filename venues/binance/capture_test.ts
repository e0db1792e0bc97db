import assert from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { testContext, testLogger, waitUntil } from "../../engine/testing.ts";
import { BinanceCapture } from "./capture.ts";
import { BinanceHandler } from "./handler.ts";
import { FrameKind, ParsedFrame, parseFrame } from "./parse.ts";

const pf = new ParsedFrame();

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
  c.parse(d(10, 12), pf);
  c.commitDiff(1, 10, 12);
  assert.equal(c.snapshot('{"lastUpdateId":11,"bids":[],"asks":[]}', 11, 2), "snapshot.json");
  c.parse(d(13, 15), pf);
  c.commitDiff(3, 13, 15);
  c.parse("{broken", pf);
  c.commitDiff(4, 0, 0);
  c.parse('{"e":"trade"}', pf);
  c.commitTrade(5);
  c.parse('{"result":null,"id":1}', pf);
  c.commitOther(6);
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

// Frames as received: depth, trade, reply, a malformed frame and an error reply with non-ASCII text.
const DEPTH = '{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[["1.00000000","2.00000000"]],"a":[]}';
const TRADE =
  '{"e":"trade","E":1,"s":"BTCUSDT","t":5,"p":"1.00000000","q":"1.00000000","T":1,"m":true,"M":true}';
const REPLY = '{"result":null,"id":1}';
const BROKEN = '{"e":"depthUpdate","note":"café é 🚀","U":3,';
const ERROR = '{"code":2,"msg":"déjà vu 🚀","id":3}';

Deno.test("BinanceCapture.parse encodes once, parses in place like parseFrame and commits only on request", async () => {
  const root = await Deno.makeTempDir();
  const c = await BinanceCapture.open({
    dir: root,
    symbol: "BTCUSDT",
    wsUrl: "ws://127.0.0.1:1/ws",
    restUrl: "http://127.0.0.1:1",
    clock: new FakeClock(0, 1),
    onError: (m) => assert.fail(m),
  });
  const pf = new ParsedFrame();
  const ref = new ParsedFrame();
  for (const f of [DEPTH, TRADE, REPLY, BROKEN, ERROR]) {
    const k = c.parse(f, pf);
    assert.equal(k, parseFrame(f, ref), f);
    assert.equal(pf.reason, ref.reason);
    if (k === FrameKind.Depth) assert.equal(pf.diff.lastId, ref.diff.lastId);
    if (k === FrameKind.ErrorReply) assert.equal(pf.errorMsg, "déjà vu 🚀");
    assert.equal(c.meta.messages + c.meta.trades + c.meta.other, 0, "parse alone commits nothing");
  }
  c.parse(DEPTH, pf);
  c.commitDiff(7, pf.diff.firstId, pf.diff.lastId);
  await c.close();
  assert.equal(await Deno.readTextFile(`${c.path}/diffs.jsonl`), `${DEPTH}\n`);
  assert.equal(await Deno.readTextFile(`${c.path}/diffs.recv_ns`), "7\n");
  assert.equal(c.meta.lastUpdateId, 2);
  await Deno.remove(root, { recursive: true });
});

Deno.test("BinanceHandler captures every received frame byte for byte (ASCII and non-ASCII, malformed too)", async () => {
  const frames = [DEPTH, BROKEN, TRADE, REPLY, ERROR, DEPTH.replace('"E":1', '"E":2')];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") return new Response("no", { status: 503 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => {
      for (const f of frames) socket.send(f);
    };
    return response;
  });
  const base = `127.0.0.1:${server.addr.port}`;
  const dir = await Deno.makeTempDir();
  const h = new BinanceHandler({
    symbol: "BTCUSDT",
    wsUrl: `ws://${base}/ws/btcusdt@depth@100ms`,
    restUrl: `http://${base}`,
    captureDir: dir,
    captureSession: "s",
  });
  const tl = testLogger();
  try {
    await h.start(testContext(tl.logger, "binance"));
    await waitUntil("frames queued", () => h.queued >= 1 + frames.length); // Open + the frames
    while (h.queued > 0) h.pollOnce(tl.logger);
    assert.equal(h.malformed, 1);
    await h.stop();
    const bytes = (name: string) => Deno.readFileSync(`${h.capture!.path}/${name}`);
    const enc = new TextEncoder();
    const want = (fs: string[]) => enc.encode(fs.map((f) => f + "\n").join(""));
    assert.deepEqual(bytes("diffs.jsonl"), want([frames[0]!, BROKEN, frames[5]!]));
    assert.deepEqual(bytes("trades.jsonl"), want([TRADE]));
    assert.deepEqual(bytes("other.jsonl"), want([REPLY, ERROR]));
    const count = (name: string) => new TextDecoder().decode(bytes(name)).split("\n").length - 1;
    for (const f of ["diffs", "trades", "other"]) assert.equal(count(`${f}.recv_ns`), count(`${f}.jsonl`), f);
    const meta = JSON.parse(Deno.readTextFileSync(`${h.capture!.path}/metadata.json`));
    assert.deepEqual([meta.messages, meta.trades, meta.other], [3, 1, 2]);
  } finally {
    await h.stop();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
