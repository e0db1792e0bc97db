/**
 * A frame of any type or content never kills a capturing session: binary frames (ArrayBuffer,
 * typed arrays, DataView, Blob) and frames with newlines are captured as one JSON line each, with
 * a warning, and the session goes on (the writer, the Binance handler over a real socket, the
 * Hyperliquid handler over a scripted one).
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { EventKind } from "../engine/events.ts";
import { testContext, testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "./binance/handler.ts";
import { binaryFrameLine } from "./capture_frame.ts";
import { CaptureWriter } from "./capture_writer.ts";
import { Drive } from "../testing/drive.ts";
import { FakeWebSocket, installFakeWebSocket } from "../testing/fake_ws.ts";
import { HyperliquidHandler } from "./hyperliquid/handler.ts";

const lines = (path: string) => Deno.readTextFileSync(path).split("\n").slice(0, -1);

Deno.test("CaptureLines takes binary frames of every kind and newline frames as one JSON line each", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const errors: string[] = [];
    const w = await CaptureWriter.create(dir, { flushIntervalMs: 0, onError: (m) => errors.push(m) });
    const l = w.lines("other");
    const bytes = new Uint8Array([0, 1, 2, 10, 13, 255]);
    const frames = [
      bytes,
      bytes.buffer,
      new DataView(bytes.buffer, 1, 2),
      new Blob([bytes]),
      '{"a":\n1}',
      "\r\n",
    ];
    for (let i = 0; i < frames.length; i++) l.append(frames[i]!, i + 1);
    await w.close();
    const got = lines(`${dir}/other.jsonl`);
    assert.equal(got.length, frames.length, "one line per frame");
    for (const g of got.slice(0, 4)) JSON.parse(g); // every binary line is JSON
    assert.deepEqual(JSON.parse(got[0]!), { binaryFrame: "AAECCg3/", bytes: 6 });
    assert.equal(got[1], got[0]);
    assert.deepEqual(JSON.parse(got[2]!), { binaryFrame: btoa("\x01\x02"), bytes: 2 });
    assert.deepEqual(JSON.parse(got[3]!), { binaryFrame: null, blob: true, bytes: 6 });
    assert.deepEqual(got.slice(4), ['{"a": 1}', "  "]);
    assert.equal(l.binaryLines, 4);
    assert.equal(l.sanitizedLines, 2);
    assert.equal(lines(`${dir}/other.recv_ns`).length, frames.length);
    assert.deepEqual(errors, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const DEPTH = '{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[["1.00","1.0"]],"a":[]}';

Deno.test("a binary frame to a capturing BinanceHandler is captured in other.jsonl with a warning", async () => {
  const binary = new Uint8Array([123, 0, 200, 10]);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") return new Response("no", { status: 503 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => {
      socket.send(DEPTH);
      socket.send(binary);
      socket.send('{"e":"depthUpdate","E":2,\n"s":"BTCUSDT","U":3,"u":3,"b":[],"a":[]}');
      socket.send(DEPTH.replace('"E":1', '"E":3'));
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
    await waitUntil("frames queued", () => h.queued >= 5); // Open + 4 frames
    while (h.queued > 0) h.pollOnce(tl.logger);
    const warnings = tl.drain().filter((e) => e.kind === EventKind.Warning).map((e) => e.text);
    assert.ok(warnings.some((t) => /binary frame/.test(t)), `warned: ${warnings.join(" | ")}`);
    assert.ok(!h.isDone(), "the session goes on");
    await h.stop();
    const path = h.capture!.path;
    assert.equal(lines(`${path}/diffs.jsonl`).length, 3, "the depth frames, newline frame on one line");
    assert.deepEqual(lines(`${path}/other.jsonl`).map((l) => JSON.parse(l)), [
      { binaryFrame: btoa("{\x00\xc8\n"), bytes: 4 },
    ]);
    const meta = JSON.parse(Deno.readTextFileSync(`${path}/metadata.json`));
    assert.deepEqual([meta.messages, meta.other, meta.binaryFrames, meta.sanitizedLines], [3, 1, 1, 1]);
    assert.equal(meta.complete, true);
  } finally {
    await h.stop();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a binary frame to a capturing HyperliquidHandler is captured with a warning", async () => {
  const dir = await Deno.makeTempDir();
  const restore = installFakeWebSocket();
  const h = new HyperliquidHandler({
    wsUrl: "ws://127.0.0.1:1/ws",
    backoff: { baseMs: 1, maxMs: 2 },
    closeTimeoutMs: 20,
    captureDir: dir,
    captureSession: "s",
  });
  const d = new Drive(h, new FakeClock(0, 1));
  try {
    await d.start();
    const s = FakeWebSocket.created[0]!;
    s.fireOpen();
    s.fireMessage(new Uint8Array([1, 2, 3]).buffer as unknown as string);
    s.fireMessage(new Blob(["x"]) as unknown as string);
    d.pump();
    const warnings = d.events.filter((e) => e.kind === EventKind.Warning).map((e) => e.text);
    assert.equal(warnings.length, 2, warnings.join(" | "));
    assert.ok(!h.isDone());
  } finally {
    await d.stop();
    restore();
  }
  try {
    const got = lines(`${dir}/BTC/s/messages.jsonl`);
    assert.deepEqual(got, [binaryFrameLine(new Uint8Array([1, 2, 3])), binaryFrameLine(new Blob(["x"]))]);
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/BTC/s/metadata.json`));
    assert.deepEqual([meta.messages, meta.binaryFrames, meta.complete], [2, 2, true]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
