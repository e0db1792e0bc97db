/**
 * Per-instrument precision with `--symbols`: a PEPE-like symbol (price "0.00001234" on a
 * 0.00000001 tick, lot 1, quantities past 10^8 — a global 10^8 scale could not hold them) among
 * normal ones, each held at its own scale (exchangeInfo's tick and lot, the wire's finest). The
 * book, the `--book-out` strings and the `--updates-out` lines are exact; a quantity beyond 2^53
 * units in ONE symbol is an error and a resync (`precision`) of that symbol only.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import type { JsonMessage } from "../market/json.ts";
import { startUpdatesWriter } from "../market/updates_writer.ts";
import { L2Book } from "../venues/book.ts";
import { ResyncReason } from "../engine/events.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { PEPE_MARKET, sideJson } from "../sim/binance/market.ts";
import { applyJson, checkEveryMessage, Drive, sameBook } from "../testing/mod.ts";
import { allEqualTruth, stepUntil } from "./_binance_multi_rig.ts";

const SYMBOLS = ["BTCUSDT", "PEPEUSDT", "ETHUSDT"];

Deno.test("--symbols: a PEPE-like symbol among normal ones is exact (book, book-out, updates-out); a value past 2^53 resyncs only its symbol", async () => {
  const sim = await BinanceMultiSimulator.start({
    symbols: SYMBOLS,
    markets: { PEPEUSDT: PEPE_MARKET },
    intervalMs: 0,
    weightLimit: 60_000,
  });
  const h = new BinanceMultiHandler({
    symbols: SYMBOLS,
    wsUrl: sim.wsBase,
    restUrl: sim.restUrl,
    backoff: { baseMs: 5, maxMs: 50 },
    instruments: new InstrumentTable(),
  });
  const checks = h.books.map((b) => checkEveryMessage(b));
  const dir = await Deno.makeTempDir();
  const upd = `${dir}/updates.jsonl`;
  const writer = await startUpdatesWriter(upd, h.streams);
  const d = new Drive(h);
  let resyncs: number[] = [];
  try {
    await d.start();
    await d.until(() => sim.streams === SYMBOLS.length, "subscribed");
    await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
    const pepe = sim.truth("PEPEUSDT");
    assert.ok(Math.max(pepe.bids.bestQty(), pepe.asks.bestQty()) > 90_071_993, "PEPE-sized quantities");
    const scales = h.books.map((b) => [b.stream.instrument.priceDecimals, b.stream.instrument.qtyDecimals]);
    assert.deepEqual(scales, [[2, 5], [8, 0], [2, 5]], "each symbol at its own tick and lot");
    resyncs = h.books.map((b) => b.sync.resyncs);
    const clears = checks.map((c) => c.clears);
    sim.fault("huge", "ETHUSDT"); // "99999999999999999999.00000000": beyond 2^53 at any scale
    await stepUntil(
      sim,
      h,
      d,
      () => h.books[2]!.sync.resyncs > resyncs[2]! && allEqualTruth(h, sim),
      "resync",
    );
    assert.equal(h.books[2]!.sync.lastResyncReason, ResyncReason.Precision);
    assert.equal(checks[2]!.clears, clears[2]! + 1, "ETHUSDT: one clear");
    for (const i of [0, 1]) {
      assert.equal(h.books[i]!.sync.resyncs, resyncs[i]!, `${SYMBOLS[i]}: never resynced`);
      assert.equal(checks[i]!.clears, clears[i]!, `${SYMBOLS[i]}: no clear`);
    }
    assert.ok(d.events.some((e) => /beyond 2\^53/.test(String(e.text ?? ""))), "an error event says why");
    for (const b of h.books) {
      sameBook(b.book, sim.truth(b.symbol), b.symbol, b.stream.instrument, sim.scale(b.symbol));
    }
    await h.writeBookOut(`${dir}/book.json`);
    // --book-out: the venue's own 8-decimal strings, exactly the simulator's.
    const out = JSON.parse(await Deno.readTextFile(`${dir}/book.json`));
    for (const [i, s] of SYMBOLS.entries()) {
      const t = sim.truth(s);
      const { priceDecimals: ps, qtyDecimals: qs } = sim.scale(s);
      assert.equal(out.books[i].symbol, s);
      assert.equal(JSON.stringify(out.books[i].bids), sideJson(t, true, 1e6, ps, qs), `${s} bids`);
      assert.equal(JSON.stringify(out.books[i].asks), sideJson(t, false, 1e6, ps, qs), `${s} asks`);
    }
  } finally {
    await d.stop();
    await writer.close();
    await sim.close();
  }
  try {
    for (const [i, c] of checks.entries()) assert.deepEqual(c.failures, [], SYMBOLS[i]);
    // --updates-out: every symbol's lines rebuild its book exactly (read at its final scale).
    const lines = (await Deno.readTextFile(upd)).split("\n").filter((l) => l !== "")
      .map((l) => JSON.parse(l) as JsonMessage);
    for (const b of h.books) {
      const inst = b.stream.instrument;
      const rebuilt = new L2Book();
      for (const m of lines) if (m.symbol === b.symbol && m.kind !== "trade") applyJson(m, rebuilt, inst);
      rebuilt.updateId = b.book.updateId;
      sameBook(rebuilt, b.book, `${b.symbol} updates-out`);
    }
    assert.ok(lines.some((m) => m.symbol === "PEPEUSDT" && m.kind === "update"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
