/**
 * `RawWebSocket` against a scripted peer: frames split anywhere and many per read, every length
 * form, fragmentation with a ping inside, ping/pong, the close handshake both ways, bad frames on
 * purpose (each fails the connection with the right code), EOF, the opening handshake's failures
 * and redirects, and read backpressure (a consumer that stops reading holds a bounded number of
 * messages). TLS: `raw_socket_tls_test.ts`.
 */
import assert from "node:assert/strict";
import { RawWebSocket, type RawWsEvents, type RawWsOptions } from "./raw_socket.ts";
import { Rec, ScriptServer, serverFrame, within } from "./_script_server.ts";

const dec = new TextDecoder();

async function connect(o: RawWsOptions = {}, path = "/ws?x=1") {
  const srv = ScriptServer.listen();
  const rec = new Rec();
  const [ws] = await Promise.all([RawWebSocket.open(srv.url(path), rec, o), srv.accept()]);
  ws.start();
  return { srv, rec, ws };
}

Deno.test("RawWebSocket reads every length form, many frames per read and frames split byte by byte", async () => {
  const { srv, rec, ws } = await connect();
  try {
    assert.match(srv.request, /^GET \/ws\?x=1 HTTP\/1\.1\r\n/);
    assert.match(srv.request, /Sec-WebSocket-Version: 13\r\n/);
    const long = "x".repeat(70_000);
    const frames = [serverFrame(1, "a"), serverFrame(1, "b".repeat(300)), serverFrame(1, long)];
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    frames.reduce((o, f) => (all.set(f, o), o + f.length), 0);
    await srv.write(all);
    await rec.until(() => rec.texts.length === 3, "three messages");
    const split = serverFrame(1, "split");
    for (let i = 0; i < split.length; i++) await srv.write(split.subarray(i, i + 1));
    await srv.write(serverFrame(2, new Uint8Array([1, 2, 3])));
    await rec.until(() => rec.binaries.length === 1, "the binary message");
    assert.deepEqual(rec.texts, ["a", "b".repeat(300), long, "split"]);
    assert.deepEqual([...rec.binaries[0]!], [1, 2, 3]);
    assert.ok(rec.batches >= 2 && rec.batches <= 4 + split.length);
  } finally {
    ws.drop();
    srv.close();
  }
});

Deno.test("RawWebSocket joins a fragmented message, answers a ping inside it with a masked pong", async () => {
  const { srv, rec, ws } = await connect();
  try {
    await srv.write(serverFrame(1, "ab", false));
    await srv.write(serverFrame(9, "p1"));
    await srv.write(serverFrame(0, "cd", false));
    await srv.write(serverFrame(0, "ef", true));
    const pong = await srv.nextFrame();
    assert.deepEqual([pong?.opcode, pong?.masked, dec.decode(pong?.payload)], [0xa, true, "p1"]);
    await rec.until(() => rec.texts.length === 1, "the joined message");
    assert.deepEqual(rec.texts, ["abcdef"]);
    assert.ok(ws.send("hello"));
    const sent = await srv.nextFrame();
    assert.deepEqual([sent?.opcode, sent?.masked, dec.decode(sent?.payload)], [1, true, "hello"]);
  } finally {
    ws.drop();
    srv.close();
  }
});

Deno.test("RawWebSocket echoes the server's close and reports it clean; its own close waits for the echo", async () => {
  const a = await connect();
  try {
    await a.srv.write(serverFrame(8, new Uint8Array([0x03, 0xe9, ...new TextEncoder().encode("bye")])));
    const echo = await a.srv.nextFrame();
    assert.deepEqual([echo?.opcode, echo?.payload[0], echo?.payload[1]], [8, 0x03, 0xe9]);
    await within(a.ws.closed, "closed");
    assert.deepEqual(a.rec.close, { code: 1001, reason: "bye", clean: true });
    assert.equal(a.ws.send("late"), false);
  } finally {
    a.srv.close();
  }
  const b = await connect();
  try {
    b.ws.close(1000, "done");
    const f = await b.srv.nextFrame();
    assert.deepEqual(
      [f?.opcode, (f!.payload[0]! << 8) | f!.payload[1]!, dec.decode(f?.payload.subarray(2))],
      [
        8,
        1000,
        "done",
      ],
    );
    assert.equal(b.rec.close, null, "not closed before the peer's echo");
    await b.srv.write(serverFrame(8, new Uint8Array([0x03, 0xe8])));
    await within(b.ws.closed, "closed");
    assert.deepEqual(b.rec.close, { code: 1000, reason: "", clean: true });
  } finally {
    b.srv.close();
  }
});

const bad: [string, Uint8Array, number][] = [
  ["a masked server frame", new Uint8Array([0x81, 0x81, 1, 2, 3, 4, 0x61]), 1002],
  ["a reserved bit", serverFrame(1, "x", true, 0x40), 1002],
  ["an unknown opcode", serverFrame(3, "x"), 1002],
  ["a fragmented ping", serverFrame(9, "x", false), 1002],
  ["a ping of 126 bytes", serverFrame(9, "p".repeat(126)), 1002],
  ["a continuation with no message", serverFrame(0, "x"), 1002],
  [
    "a text frame inside a fragmented one",
    new Uint8Array([...serverFrame(1, "a", false), ...serverFrame(1, "b")]),
    1002,
  ],
  ["a close payload of one byte", serverFrame(8, new Uint8Array([3])), 1002],
  ["a 16-bit length under 126", new Uint8Array([0x81, 126, 0, 5, 1, 2, 3, 4, 5]), 1002],
  ["a message over the limit", serverFrame(1, "y".repeat(300)), 1009],
  [
    "fragments over the limit",
    new Uint8Array([...serverFrame(1, "a".repeat(200), false), ...serverFrame(0, "b".repeat(200))]),
    1009,
  ],
];

for (const [what, bytes, code] of bad) {
  Deno.test(`RawWebSocket fails the connection with ${code} on ${what}`, async () => {
    const { srv, rec, ws } = await connect({ maxMessageBytes: 256 });
    try {
      await srv.write(serverFrame(1, "before"));
      await srv.write(bytes);
      const f = await srv.nextFrame();
      assert.equal(f?.opcode, 8, "a close frame");
      assert.equal((f!.payload[0]! << 8) | f!.payload[1]!, code);
      await within(ws.closed, "closed");
      assert.equal(rec.close?.code, code);
      assert.equal(rec.close?.clean, false);
      assert.deepEqual(rec.texts, ["before"]);
    } finally {
      srv.close();
    }
  });
}

Deno.test("RawWebSocket reports a TCP end without a close frame as 1006 Unexpected EOF", async () => {
  const { srv, rec, ws } = await connect();
  srv.close();
  await within(ws.closed, "closed");
  assert.deepEqual(rec.close, { code: 1006, reason: "Unexpected EOF", clean: false });
});

Deno.test("RawWebSocket refuses a bad handshake and follows a redirect", async () => {
  const cases: [(acc: string) => string, RegExp][] = [
    (() => [
      () =>
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n",
      /Sec-WebSocket-Accept/,
    ])() as [(acc: string) => string, RegExp],
    [() => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", /Invalid status code: 404/],
    [
      (a) => `HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
      /Upgrade: websocket/,
    ],
    [() => "SSH-2.0-OpenSSH\r\n\r\n", /not an HTTP response/],
  ];
  for (const [answer, why] of cases) {
    const srv = ScriptServer.listen();
    try {
      const opening = RawWebSocket.open(srv.url(), new Rec());
      await srv.accept(answer);
      await assert.rejects(opening, why);
    } finally {
      srv.close();
    }
  }
  const to = ScriptServer.listen();
  const from = ScriptServer.listen();
  try {
    const opening = RawWebSocket.open(from.url("/ws/a"), new Rec());
    const target = to.url("/live/ws/a").replace("ws:", "http:");
    await from.accept(() => `HTTP/1.1 301 Moved\r\nLocation: ${target}\r\nContent-Length: 0\r\n\r\n`);
    await to.accept();
    const ws = await opening;
    assert.equal(ws.url, to.url("/live/ws/a"));
    assert.equal(ws.hops, 1);
    ws.drop();
  } finally {
    to.close();
    from.close();
  }
  await assert.rejects(RawWebSocket.open("http://127.0.0.1:1/x", new Rec()), /not a ws: or wss: URL/);
});

Deno.test("RawWebSocket stops reading while the consumer is behind: messages held stay bounded", async () => {
  const queue: string[] = [];
  const limit = 8;
  let paused: PromiseWithResolvers<void> | null = null;
  let most = 0;
  let received = 0;
  const n = 2000;
  const srv = ScriptServer.listen();
  const rec: RawWsEvents = {
    onText: (b, s, e) => {
      queue.push(dec.decode(b.subarray(s, e)));
      most = Math.max(most, queue.length);
      // The last frames may be fewer than `limit`: then the reader never pauses, so the wait
      // below also ends when everything has arrived.
      if (++received === n) paused?.resolve();
    },
    onBinary: () => {},
    onBatch: () => {},
    onClose: () => {},
  };
  const canRead = (): boolean => {
    if (queue.length < limit) return true;
    paused?.resolve();
    return false;
  };
  const readBytes = 4096;
  const [ws] = await Promise.all([RawWebSocket.open(srv.url(), rec, { readBytes, canRead }), srv.accept()]);
  try {
    const one = (i: number): Uint8Array =>
      serverFrame(1, `{"i":${String(i).padStart(6, "0")}}`.padEnd(100, " "));
    const all = new Uint8Array(n * one(0).length);
    for (let i = 0; i < n; i++) all.set(one(i), i * one(0).length);
    const writing = srv.write(all);
    ws.start();
    const got: string[] = [];
    while (got.length < n) {
      paused = Promise.withResolvers<void>();
      if (got.length + queue.length < n) await within(paused.promise, `paused after ${got.length}`);
      got.push(...queue.splice(0));
      ws.resume();
    }
    await within(writing, "the server's write");
    // At most limit - 1 held when a read starts, plus one read's worth: readBytes / 102-byte frames.
    assert.ok(most <= limit - 1 + Math.floor(readBytes / one(0).length), `most held ${most}`);
    assert.ok(ws.pauses >= n / (limit + readBytes / one(0).length), `pauses ${ws.pauses}`);
    assert.deepEqual(got.map((t) => Number(t.slice(5, 11))), Array.from({ length: n }, (_, i) => i));
  } finally {
    ws.drop();
    srv.close();
  }
});
