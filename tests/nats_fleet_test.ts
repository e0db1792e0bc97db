/**
 * A fleet of two: `poc:binance --symbols … --shard 0/2` and `--shard 1/2` against the
 * many-symbol simulator, publishing to one nats-server. Every symbol is published by exactly the
 * process of its shard (one run id per symbol in the stream: no overlap, no gap), and a consumer
 * of the whole list synchronizes every book. A shard holding none of the symbols exits 0.
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { shardOf } from "../publish/shard.ts";
import { startNatsServer } from "./_nats_server.ts";
import { NATS_SKIP, runConsume, seqsByRun } from "./_nats_consume.ts";
import { runLiveTask, runTask } from "./_task.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "BNBUSDT", "ADAUSDT"];

Deno.test("two --shard processes publish every symbol once; a consumer of the list synchronizes all", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(NATS_SKIP);
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 20 });
  try {
    for (const i of [0, 1]) assert.ok(SYMBOLS.some((s) => shardOf(s, 2) === i), `shard ${i} has symbols`);
    const runs = await Promise.all([0, 1].map((i) =>
      runLiveTask("poc_binance", [
        "--symbols",
        SYMBOLS.join(","),
        "--shard",
        `${i}/2`,
        "--ws-url",
        sim.wsBase,
        "--rest-url",
        sim.restUrl,
        "--snapshot-limit",
        "100",
        "--max-messages",
        "300",
        "--publish",
        srv.url,
        "--snapshot-every",
        "0.5",
      ])
    ));
    const runIds = runs.map((r, i) => {
      assert.equal(r.code, 0, `shard ${i}: ${r.err.slice(-1500)}`);
      const m = /\[publish\] run (\w+): \d+ acknowledged .*lost: 0 unacknowledged, 0 dropped/.exec(r.err);
      assert.ok(m, `shard ${i} published and lost nothing: ${r.err.slice(-1000)}`);
      return m[1]!;
    });
    for (const s of SYMBOLS) {
      const byRun = await seqsByRun(srv.url, `md.binance.spot.${s}.>`);
      assert.deepEqual([...byRun.keys()], [runIds[shardOf(s, 2)]], `${s}: published by its shard only`);
    }
    const c = await runConsume([
      "--nats",
      srv.url,
      "--symbols",
      SYMBOLS.join(","),
      "--to-end",
      "--duration",
      "60",
    ]);
    assert.equal(c.code, 0, c.err);
    for (const s of SYMBOLS) {
      assert.match(c.err, new RegExp(`md\\.binance\\.spot\\.${s}: \\d+ messages.*, valid`));
    }
  } finally {
    await sim.close();
    await srv.close();
  }
});

Deno.test("--symbols with a --shard that holds none of them: one line, exit 0", async () => {
  const s = SYMBOLS.find((x) => shardOf(x, 2) === 1)!;
  const r = await runTask(["poc:binance", "--symbols", s, "--shard", "0/2"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^shard 0\/2: no symbol of this task belongs to it; nothing to do\n$/);
});
