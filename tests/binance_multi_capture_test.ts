/**
 * Captures with `--symbols`: `<capture-dir>/<SYMBOL>/<session>/` per symbol, the one-symbol layout
 * (snapshot.json, diffs.jsonl + receive times, trades, metadata.json with the market, the scale
 * and every snapshot — the resync snapshots listed). Each symbol's capture replays to a book equal
 * to that symbol's `--book-out` entry, for spot and USD-M, including a symbol that resynced
 * mid-run (its capture holds both snapshots); `deno task replay --session` reads one.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "../market/instrument.ts";
import { bookToJson } from "../venues/book_json.ts";
import { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { Drive } from "../testing/mod.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { RebuildingSink } from "./_replay_helpers.ts";
import { allEqualTruth, stepUntil } from "./_binance_multi_rig.ts";
import { runTask } from "./_task.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const GAPPED = 1;

for (const market of ["spot", "usdm"] as const) {
  Deno.test(`--symbols --capture-dir (${market}): each symbol's capture replays to its --book-out entry, a resynced one too`, async () => {
    const dir = await Deno.mkdir("captures", { recursive: true }).then(() =>
      Deno.makeTempDir({ dir: "captures" })
    );
    const sim = await BinanceMultiSimulator.start({
      symbols: SYMBOLS,
      market,
      intervalMs: 0,
      weightLimit: 60_000,
    });
    const h = new BinanceMultiHandler({
      symbols: SYMBOLS,
      market,
      trades: true,
      wsUrl: sim.wsBase,
      restUrl: sim.restUrl,
      captureDir: dir,
      captureSession: "run1",
      backoff: { baseMs: 5, maxMs: 50 },
      instruments: new InstrumentTable(),
    });
    const d = new Drive(h);
    try {
      try {
        await d.start();
        await d.until(() => sim.streams === 2 * SYMBOLS.length, "subscribed");
        await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "warm-up");
        sim.fault("skip_update", SYMBOLS[GAPPED]!);
        await stepUntil(
          sim,
          h,
          d,
          () => h.books[GAPPED]!.sync.resyncs > 0 && allEqualTruth(h, sim),
          "resync",
        );
        for (let i = 0; i < 5; i++) sim.step(); // a few frames after the resync
        await stepUntil(sim, h, d, () => allEqualTruth(h, sim), "settle");
        await h.writeBookOut(`${dir}/book.json`);
      } finally {
        await d.stop(); // nothing is sent after the last step: the captures end at the books
        await sim.close();
      }
      const out = JSON.parse(await Deno.readTextFile(`${dir}/book.json`));
      for (const [i, s] of SYMBOLS.entries()) {
        const session = `${dir}/${s}/run1`;
        const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
        assert.equal(meta.market, market);
        assert.equal(meta.instrument, s);
        assert.equal(meta.complete, true);
        assert.equal(meta.snapshots.length, i === GAPPED ? 2 : 1, `${s}: snapshots listed`);
        assert.equal(meta.resyncs, i === GAPPED ? 1 : 0);
        assert.ok(meta.trades > 0, `${s}: trades captured`);
        const rebuilt = new RebuildingSink();
        const stats = await replayCapture(await resolveSession(session), { sink: rebuilt });
        assert.equal(stats.failure, undefined, s);
        assert.equal(stats.malformed, 0, s);
        const scale = { priceDecimals: meta.priceDecimals, qtyDecimals: meta.qtyDecimals };
        const fmt = {
          venue: "binance",
          symbol: s,
          priceScale: scale.priceDecimals,
          qtyScale: scale.qtyDecimals,
          priceDecimals: Math.max(8, scale.priceDecimals),
          qtyDecimals: Math.max(8, scale.qtyDecimals),
        };
        const replayed = bookToJson(rebuilt.book, fmt);
        assert.ok(out.books[i].bids.length > 0);
        assert.deepEqual(replayed.bids, out.books[i].bids, `${s}: replayed bids = book-out`);
        assert.deepEqual(replayed.asks, out.books[i].asks, `${s}: replayed asks = book-out`);
      }
      const r = await runTask([
        "replay",
        "--session",
        `${dir}/${SYMBOLS[GAPPED]}/run1`,
        "--out-format",
        "jsonl",
      ]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /snapshots applied=2 unused=0; gaps\/resyncs=1 recovered=1/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
