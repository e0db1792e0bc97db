/**
 * Binance USD-M futures live, offline: `BinanceHandler` with `market: "usdm"` against the
 * simulator in futures mode (`/fapi/v1/depth`, `/public/ws/…`, frames with `pu`, ids that jump),
 * through a gap, and against the simulator replaying the real USD-M ETHUSDT recording, where the
 * handler's top must equal Binance's bookTicker after every one of the 6581 applied frames.
 */
import assert from "node:assert/strict";
import { EventKind } from "../engine/events.ts";
import { fixturePresent, waitUntil } from "../engine/testing.ts";
import { formatMessageJson } from "../market/json.ts";
import { count, faultTest, resyncReasons, settleAndCompare, start } from "./_binance_sim_rig.ts";
import { TickerCheck } from "./_book_ticker.ts";
import { checkEveryMessage } from "../testing/stream_check.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { RebuildingSink } from "./_replay_helpers.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";

const FUTURES = { market: { seed: 42, futures: true } };
const USDM_DIR = new URL("../../shared/fixtures/binance-usdm-ethusdt-20240808/", import.meta.url);
const present = fixturePresent(new URL("diffs.jsonl", USDM_DIR), "binance_usdm_sim_test");

Deno.test("usdm handler syncs with the futures simulator; its normalized JSON says market usdm", async () => {
  const r = await start(FUTURES, { market: "usdm" });
  let json = "";
  r.h.stream.subscribe((batch) => {
    if (json === "" && batch.count > 0) {
      json = formatMessageJson(batch.view, batch.count, r.h.stream.instrument);
    }
  });
  try {
    assert.equal(r.sim.futures, true);
    assert.match(r.h.wsUrl, /\/public\/ws\/btcusdt@depth@100ms$/);
    assert.equal(r.h.stream.instrument.market, "usdm");
    await waitUntil("sync", () => r.h.sync.isSynced);
    await settleAndCompare(r);
    assert.equal(r.h.sync.rules, "usdm");
    assert.equal(r.h.sync.resyncs, 0, "jumping ids with a pu chain are not gaps");
    assert.ok(count(r.events, EventKind.SnapshotApplied) >= 1);
    assert.ok(json.startsWith(`{"venue":"binance","market":"usdm","symbol":"BTCUSDT"`), json);
  } finally {
    await r.finish();
  }
});

Deno.test("usdm handler resyncs on a gap (a pu that is not the previous u) and ends equal to the truth", () =>
  faultTest(
    "skip_update",
    (r) => {
      assert.ok(resyncReasons(r.events).includes("gap"), "a gap resync was logged");
      assert.ok(count(r.events, EventKind.SnapshotApplied) >= 1);
    },
    { market: "usdm" },
    FUTURES,
  ));

Deno.test({
  name:
    "usdm handler against the simulator replaying the real USD-M fixture: top == bookTicker at 6581 frames",
  ignore: !present,
  async fn() {
    const r = await start({ intervalMs: 0, replayDir: USDM_DIR.pathname }, (sim) => ({
      symbol: "ETHUSDT",
      market: "usdm",
      wsUrl: sim.wsUrl("/public/stream?streams=ethusdt@depth@0ms/ethusdt@trade"),
    }));
    const tk = new TickerCheck(new URL("bookticker.jsonl", USDM_DIR));
    // And after every message, the records and their JSON form alone rebuild the handler's book.
    const stream = checkEveryMessage(r.h);
    let checkedId = 0; // trade messages call subscribers too: check each applied depth frame once
    r.h.stream.subscribe(() => {
      const id = r.h.book.updateId;
      if (r.h.sync.isSynced && id !== checkedId) {
        checkedId = id;
        tk.check(r.h.book, id, r.h.stream.instrument);
      }
    });
    try {
      await waitUntil("connected", () => r.sim.clients === 1);
      // The first frame makes the handler ask for the snapshot; the simulator serves the
      // recording's own snapshot while no frame past it was sent. Wait until the handler applied
      // it: frames buffered before would be applied with it, as one snapshot message.
      r.sim.step(1);
      await waitUntil("snapshot applied", () => r.h.sync.snapshots >= 1);
      for (;;) {
        const before = r.sim.batches;
        r.sim.step(200);
        if (r.sim.batches === before) break;
        await waitUntil("handler caught up", () => r.h.book.updateId === r.sim.truth.updateId);
      }
      assert.equal(tk.compared, 6581);
      assert.equal(tk.mismatches, 0, `${tk.mismatches} mismatches; last: ${tk.lastMismatch}`);
      assert.equal(r.h.sync.applied, 6581);
      assert.equal(r.h.sync.resyncs, 0);
      assert.equal(r.h.malformed, 0);
      assert.deepEqual(stream.failures.slice(0, 3), []);
      assert.equal(stream.snapshots, 1);
      assert.equal(stream.updates, r.h.sync.applied, "every applied frame is one update message");
      assert.equal(stream.clears, 0);
      assert.ok(r.h.stream.tradeSeq > 0, "futures trades reach the stream");
    } finally {
      await r.finish();
    }
  },
});

Deno.test("poc:binance --market usdm captures the futures simulator (metadata market usdm); replay reads it", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5, ...FUTURES });
  const dir = await Deno.makeTempDir();
  try {
    const child = spawnPocBinance(sim, {
      dir,
      session: "u",
      stderr: "piped",
      extraArgs: ["--market", "usdm", "--trades", "--max-messages", "200"],
      wsUrl: sim.wsUrl("/public/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
    });
    const [st, err] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(st.code, 0, err);
    const session = `${dir}/BTCUSDT/u`;
    const meta = JSON.parse(Deno.readTextFileSync(`${session}/metadata.json`));
    assert.equal(meta.market, "usdm");
    assert.match(meta.restUrl, /^http:\/\/127\.0\.0\.1:/);
    // Replay picks the futures rules from metadata.json.
    const stats = await replayCapture(await resolveSession(session), { sink: new RebuildingSink() });
    assert.equal(stats.failure, undefined);
    assert.ok(stats.applied > 0);
    assert.equal(stats.resyncs, 0);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
