/**
 * `poc:hyperliquid --coins … --capture-dir`: one session per coin in the Hyperliquid capture
 * layout, each replayed (`replayCapture`, the `deno task replay --session` path) to a book equal
 * to that coin's `--book-out` entry; with the fast and bbo channels their frames go to
 * `fast.jsonl` / `bbo.jsonl` and `messages.jsonl` keeps the slow l2Book only; a session folder
 * that is not empty is refused with exit 2.
 */
import assert from "node:assert/strict";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { instrumentFolder } from "../venues/capture_names.ts";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import type { EventSink, InferredEvent } from "../replay/schema.ts";
import { exactDecimal } from "../testing/stream_check.ts";
import { runTask } from "./_task.ts";

const COINS = ["BTC", "PURR/USDC", "@107"];

// Exact decimal text without trailing fractional zeros.
function canon(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

// The book the replayed events leave (level quantity after each event), as canonical strings.
class LevelSink implements EventSink {
  readonly sides = [new Map<string, string>(), new Map<string, string>()];
  write(ev: InferredEvent): void {
    const side = this.sides[ev.side]!;
    if (ev.orderId === 0 && ev.price === 0) return side.clear();
    const px = exactDecimal(ev.price, ev.priceDecimals);
    if (ev.levelQtyAfter === 0) side.delete(px);
    else side.set(px, exactDecimal(ev.levelQtyAfter, ev.qtyDecimals));
  }
}

async function replayBook(dir: string): Promise<{ bids: string[][]; asks: string[][] }> {
  const sink = new LevelSink();
  await replayCapture(await resolveSession(dir), { sink, onWarning: () => {} });
  const sorted = (m: Map<string, string>, desc: boolean) =>
    [...m].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return { bids: sorted(sink.sides[0]!, true), asks: sorted(sink.sides[1]!, false) };
}

async function runCapture(sim: HyperliquidSimulator, dir: string, channels: string, book: string) {
  return await runTask([
    "poc:hyperliquid",
    "--ws-url",
    sim.url,
    "--coins",
    COINS.join(","),
    "--channels",
    channels,
    "--max-messages",
    "80",
    "--duration",
    "60",
    "--capture-dir",
    dir,
    "--capture-session",
    "s1",
    "--book-out",
    book,
  ]);
}

Deno.test("poc:hyperliquid --coins --capture-dir: each coin's session replays to its --book-out entry", async () => {
  const sim = await HyperliquidSimulator.start({ coins: COINS, tradeEvery: 2 });
  const stepper = setInterval(() => sim.step(), 20);
  const dir = "captures/test_hl_multi_cap", book = "out/hl_multi_cap_book.json";
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const r = await runCapture(sim, dir, "l2book,trades", book);
    clearInterval(stepper);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(await Deno.readTextFile(book));
    for (const [i, coin] of COINS.entries()) {
      const session = `${dir}/${instrumentFolder(coin)}/s1`;
      const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
      assert.equal(meta.instrument, coin);
      assert.equal(meta.complete, true);
      assert.ok(meta.bookCount > 0 && meta.trades > 0, JSON.stringify(meta));
      assert.deepEqual(
        meta.venueDecimals,
        coin === "BTC" ? { priceDecimals: 1, qtyDecimals: 5 } : {
          priceDecimals: 3,
          qtyDecimals: 5,
        },
      );
      const entry = out.books[i];
      assert.equal(entry.symbol, coin);
      const got = await replayBook(session);
      const want = (side: string[][]) => side.map(([p, q]) => [canon(p!), canon(q!)]);
      assert.deepEqual(got.bids, want(entry.bids), `${coin} bids`);
      assert.deepEqual(got.asks, want(entry.asks), `${coin} asks`);
    }
    // The same session again: refused before connecting.
    const again = await runCapture(sim, dir, "l2book,trades", book);
    assert.equal(again.code, 2, again.err);
    assert.match(again.err, /^poc:hyperliquid: capture session .*\/BTC\/s1 already exists and is not empty/);
    assert.doesNotMatch(again.err, /\n\s+at /, "no stack trace");
  } finally {
    clearInterval(stepper);
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.remove(book).catch(() => {});
  }
});

Deno.test("poc:hyperliquid --coins --capture-dir with fast and bbo: their frames in fast.jsonl and bbo.jsonl, messages.jsonl keeps the slow windows", async () => {
  const sim = await HyperliquidSimulator.start({ coins: COINS, slowEvery: 3 });
  const stepper = setInterval(() => sim.step(), 20);
  const dir = "captures/test_hl_multi_cap_fast", book = "out/hl_multi_cap_fast_book.json";
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const r = await runCapture(sim, dir, "l2book,fast,bbo", book);
    clearInterval(stepper);
    assert.equal(r.code, 0, r.err);
    for (const coin of COINS) {
      const session = `${dir}/${instrumentFolder(coin)}/s1`;
      const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
      assert.deepEqual(meta.files, {
        messages: "messages.jsonl",
        recvNs: "messages.recv_ns",
        other: "other.jsonl",
        fast: "fast.jsonl",
        bbo: "bbo.jsonl",
      });
      const lines = async (f: string) =>
        (await Deno.readTextFile(`${session}/${f}`)).split("\n").filter((l) => l !== "").map((l) =>
          JSON.parse(l)
        );
      const slow = (await lines("messages.jsonl")).filter((m) => m.channel === "l2Book");
      const fast = (await lines("fast.jsonl")).filter((m) => m.channel === "l2Book");
      const bbo = await lines("bbo.jsonl");
      assert.ok(
        slow.length > 0 && slow.every((m) => m.data.levels[0].length === 20),
        `${coin}: slow windows`,
      );
      assert.ok(
        fast.length > slow.length && fast.every((m) => m.data.levels[0].length === 5),
        `${coin}: fast`,
      );
      assert.ok(
        bbo.length > 0 && bbo.every((m) => m.channel === "bbo" && m.data.coin === coin),
        `${coin}: bbo`,
      );
      assert.equal(meta.bookCount, slow.length);
      assert.equal(meta.fastBooks, fast.length + 1, "plus the fast subscription reply");
      const recv = (await Deno.readTextFile(`${session}/fast.recv_ns`)).split("\n").filter((l) => l !== "");
      assert.equal(recv.length, meta.fastBooks);
    }
  } finally {
    clearInterval(stepper);
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.remove(book).catch(() => {});
  }
});
