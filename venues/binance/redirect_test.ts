import assert from "node:assert/strict";
import { openWebSocket, probeRedirect, toHttpUrl, toWsUrl } from "./redirect.ts";
import { BinanceSimulator } from "../../sim/binance/simulator.ts";

Deno.test("redirect URL scheme mapping", () => {
  assert.equal(toHttpUrl("wss://a:9443/ws/x"), "https://a:9443/ws/x");
  assert.equal(toHttpUrl("ws://a/ws"), "http://a/ws");
  assert.equal(toWsUrl("https://a/b?c=1"), "wss://a/b?c=1");
  assert.equal(toWsUrl("http://a/b"), "ws://a/b");
});

Deno.test("openWebSocket follows the simulator's 301 on the upgrade", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  try {
    sim.fault("redirect");
    assert.equal(await probeRedirect(sim.wsUrl()), sim.wsUrl("/live/ws/btcusdt@depth@100ms"));
    const got: string[] = [];
    let gotOne!: () => void;
    const one = new Promise<void>((r) => gotOne = r);
    const closed = Promise.withResolvers<CloseEvent>();
    const s = await openWebSocket(sim.wsUrl(), {
      onMessage: (e) => {
        got.push(e.data as string);
        gotOne();
      },
      onClose: (e) => closed.resolve(e),
    });
    assert.equal(s.hops, 1);
    assert.equal(s.url, sim.wsUrl("/live/ws/btcusdt@depth@100ms"));
    assert.ok(sim.stats.redirects >= 2, "the WS attempt and the probe were both redirected");
    sim.step(5);
    await one;
    assert.equal(JSON.parse(got[0]!).e, "depthUpdate");
    s.ws.close();
    await closed.promise;
  } finally {
    await sim.close();
  }
});

Deno.test("openWebSocket gives up after maxHops and on a non-redirect failure", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 });
  try {
    sim.fault("redirect");
    const cb = { onMessage: () => {}, onClose: () => {} };
    await assert.rejects(openWebSocket(sim.wsUrl(), cb, 0), /301/);
    sim.fault("redirect"); // off again
    await assert.rejects(openWebSocket(sim.wsUrl("/nope"), cb, 3), /404/);
  } finally {
    await sim.close();
  }
});
