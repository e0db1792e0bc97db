/**
 * `--updates-out` on the live tasks: the JSON lines a run writes rebuild, on their own, the very
 * book the run writes with `--book-out`; seq runs without a gap; trades are lines too.
 */
import assert from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { parseFixed } from "../venues/decimal.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import type { JsonMessage } from "../market/json.ts";
import { applyJson } from "../testing/stream_check.ts";
import { spawnPocBinance } from "./_poc_child.ts";

function rebuild(lines: JsonMessage[]): { book: L2Book; bookSeqs: number[]; trades: number } {
  const book = new L2Book();
  const bookSeqs: number[] = [];
  let trades = 0;
  for (const m of lines) {
    if (m.kind === "trade") trades++;
    else bookSeqs.push(m.seq);
    applyJson(m, book);
  }
  return { book, bookSeqs, trades };
}

function levels(s: L2Book["bids"]): [number, number][] {
  return Array.from({ length: s.size }, (_, i) => [s.priceAt(i), s.qtyAt(i)]);
}

function assertBookOut(book: L2Book, path: string): void {
  const out = JSON.parse(Deno.readTextFileSync(path));
  const p = (l: [string, string][]) => l.map(([a, b]) => [parseFixed(a, 8), parseFixed(b, 8)]);
  assert.deepEqual(levels(book.bids), p(out.bids));
  assert.deepEqual(levels(book.asks), p(out.asks));
  assert.equal(book.updateId, out.lastUpdateId);
}

Deno.test("poc:binance --updates-out: the JSON lines alone rebuild the --book-out book", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-updates-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 21 } });
  try {
    const child = spawnPocBinance(sim, {
      dir,
      session: "u",
      wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
      extraArgs: [
        "--trades",
        "--max-messages",
        "300",
        "--updates-out",
        `${dir}/u.jsonl`,
        "--book-out",
        `${dir}/book.json`,
      ],
    });
    const st = await child.status;
    assert.equal(st.code, 0);
  } finally {
    await sim.close();
  }
  const lines = Deno.readTextFileSync(`${dir}/u.jsonl`).split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l) as JsonMessage
  );
  const r = rebuild(lines);
  assertBookOut(r.book, `${dir}/book.json`);
  assert.deepEqual(r.bookSeqs, r.bookSeqs.map((_, i) => i + 1), "book seq 1, 2, 3… with no gap");
  assert.ok(r.trades > 0, "trades are lines too");
  assert.equal(lines.find((m) => m.kind !== "trade")!.kind, "snapshot", "the first book line is a snapshot");
  assert.equal(lines[0]!.venue, "binance");
  assert.equal(lines[0]!.market, "spot");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("poc:hyperliquid --updates-out: the JSON lines alone rebuild the --book-out book", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-updates-hl-" });
  const sim = await HyperliquidSimulator.start({ seed: 6, intervalMs: 2, tradeEvery: 3 });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        `--allow-write=${dir}`,
        "--allow-env",
        new URL("../tasks/poc_hyperliquid.ts", import.meta.url).pathname,
        "--ws-url",
        sim.url,
        "--trades",
        "--max-messages",
        "200",
        "--updates-out",
        `${dir}/u.jsonl`,
        "--book-out",
        `${dir}/book.json`,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const st = await child.output();
    assert.equal(st.code, 0, new TextDecoder().decode(st.stderr));
  } finally {
    await sim.close();
  }
  const lines = Deno.readTextFileSync(`${dir}/u.jsonl`).split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l) as JsonMessage
  );
  const r = rebuild(lines);
  assertBookOut(r.book, `${dir}/book.json`);
  assert.deepEqual(r.bookSeqs, r.bookSeqs.map((_, i) => i + 1));
  assert.equal(lines[0]!.market, "perp");
  assert.ok(r.trades > 0);
  await Deno.remove(dir, { recursive: true });
});
