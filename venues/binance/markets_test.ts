import assert from "node:assert/strict";
import { defaultStreamUrl } from "./_handler_config.ts";
import { defaultRestUrl, depthPath, depthStreamName, marketScheduler, usdmDepthWeight } from "./markets.ts";
import { SnapshotScheduler } from "./snapshot_scheduler.ts";

Deno.test("USD-M default URLs: fstream /public paths, depth speeds, fapi REST", () => {
  assert.equal(
    defaultStreamUrl("ethusdt", false, "usdm"),
    "wss://fstream.binance.com/public/ws/ethusdt@depth@100ms",
  );
  assert.equal(
    defaultStreamUrl("ethusdt", true, "usdm", "0ms"),
    "wss://fstream.binance.com/public/stream?streams=ethusdt@depth@0ms/ethusdt@trade",
  );
  assert.equal(depthStreamName("ethusdt", "usdm", "250ms"), "ethusdt@depth");
  assert.equal(depthStreamName("ethusdt", "usdm", "500ms"), "ethusdt@depth@500ms");
  assert.equal(defaultRestUrl("usdm"), "https://fapi.binance.com");
  assert.equal(depthPath("usdm"), "/fapi/v1/depth");
});

Deno.test("spot default URLs are unchanged (1000ms is the bare @depth)", () => {
  assert.equal(defaultStreamUrl("btcusdt", false), "wss://stream.binance.com:9443/ws/btcusdt@depth@100ms");
  assert.equal(
    defaultStreamUrl("btcusdt", true),
    "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/btcusdt@trade",
  );
  assert.equal(
    defaultStreamUrl("btcusdt", false, "spot", "1000ms"),
    "wss://stream.binance.com:9443/ws/btcusdt@depth",
  );
  assert.equal(depthPath("spot"), "/api/v3/depth");
});

Deno.test("USD-M REST weights 2/5/10/20 and the 2400/minute budget reach the snapshot scheduler", () => {
  assert.deepEqual([5, 50, 100, 500, 1000].map(usdmDepthWeight), [2, 2, 5, 10, 20]);
  const s = new SnapshotScheduler({ ...marketScheduler("usdm", 1000), limit: 1000 });
  assert.equal(s.weight, 20);
  assert.equal(s.weightPerMinute, 2400);
  assert.equal(new SnapshotScheduler({ ...marketScheduler("spot", 1000), limit: 1000 }).weight, 50);
});
