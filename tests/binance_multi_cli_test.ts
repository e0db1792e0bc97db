/**
 * `poc:binance --symbols-file …` end to end against `BinanceMultiSimulator`: exit 0, a
 * `{"books":[…]}` book-out with every symbol, `--updates-out` carrying every symbol; bad
 * many-symbol flags exit 2 with one line and no stack trace.
 */
import assert from "node:assert/strict";
import { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import { runTask } from "./_task.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"];

Deno.test("poc:binance --symbols-file serves every symbol: book-out with all books, updates-out with all symbols", async () => {
  const sim = await BinanceMultiSimulator.start({ symbols: SYMBOLS, intervalMs: 20 });
  const book = "out/bn_multi_cli_book.json", upd = "out/bn_multi_cli_updates.jsonl";
  const list = "out/bn_multi_cli_symbols.txt"; // the task may read the project directory only
  await Deno.mkdir("out", { recursive: true });
  await Deno.writeTextFile(list, "# spot symbols\nbtcusdt, ETHUSDT\n\nSOLUSDT\nXRPUSDT # last\n");
  try {
    const r = await runTask([
      "poc:binance",
      "--symbols-file",
      list,
      "--ws-url",
      sim.wsBase,
      "--rest-url",
      sim.restUrl,
      "--snapshot-limit",
      "100",
      "--streams-per-connection",
      "3",
      "--max-messages",
      "600",
      "--book-out",
      book,
      "--updates-out",
      upd,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warm-up: all 4 symbols synchronized after/);
    const out = JSON.parse(await Deno.readTextFile(book));
    assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), SYMBOLS);
    const symbols = new Set(
      (await Deno.readTextFile(upd)).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).symbol),
    );
    assert.deepEqual([...symbols].sort(), [...SYMBOLS].sort());
    assert.equal(sim.stats.connections, 2, "4 symbols at 3 streams per connection");
    assert.equal(sim.stats.rest.rateLimited, 0);
  } finally {
    await sim.close();
    await Deno.remove(book).catch(() => {});
    await Deno.remove(upd).catch(() => {});
    await Deno.remove(list).catch(() => {});
  }
});

Deno.test("poc:binance --symbols: bad input exits 2 with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["--symbols", "BTCUSDT,btcusdt"], /twice/],
    [["--symbols", "BTC-USDT"], /not a symbol/],
    [["--symbols-file", "/nonexistent/list.txt"], /--symbols-file \/nonexistent/],
    [["--symbols", "BTCUSDT", "--subscribe", "push"], /--subscribe must be url or message/],
    [["--symbols", "BTCUSDT", "--streams-per-connection", "2000"], /1\.\.1024/],
    [["--symbols", "A1,B2", "--ws-url", "ws://127.0.0.1:1/ws/a1@depth"], /full stream URL serves one symbol/],
    [["--symbols", "BTCUSDT", "--market", "usdm", "--depth-stream", "1000ms"], /--depth-stream must be/],
    [
      ["--symbols", "BTCUSDT", "--market", "usdm", "--snapshot-limit", "5000"],
      /5\.\.1000 with --market usdm/,
    ],
    [["--symbols", "BTCUSDT", "--capture-dir", "captures", "--capture-session", "../x"], /session/],
  ];
  for (const [flags, re] of cases) {
    const r = await runTask(["poc:binance", ...flags]);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
  }
});
