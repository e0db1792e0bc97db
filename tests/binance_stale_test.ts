/**
 * A Binance feed that goes silent with the socket open: after `staleAfterMs` without a depth
 * frame the handler warns, marks the book stale (`"stale":true` in `--book-out`), reconnects and
 * resyncs; a stream that never sends anything (a wrong symbol) is reported within the same time.
 * The silence is measured on the handler's clock, so the unit tests use `FakeClock` and poll by
 * hand (no real waiting for the limit); the end-to-end tests use the simulator's `silence`
 * fault and `poc:binance --stale-after`. Waits are on conditions with deadlines.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent } from "../engine/events.ts";
import { testContext, testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler, type BinanceHandlerConfig } from "../venues/binance/handler.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { runLiveTask } from "./_task.ts";

const SEC = 1e9;

/** A handler on a step-only simulator, driven by hand on a FakeClock. */
async function manual(cfg: Partial<BinanceHandlerConfig> = {}, path?: string) {
  const sim = await BinanceSimulator.start({ intervalMs: 0, market: { seed: 3 } });
  const clock = new FakeClock(1_000 * SEC);
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(path),
    restUrl: sim.restUrl,
    backoff: { baseMs: 1, maxMs: 5 },
    scheduler: { minIntervalMs: 0 },
    ...cfg,
  });
  const tl = testLogger(clock);
  const events: LogEvent[] = [];
  await h.start(testContext(tl.logger, "binance", clock));
  /** Poll until `cond` holds (the I/O is real; the handler's time is not). */
  const drive = (what: string, cond: () => boolean) =>
    waitUntil(what, () => {
      h.pollOnce(tl.logger);
      events.push(...tl.drain());
      return cond();
    });
  const warnings = (re: RegExp) => events.filter((e) => e.kind === EventKind.Warning && re.test(e.text));
  /** Step the market until the handler applied the new diffs (a batch may change nothing). */
  const advanceMarket = async () => {
    const id = sim.truth.updateId;
    while (sim.truth.updateId === id) sim.step(1);
    await drive("the diff applied", () => h.book.updateId === sim.truth.updateId);
  };
  const sync = async () => {
    const before = h.sync.snapshots;
    sim.step(3);
    await drive("snapshot applied", () => h.sync.snapshots > before);
    for (let k = 0; k < 20 && !(h.sync.isSynced && h.book.updateId === sim.truth.updateId); k++) {
      const m = h.messages;
      const id = sim.truth.updateId;
      while (sim.truth.updateId === id) sim.step(1); // a diff that bridges the snapshot
      await drive("the diff received", () => h.messages > m);
    }
    assert.ok(h.sync.isSynced && h.book.updateId === sim.truth.updateId, "synchronized");
  };
  const close = async () => {
    await h.stop();
    await sim.close();
  };
  return { sim, clock, h, tl, events, drive, warnings, sync, advanceMarket, close };
}

Deno.test("a silent feed marks the book stale after staleAfterMs, reconnects and resyncs (FakeClock)", async () => {
  const t = await manual({ staleAfterMs: 10_000 });
  const dir = await Deno.makeTempDir();
  try {
    await t.drive("connected", () => t.h.connections === 1 && t.sim.clients === 1);
    await t.sync();
    assert.equal(t.h.stale, false);
    assert.equal(t.h.everSynced, true);
    t.clock.advance(10 * SEC - 1); // one ns short of the limit
    t.h.pollOnce(t.tl.logger);
    t.events.push(...t.tl.drain());
    assert.equal(t.h.stale, false);
    assert.deepEqual(t.warnings(/no depth data/), []);
    t.clock.advance(1);
    t.h.pollOnce(t.tl.logger);
    t.events.push(...t.tl.drain());
    assert.equal(t.h.stale, true);
    assert.equal(t.warnings(/no depth data for 10 s with the socket open/).length, 1);
    await t.h.writeBookOut(`${dir}/book.json`);
    const stale = JSON.parse(Deno.readTextFileSync(`${dir}/book.json`));
    assert.equal(stale.stale, true);
    assert.deepEqual(Object.keys(stale).slice(0, 4), ["venue", "symbol", "lastUpdateId", "stale"]);
    await t.drive("reconnected", () => t.h.connections === 2 && t.sim.clients === 1);
    t.clock.advance(1 * SEC); // the snapshot pacing runs on the same clock
    await t.sync();
    assert.equal(t.h.stale, false, "synchronized again: live");
    await t.h.writeBookOut(`${dir}/book.json`);
    assert.equal("stale" in JSON.parse(Deno.readTextFileSync(`${dir}/book.json`)), false);
    assert.equal(t.warnings(/no depth data/).length, 1, "one warning per silence");
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("frames keep the book live: no stale flag while depth frames arrive within the limit", async () => {
  const t = await manual({ staleAfterMs: 10_000 });
  try {
    await t.drive("connected", () => t.h.connections === 1);
    await t.sync();
    for (let k = 0; k < 5; k++) {
      t.clock.advance(9 * SEC);
      await t.advanceMarket();
    }
    t.clock.advance(9 * SEC);
    t.h.pollOnce(t.tl.logger);
    assert.equal(t.h.stale, false);
    assert.equal(t.h.connections, 1);
  } finally {
    await t.close();
  }
});

Deno.test("a stream that sends nothing at all (a wrong symbol) is reported within staleAfterMs, then refused", async () => {
  const t = await manual({ symbol: "ETHUSDT", staleAfterMs: 10_000 }, "/ws/ethusdt@depth@100ms");
  try {
    await t.drive("connected", () => t.h.connections === 1 && t.sim.clients === 1);
    t.sim.step(5); // BTCUSDT batches: this socket gets none of them
    t.clock.advance(10 * SEC);
    await t.drive("silence reported", () => t.warnings(/within 10 s of connecting/).length === 1);
    const w = t.warnings(/within 10 s of connecting/)[0]!.text;
    assert.match(w, /no depth data for ETHUSDT/);
    assert.match(w, /check the symbol/);
    assert.equal(t.h.stale, true);
    assert.equal(t.h.everConnected, true);
    assert.equal(t.h.everSynced, false);
    // The silence also asks REST about the symbol: the simulator (as Binance) answers 400.
    await t.drive("the symbol check refused", () => t.h.isDone());
    assert.match(t.h.fatal ?? "", /HTTP 400: \{"code":-1121,"msg":"Invalid symbol\."\}.*ETHUSDT/);
  } finally {
    await t.close();
  }
});

Deno.test("end to end: the simulator's silence fault makes the handler reconnect and catch up", async () => {
  const sim = await BinanceSimulator.start({
    intervalMs: 5,
    market: { seed: 11 },
    faults: [{ kind: "silence", atBatch: 40 }],
  });
  const h = new BinanceHandler({
    symbol: sim.symbol,
    wsUrl: sim.wsUrl(),
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    staleAfterMs: 300,
  });
  const tl = testLogger();
  const events: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  try {
    await waitUntil("silence detected and a new connection synchronized", () => {
      events.push(...tl.drain());
      return h.connections >= 2 && h.sync.isSynced && !h.stale;
    });
    assert.ok(events.some((e) => e.kind === EventKind.Warning && /no depth data for 0\.3 s/.test(e.text)));
    sim.stopAfter(10);
    await sim.finished;
    await waitUntil("caught up", () => h.sync.isSynced && h.book.updateId === sim.truth.updateId);
    assert.equal(h.book.bids.size, sim.truth.bids.size);
  } finally {
    ac.abort();
    const report = await engine;
    await sim.close();
    assert.equal(report.reason, "signal", String(report.error));
  }
});

Deno.test('poc:binance --stale-after: a stream that stays silent ends with "stale":true and the warning', async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 0 }); // never sends a depth frame
  const dir = await Deno.makeTempDir();
  try {
    const task = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        `--allow-write=${dir}`,
        "--allow-env",
        task,
        "--ws-url",
        sim.wsUrl(),
        "--rest-url",
        sim.restUrl,
        "--stale-after",
        "0.2",
        "--duration",
        "1.5",
        "--book-out",
        `${dir}/book.json`,
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.match(err, /no depth data for BTCUSDT within 0\.2 s of connecting/);
    const book = JSON.parse(Deno.readTextFileSync(`${dir}/book.json`));
    assert.equal(book.stale, true);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("poc:binance with a symbol that does not exist exits 1 with the venue's reason", async () => {
  const sim = await BinanceSimulator.start({ intervalMs: 5 }); // BTCUSDT only
  try {
    const out = await runLiveTask("poc_binance", [
      "--symbol",
      "BTCUSDX",
      "--ws-url",
      sim.wsUrl("/ws/btcusdx@depth@100ms"),
      "--rest-url",
      sim.restUrl,
      "--stale-after",
      "0.2",
      "--duration",
      "20",
    ]);
    const err = out.err;
    assert.equal(out.code, 1, err);
    assert.match(err, /no depth data for BTCUSDX within 0\.2 s of connecting/);
    assert.match(err, /snapshot request refused: HTTP 400: .*Invalid symbol/);
    assert.match(err, /engine stopped: done/, "ended by the error, not by --duration");
  } finally {
    await sim.close();
  }
});

Deno.test("--stale-after takes a positive number of seconds; anything else exits 2 with the reason", async () => {
  const root = new URL("..", import.meta.url).pathname;
  for (
    const [task, value] of [["poc:binance", "0"], ["poc:binance", "abc"], ["poc:hyperliquid", "0"]]
  ) {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", task!, "--stale-after", value!],
      cwd: root,
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 2, `${task} --stale-after ${value}: ${err}`);
    assert.match(err, /--stale-after must be/);
  }
});
