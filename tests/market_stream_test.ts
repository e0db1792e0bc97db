/**
 * The normalized stream end to end: a Binance handler's records, seen by an in-process
 * subscriber, through the JSON form and through a record ring, rebuild the handler's own book
 * after every message — on the simulator (with gaps and reconnects) and on the real ETHUSDT
 * fixture served by the simulator's replay mode.
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { BinanceSimulator, type SimulatorOptions } from "../sim/binance/simulator.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { BookReplica } from "../market/replica.ts";
import { checkEveryMessage, sameBook } from "../testing/stream_check.ts";
import { createRecordRing, RecordRingReader, RecordRingWriter } from "../market/ring.ts";

async function run(
  simOpts: SimulatorOptions,
  trades: boolean,
  body: (sim: BinanceSimulator, h: BinanceHandler) => Promise<void>,
) {
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 11 }, ...simOpts });
  const h = new BinanceHandler({
    symbol: "BTCUSDT",
    wsUrl: trades ? sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade") : sim.wsUrl(),
    restUrl: sim.restUrl,
    trades,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    instruments: new InstrumentTable(),
  });
  const tl = testLogger();
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  const pump = setInterval(() => tl.drain(), 5);
  try {
    await body(sim, h);
  } finally {
    ac.abort();
    await engine;
    clearInterval(pump);
    await sim.close();
  }
}

Deno.test("Binance records rebuild the handler's book after every message, across a gap and a drop", async () => {
  await run({}, true, async (sim, h) => {
    const c = checkEveryMessage(h);
    await waitUntil("sync", () => h.sync.isSynced);
    sim.fault("skip_update");
    await waitUntil("resync after the gap", () => c.clears === 1 && h.sync.isSynced && c.snapshots === 2);
    sim.fault("drop");
    await waitUntil("resync after the drop", () => c.clears === 2 && h.sync.isSynced && c.snapshots === 3);
    sim.stopAfter(10);
    await sim.finished;
    await waitUntil("caught up", () => h.book.updateId === sim.truth.updateId);
    assert.deepEqual(c.failures, []);
    assert.ok(c.updates > 0 && c.trades > 0, JSON.stringify(c));
  });
});

Deno.test("A subscriber that throws is removed and reported; the handler and other subscribers go on", async () => {
  const errors: string[] = [];
  const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 5 } });
  const h = new BinanceHandler({
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    instruments: new InstrumentTable(),
    onSubscriberError: (e) => errors.push(String(e)),
  });
  let bad = 0;
  let good = 0;
  h.stream.subscribe(() => {
    if (++bad === 3) throw new Error("strategy bug");
  });
  h.stream.subscribe(() => good++);
  const tl = testLogger();
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  try {
    await waitUntil("more messages after the throw", () => good >= 10);
    assert.equal(bad, 3, "the throwing subscriber was called no more");
    assert.deepEqual(errors, ["Error: strategy bug"]);
    assert.equal(h.stream.failedSubscribers, 1);
    assert.ok(h.sync.isSynced);
  } finally {
    ac.abort();
    const report = await engine;
    await sim.close();
    assert.notEqual(report.reason, "error");
  }
});

Deno.test("A full record ring drops whole messages, marks the gap and sends a snapshot copy to rebuild from", async () => {
  await run({}, false, async (sim, h) => {
    await waitUntil("sync", () => h.sync.isSynced);
    // Room for two whole books, so the snapshot copy fits once the reader drains.
    const sab = createRecordRing(1 << Math.ceil(Math.log2(2 * (h.book.bids.size + h.book.asks.size))));
    const w = new RecordRingWriter(sab);
    w.attach(h.stream);
    const r = new RecordRingReader(sab);
    const replica = new BookReplica(h.stream.instrument.id);
    const failures: string[] = [];
    let reading = false;
    // The reader drains only while `reading`: before that the ring fills up and messages drop.
    h.stream.subscribe(() => {
      if (!reading) return;
      w.flush(); // what the end of the handler's poll does; the message is then readable
      r.poll((b) => replica.apply(b));
      try {
        if (replica.valid) sameBook(replica.book, h.book, "after the gap");
      } catch (e) {
        failures.push(String(e));
      }
    });
    await waitUntil("ring overflowed", () => w.lostMessages > 20);
    reading = true;
    await waitUntil(
      "the replica rebuilt from the copy",
      () => replica.gaps === 1 && replica.valid && w.messages > 200,
    );
    sim.stopAfter(5);
    await sim.finished;
    await waitUntil("caught up", () => h.book.updateId === sim.truth.updateId);
    r.poll((b) => replica.apply(b));
    sameBook(replica.book, h.book, "at the end");
    assert.deepEqual(failures, []);
    assert.equal(w.gaps, 1);
    assert.equal(replica.missedBook, 0, "after the copy, seq continues with no jump");
  });
});

const ETH = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
let ethPresent = false;
try {
  ethPresent = Deno.statSync(new URL("diffs.jsonl", ETH)).isFile;
} catch {
  console.warn(`market_stream_test: ${ETH.pathname} absent; skipping the real-data stream test`);
}

Deno.test({
  name: "Real ETHUSDT: every record message rebuilds the handler's book (simulator replay of the fixture)",
  ignore: !ethPresent,
  async fn() {
    const sim = await BinanceSimulator.start({ replayDir: ETH.pathname, intervalMs: 0 });
    const h = new BinanceHandler({
      symbol: "ETHUSDT",
      wsUrl: sim.wsUrl(),
      restUrl: sim.restUrl,
      instruments: new InstrumentTable(),
      scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    });
    const c = checkEveryMessage(h);
    // Diffs buffered before the snapshot arrived are applied with it and go out inside the
    // snapshot message: count them, so the number of `update` messages can be exact.
    let appliedWithSnapshot = -1;
    h.stream.subscribe((b) => {
      if (b.messageKind === RecordKind.Snapshot) appliedWithSnapshot = h.sync.applied;
    });
    const tl = testLogger();
    const ac = new AbortController();
    const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
    const pump = setInterval(() => tl.drain(), 5);
    try {
      await waitUntil("connected", () => sim.clients === 1);
      // Step the recording in chunks, each consumed before the next (no timer pacing).
      for (let sent = 200;; sent += 200) {
        sim.step(200);
        await waitUntil(`consumed ${sent} frames`, () => h.messages >= Math.min(sent, sim.batches));
        if (sim.batches < sent) break; // the recording is exhausted
      }
      await waitUntil("caught up", () => h.book.updateId === sim.truth.updateId);
      assert.deepEqual(c.failures.slice(0, 3), []);
      assert.equal(c.snapshots, 1);
      assert.equal(c.clears, 0);
      // Every frame is either older than the snapshot the simulator served (its book when asked,
      // so how many depends on timing) or applied; every applied diff is in exactly one message.
      assert.equal(h.sync.received, sim.batches);
      assert.equal(h.sync.applied + h.sync.skipped, sim.batches);
      assert.ok(appliedWithSnapshot >= 0, "a snapshot message was seen");
      assert.equal(c.updates, h.sync.applied - appliedWithSnapshot);
    } finally {
      ac.abort();
      await engine;
      clearInterval(pump);
      await sim.close();
    }
  },
});
