/**
 * `poc:hyperliquid --coins … --channels …` end to end against the simulator: exit 0, a
 * `{"books":[…]}` book-out with every coin, `--updates-out` carrying every coin; bad flags exit 2
 * with one line.
 */
import assert from "node:assert/strict";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { runTask } from "./_task.ts";

Deno.test("poc:hyperliquid --coins serves every coin: book-out with all books, updates-out with all coins", async () => {
  const coins = ["BTC", "PURR/USDC", "@107", "xyz:MSTR"];
  const sim = await HyperliquidSimulator.start({ coins });
  // Stepped from here: the simulator's own intervalMs timer trips over its constructor in-process.
  const stepper = setInterval(() => sim.step(), 50);
  const book = "out/hl_multi_cli_book.json", upd = "out/hl_multi_cli_updates.jsonl";
  await Deno.mkdir("out", { recursive: true });
  try {
    const r = await runTask([
      "poc:hyperliquid",
      "--ws-url",
      sim.url,
      "--coins",
      coins.join(","),
      "--channels",
      "l2book,fast,bbo,trades",
      "--max-messages",
      "200",
      "--book-out",
      book,
      "--updates-out",
      upd,
    ]);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(await Deno.readTextFile(book));
    assert.deepEqual(out.books.map((b: { symbol: string }) => b.symbol), coins);
    const symbols = new Set(
      (await Deno.readTextFile(upd)).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).symbol),
    );
    assert.deepEqual([...symbols].sort(), [...coins].sort());
  } finally {
    clearInterval(stepper);
    await sim.close();
    await Deno.remove(book).catch(() => {});
    await Deno.remove(upd).catch(() => {});
  }
});

Deno.test("poc:hyperliquid --coins/--channels: bad input exits 2 with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["--channels", "l2book,depth"], /unknown channel "depth"/],
    [["--coins", "BTC,BTC"], /twice/],
    [["--coins", "BTC ETH"], /not a coin name/],
    [["--coins", Array.from({ length: 400 }, (_, i) => `C${i}`).join(",")], /more than Hyperliquid's 1000/],
  ];
  for (const [flags, re] of cases) {
    const r = await runTask(["poc:hyperliquid", ...flags]);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
  }
});

Deno.test("poc:hyperliquid --coins --n-sig-figs 5 --mantissa 2: every coin's l2Book subscriptions (slow and fast) carry them", async () => {
  const coins = ["BTC", "PURR/USDC", "xyz:MSTR"];
  const sim = await HyperliquidSimulator.start({ coins });
  const stepper = setInterval(() => sim.step(), 20);
  try {
    const r = await runTask([
      "poc:hyperliquid",
      "--ws-url",
      sim.url,
      "--coins",
      coins.join(","),
      "--channels",
      "l2book,fast,bbo",
      "--n-sig-figs",
      "5",
      "--mantissa",
      "2",
      "--max-messages",
      "30",
      "--duration",
      "60",
    ]);
    assert.equal(r.code, 0, r.err);
    const l2 = sim.subscriptions.filter((s) => s.type === "l2Book");
    assert.equal(l2.length, coins.length * 2);
    for (const s of l2) assert.deepEqual([s.nSigFigs, s.mantissa], [5, 2], JSON.stringify(s));
    assert.deepEqual(l2.map((s) => `${s.coin}${s.fast ? " fast" : ""}`).sort(), [
      "BTC",
      "BTC fast",
      "PURR/USDC",
      "PURR/USDC fast",
      "xyz:MSTR",
      "xyz:MSTR fast",
    ]);
    const bbo = sim.subscriptions.filter((s) => s.type === "bbo");
    assert.ok(
      bbo.length === coins.length && bbo.every((s) => s.nSigFigs === undefined),
      "bbo takes no aggregation",
    );
  } finally {
    clearInterval(stepper);
    await sim.close();
  }
});

Deno.test("poc:hyperliquid --coins: bad --n-sig-figs / --mantissa exit 2 with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["--n-sig-figs", "6"], /--n-sig-figs must be 2, 3, 4 or 5, got 6/],
    [["--mantissa", "2"], /--mantissa is only allowed with --n-sig-figs 5/],
    [["--n-sig-figs", "5", "--mantissa", "3"], /--mantissa must be 1, 2 or 5, got 3/],
  ];
  for (const [flags, re] of cases) {
    const r = await runTask(["poc:hyperliquid", "--coins", "BTC,ETH", ...flags]);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
  }
});
