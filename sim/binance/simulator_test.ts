import assert from "node:assert/strict";
import { waitUntil } from "../../engine/testing.ts";
import { BinanceSimulator } from "./simulator.ts";

/** Open a WebSocket and collect text messages; resolves `opened` on open. */
function client(url: string) {
  const ws = new WebSocket(url);
  const msgs: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const closed = new Promise<CloseEvent>((r) => ws.onclose = r);
  const opened = new Promise<void>((res, rej) => {
    ws.onopen = () => res();
    ws.onerror = (e) => rej(new Error((e as ErrorEvent).message));
  });
  ws.onmessage = (e) => {
    msgs.push(e.data as string);
    for (const w of waiters) if (msgs.length >= w.n) w.resolve();
  };
  const atLeast = (n: number) =>
    msgs.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  return { ws, msgs, opened, closed, atLeast };
}

Deno.test("BinanceSimulator serves REST depth with weight headers, 429 and 418 faults", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0, retryAfterSec: 3 });
  try {
    let r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=1000`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-mbx-used-weight-1m"), "50");
    const body = await r.json();
    assert.equal(body.lastUpdateId, sim.truth.updateId);
    assert.equal(body.bids.length, sim.truth.bids.size);
    r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=5`);
    assert.equal(r.headers.get("x-mbx-used-weight-1m"), "55");
    assert.equal((await r.json()).asks.length, 5);
    sim.fault("rate_limit");
    for (let i = 0; i < 2; i++) {
      r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "3");
      await r.body?.cancel();
    }
    sim.fault("ban");
    r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`);
    assert.equal(r.status, 418);
    await r.body?.cancel();
    r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`);
    assert.equal(r.status, 200, "recovers after the faults");
    await r.body?.cancel();
    r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=ETHUSDT`);
    assert.equal(r.status, 400);
    await r.body?.cancel();
    assert.equal(sim.stats.rateLimited, 2);
    assert.equal(sim.stats.banned, 1);
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceSimulator REST weight window answers 429 past the limit", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0, weightLimit: 100 });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=1000`);
      codes.push(r.status);
      await r.body?.cancel();
    }
    assert.deepEqual(codes, [200, 200, 429]);
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceSimulator streams raw diffs with contiguous ids and combined trades", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0, market: { seed: 5 } });
  const raw = client(sim.wsUrl());
  const comb = client(sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"));
  try {
    await raw.opened;
    await comb.opened;
    await waitUntil("2 clients", () => sim.clients >= 2, 10_000);
    sim.step(50);
    const diffsSent = sim.stats.framesSent;
    assert.ok(diffsSent > 50);
    await waitUntil("every diff delivered", () => raw.msgs.length + comb.msgs.length >= diffsSent, 10_000);
    let prev = -1;
    for (const m of raw.msgs) {
      const d = JSON.parse(m);
      assert.equal(d.e, "depthUpdate");
      if (prev >= 0) assert.equal(d.U, prev + 1);
      prev = d.u;
    }
    const streams = new Set(comb.msgs.map((m) => JSON.parse(m).stream));
    assert.deepEqual([...streams].sort(), ["btcusdt@depth@100ms", "btcusdt@trade"]);
  } finally {
    raw.ws.close();
    comb.ws.close();
    await raw.closed;
    await comb.closed;
    await sim.close();
  }
});

Deno.test("BinanceSimulator handles SUBSCRIBE and LIST_SUBSCRIPTIONS on /ws", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  const c = client(sim.wsUrl("/ws"));
  try {
    await c.opened;
    c.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@depth@100ms"], id: 1 }));
    await c.atLeast(1);
    assert.equal(c.msgs[0], '{"result":null,"id":1}');
    c.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 2 }));
    await c.atLeast(2);
    assert.equal(c.msgs[1], '{"result":["btcusdt@depth@100ms"],"id":2}');
    c.ws.send("not json");
    await c.atLeast(3);
    assert.match(c.msgs[2]!, /"code":3/);
    sim.step(20);
    await c.atLeast(10);
    assert.equal(JSON.parse(c.msgs[3]!).e, "depthUpdate");
  } finally {
    c.ws.close();
    await c.closed;
    await sim.close();
  }
});

Deno.test("BinanceSimulator drop fault closes TCP without a close frame", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  const c = client(sim.wsUrl());
  try {
    await c.opened;
    await waitUntil("1 client", () => sim.clients >= 1, 10_000);
    sim.fault("drop");
    const ev = await c.closed;
    assert.equal(ev.wasClean, false);
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceSimulator redirect fault answers 301 to /live and serves there", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  try {
    sim.fault("redirect");
    const r = await fetch(`${sim.restUrl}/ws/btcusdt@depth@100ms`, { redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), "/live/ws/btcusdt@depth@100ms");
    await r.body?.cancel();
    const c = client(sim.wsUrl("/live/ws/btcusdt@depth@100ms"));
    await c.opened;
    await waitUntil("1 client", () => sim.clients >= 1, 10_000);
    sim.step(5);
    await c.atLeast(1);
    c.ws.close();
    await c.closed;
  } finally {
    await sim.close();
  }
});

Deno.test("BinanceSimulator malformed, skip_update and server_shutdown faults", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0, shutdownGraceMs: 10 });
  const c = client(sim.wsUrl());
  try {
    await c.opened;
    await waitUntil("1 client", () => sim.clients >= 1, 10_000);
    sim.step(3);
    sim.fault("malformed");
    sim.fault("skip_update");
    sim.step(3);
    await c.atLeast(5);
    const bad = c.msgs.filter((m) => {
      try {
        JSON.parse(m);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(bad.length, 1);
    const ids = c.msgs.filter((m) => !bad.includes(m)).map((m) => JSON.parse(m));
    const gaps = ids.filter((d, i) => i > 0 && d.U !== ids[i - 1].u + 1);
    assert.equal(gaps.length, 1, "exactly one gap");
    sim.fault("server_shutdown");
    const ev = await c.closed;
    assert.equal(JSON.parse(c.msgs[c.msgs.length - 1]!).e, "serverShutdown");
    assert.equal(ev.code, 1001);
  } finally {
    await sim.close();
  }
});
