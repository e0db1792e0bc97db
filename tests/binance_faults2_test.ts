/**
 * End-to-end faults of `BinanceHandler` outside the simulator's switches: a peer that never
 * answers the close frame, a REST snapshot request that never answers, `pollOnce` after
 * `--max-messages` with a backlog, and frames of an old socket still queued after a reconnect.
 * Waits on conditions (never fixed sleeps) with an overall deadline.
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent } from "../engine/events.ts";
import { testContext, testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { acceptKey } from "../sim/binance/_sim_ws.ts";

/** Reject after `ms` (unref'd timer, cleared when `p` settles). */
async function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms);
    Deno.unrefTimer(t);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** A TCP server that completes the WebSocket upgrade, then reads and ignores everything. */
function silentWsServer(): { port: number; conns: Deno.Conn[]; close(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const loops: Promise<void>[] = [];
  const serve = async (conn: Deno.Conn): Promise<void> => {
    const buf = new Uint8Array(4096);
    let head = "";
    try {
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buf);
        if (n === null) return;
        head += new TextDecoder().decode(buf.subarray(0, n));
      }
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? "";
      const resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptKey(key)}\r\n\r\n`;
      await conn.write(new TextEncoder().encode(resp));
      while ((await conn.read(buf)) !== null) { /* never answer, not even the close frame */ }
    } catch { /* closed by the test */ }
  };
  const accepting = (async () => {
    try {
      for await (const c of listener) {
        conns.push(c);
        loops.push(serve(c));
      }
    } catch { /* listener closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    conns,
    async close() {
      listener.close();
      await accepting;
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await Promise.all(loops);
    },
  };
}

Deno.test({
  name: "BinanceHandler.stop() finishes and completes the capture when the peer never answers the close",
  async fn() {
    const srv = silentWsServer();
    const dir = await Deno.makeTempDir();
    const h = new BinanceHandler({
      wsUrl: `ws://127.0.0.1:${srv.port}/ws/btcusdt@depth@100ms`,
      restUrl: "http://127.0.0.1:9",
      captureDir: dir,
      captureSession: "s",
      closeTimeoutMs: 200,
    });
    const tl = testLogger();
    try {
      await h.start(testContext(tl.logger, "binance"));
      await waitUntil("connected", () => h.connections === 1);
      // The peer never confirms the close, so only the closeTimeoutMs bound can end stop(): it
      // finishing at all is the property (the deadline only keeps a regression from hanging CI).
      await within("stop()", h.stop(), 30_000);
      const meta = JSON.parse(Deno.readTextFileSync(`${h.capture!.path}/metadata.json`));
      assert.equal(meta.complete, true);
    } finally {
      await srv.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("BinanceHandler retries a REST snapshot that never answers and synchronises", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 7 } });
  let requests = 0;
  const rest = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = new URL(req.url);
    if (u.pathname === "/api/v3/depth" && requests++ === 0) {
      // Never answer the first snapshot request; give up only when the client goes away.
      await new Promise<void>((r) => req.signal.addEventListener("abort", () => r(), { once: true }));
      return new Response("gone", { status: 499 });
    }
    const r = await fetch(sim.restUrl + u.pathname + u.search);
    return new Response(await r.text(), { status: r.status });
  });
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: `http://127.0.0.1:${rest.addr.port}`,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    snapshotTimeoutMs: 150,
  });
  const tl = testLogger();
  const events: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  try {
    await waitUntil("synced after the hung request", () => h.sync.isSynced);
    events.push(...tl.drain());
    assert.ok(requests >= 2, "a second request was made");
    assert.ok(
      events.some((e) =>
        e.kind === EventKind.Warning && e.text.includes("snapshot failed") && /time/i.test(e.text)
      ),
      "a timeout warning was logged",
    );
  } finally {
    ac.abort();
    const report = await engine;
    await rest.shutdown();
    await sim.close();
    assert.notEqual(report.reason, "error", String(report.error));
  }
});

Deno.test("BinanceHandler.pollOnce is idle (undefined) once done, even with frames still queued", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  const dir = await Deno.makeTempDir();
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    maxMessages: 3,
    captureDir: dir,
    captureSession: "s",
  });
  const tl = testLogger();
  try {
    await h.start(testContext(tl.logger, "binance"));
    await waitUntil("connected", () => sim.clients === 1);
    sim.step(10);
    const sent = sim.stats.framesSent;
    assert.ok(sent > 3);
    await waitUntil("frames queued", () => h.queued >= 1 + sent); // Open + the diffs
    let polls = 0;
    while (!h.isDone() && polls++ < 100) h.pollOnce(tl.logger);
    assert.ok(h.isDone());
    assert.ok(h.queued > 0, "a backlog is left");
    assert.equal(h.pollOnce(tl.logger), undefined);
    assert.equal(h.pollOnce(tl.logger), undefined);
    await h.stop();
    const lines = Deno.readTextFileSync(`${h.capture!.path}/diffs.jsonl`).trim().split("\n");
    assert.equal(lines.length, sent, "the backlog is still captured");
  } finally {
    await h.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BinanceHandler drops (but captures) frames of the old socket queued before a reconnect", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  const dir = await Deno.makeTempDir();
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: "http://127.0.0.1:9", // snapshots fail: the buffer stays observable
    captureDir: dir,
    captureSession: "s",
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5 },
  });
  const tl = testLogger();
  try {
    await h.start(testContext(tl.logger, "binance"));
    await waitUntil("connected", () => sim.clients === 1);
    sim.step(3);
    const before = sim.stats.framesSent;
    sim.fault("server_shutdown");
    sim.step(4); // sent after serverShutdown on the old socket
    const old = sim.stats.framesSent - before;
    assert.ok(old > 0);
    await waitUntil("frames queued", () => h.queued >= 2 + sim.stats.framesSent); // Open + shutdown + diffs
    h.pollOnce(tl.logger); // handles serverShutdown: reconnects, then meets the 4 old frames
    await waitUntil("reconnected", () => sim.clients >= 1 && h.connections === 2);
    const sentOld = sim.stats.framesSent;
    sim.step(3);
    const fresh = sim.stats.framesSent - sentOld;
    await waitUntil("new frames", () => h.queued >= 1 + fresh); // Open + the new diffs
    h.pollOnce(tl.logger);
    const evs = tl.drain();
    const gaps = evs.filter((e) => e.kind === EventKind.Warning && e.text.includes("gap while buffering"));
    assert.deepEqual(gaps.map((e) => e.text), [], "no spurious gap warning");
    assert.equal(h.sync.buffered, fresh, "only the new socket's diffs are buffered");
    await h.stop();
    const lines = Deno.readTextFileSync(`${h.capture!.path}/diffs.jsonl`).trim().split("\n");
    assert.equal(lines.length, sim.stats.framesSent, "every diff received is captured, old socket included");
  } finally {
    await h.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
