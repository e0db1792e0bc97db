/**
 * Errors retrying cannot fix end a Binance run (`fatal` set, `isDone()`, the engine stops on its
 * own, `poc:binance` exits 1 with the reason) instead of reconnecting forever: a `--ws-url` or
 * `--rest-url` host outside `--allow-net` (`NotCapable`), and a snapshot refused with HTTP 400
 * ("Invalid symbol"). A 429 stays a retry (see tests/binance_sim_test.ts). The engine's
 * `durationMs` is only the deadline of each test: a pass means it stopped by itself ("done").
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { EventKind } from "../engine/events.ts";
import { testLogger } from "../engine/testing.ts";
import { BinanceHandler, type BinanceHandlerConfig } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { runLiveTask } from "./_task.ts";

const OUTSIDE = "example.com:8081"; // not in the tests' --allow-net=127.0.0.1

async function runUntilDone(cfg: BinanceHandlerConfig) {
  const h = new BinanceHandler({
    backoff: { baseMs: 5, maxMs: 20 },
    scheduler: { minIntervalMs: 5 },
    ...cfg,
  });
  const tl = testLogger();
  const report = await runEngine([h], { logger: tl.logger, metricsIntervalMs: 0, durationMs: 20_000 });
  const errors = tl.drain().filter((e) => e.kind === EventKind.Error).map((e) => e.text);
  return { h, report, errors };
}

Deno.test("a --ws-url host outside --allow-net is fatal, not retried", async () => {
  const { h, report, errors } = await runUntilDone({
    wsUrl: `ws://${OUTSIDE}/ws/btcusdt@depth@100ms`,
    restUrl: "http://127.0.0.1:9",
  });
  assert.equal(report.reason, "done");
  assert.match(h.fatal ?? "", /cannot connect to ws:\/\/example\.com:8081.*NotCapable/);
  assert.equal(h.everConnected, false);
  assert.equal(h.everSynced, false);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /retrying cannot fix this/);
});

Deno.test("a --rest-url host outside --allow-net is fatal, not retried", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5 });
  try {
    const { h, report } = await runUntilDone({ wsUrl: sim.wsUrl(), restUrl: `http://${OUTSIDE}` });
    assert.equal(report.reason, "done");
    assert.match(h.fatal ?? "", /snapshot request refused: NotCapable/);
    assert.equal(h.everConnected, true);
    assert.equal(h.everSynced, false);
  } finally {
    await sim.close();
  }
});

Deno.test("a snapshot refused with HTTP 400 (Invalid symbol) is fatal; the reason is kept", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5 });
  let requests = 0;
  const rest = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (!new URL(req.url).pathname.endsWith("/depth")) return new Response("{}", { status: 404 }); // exchangeInfo
    requests++;
    return new Response('{"code":-1121,"msg":"Invalid symbol."}', { status: 400 });
  });
  try {
    const { h, report } = await runUntilDone({
      wsUrl: sim.wsUrl(),
      restUrl: `http://127.0.0.1:${rest.addr.port}`,
    });
    assert.equal(report.reason, "done");
    assert.match(h.fatal ?? "", /HTTP 400: \{"code":-1121,"msg":"Invalid symbol\."\}.*BTCUSDT/);
    assert.equal(requests, 1, "the depth snapshot is not asked again");
  } finally {
    await rest.shutdown();
    await sim.close();
  }
});

Deno.test("poc:binance exits 1 with the reason when --ws-url is outside --allow-net", async () => {
  const out = await runLiveTask("poc_binance", [
    "--ws-url",
    `ws://${OUTSIDE}/ws/btcusdt@depth@100ms`,
    "--rest-url",
    "http://127.0.0.1:9",
    "--duration",
    "20",
  ]);
  const err = out.err;
  assert.equal(out.code, 1, err);
  assert.match(err, /NotCapable: Requires net access to "example\.com:8081"/);
  assert.match(err, /engine stopped: done/);
  assert.doesNotMatch(err, /reconnecting/);
});
