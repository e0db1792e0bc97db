/**
 * `poc:binance --market usdm --symbols … --depth-stream 500ms --trades --capture-dir …` end to end
 * against the many-symbol simulator serving USD-M: exit 0, the warm-up logged, a `{"books":[…]}`
 * book-out with every symbol, one capture session per symbol (`market: "usdm"`), the `@depth@500ms`
 * and `@trade` streams subscribed under `/public`.
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { runTask } from "./_task.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];

Deno.test("poc:binance --market usdm --symbols with --depth-stream, --trades and --capture-dir", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, market: "usdm", intervalMs: 20 });
  await Deno.mkdir("captures", { recursive: true });
  const caps = await Deno.makeTempDir({ dir: "captures", prefix: "bn_multi_usdm_cli_" });
  const book = `${caps}/book.json`;
  try {
    const r = await runTask([
      "poc:binance",
      "--market",
      "usdm",
      "--symbols",
      SYMBOLS.join(","),
      "--depth-stream",
      "500ms",
      "--trades",
      "--ws-url",
      sim.wsBase,
      "--rest-url",
      sim.restUrl,
      "--snapshot-limit",
      "100",
      "--max-messages",
      "2000",
      "--capture-dir",
      caps,
      "--capture-session",
      "cli",
      "--book-out",
      book,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warm-up: all 3 symbols synchronized after/);
    const out = JSON.parse(await Deno.readTextFile(book));
    assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), SYMBOLS);
    for (const s of SYMBOLS) {
      const meta = JSON.parse(await Deno.readTextFile(`${caps}/${s}/cli/metadata.json`));
      assert.equal(meta.market, "usdm");
      assert.equal(meta.complete, true);
      assert.ok(meta.wsUrl.includes("/public/stream?streams=") && meta.wsUrl.includes("@depth@500ms"));
      assert.ok(meta.snapshots.length >= 1);
    }
    assert.equal(sim.stats.rest.rateLimited + sim.stats.rest.banned, 0);
  } finally {
    await sim.close();
    await Deno.remove(caps, { recursive: true }).catch(() => {});
  }
});
