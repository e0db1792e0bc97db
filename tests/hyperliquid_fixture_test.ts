/**
 * End-to-end on real data: the simulator replays the shared fixture (46 real BTC books, 9 trades
 * messages); the handler captures it and writes `--book-out`; the capture is read back and
 * replayed through the same parser and differ.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { BookDiffer, ChangeList } from "../venues/hyperliquid/diff.ts";
import { HlFrame, HlMsg } from "../venues/hyperliquid/frame.ts";
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import { HlParser } from "../venues/hyperliquid/parse.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { Drive } from "../testing/drive.ts";
import { fixtureExists, fixtureLines } from "../testing/hl_fixture.ts";
import { EventKind } from "../engine/events.ts";

const HAVE_FIXTURE = fixtureExists();

Deno.test({
  name: "HyperliquidHandler on the replayed real fixture: capture, book-out strings and replay all agree",
  ignore: !HAVE_FIXTURE,
  async fn() {
    const lines = fixtureLines();
    const books = lines.filter((l) => l.includes('"l2Book"'));
    equal(books.length, 46);
    const dir = await Deno.makeTempDir({ prefix: "hl_capture_" });
    const sim = await HyperliquidSimulator.start({ lines });
    const h = new HyperliquidHandler({
      wsUrl: sim.url,
      trades: true,
      captureDir: dir,
      captureSession: "s1",
      maxMessages: 10_000,
    });
    const d = new Drive(h);
    try {
      await d.start();
      await d.until(
        () => d.count(EventKind.SnapshotApplied) === 1 && d.count(EventKind.Subscribed) === 2,
        "subscribed",
      );
      for (let i = 1; i < books.length; i++) {
        const t = JSON.parse(sim.step()).data.time;
        await d.until(() => h.book.updateId === t && h.stats.books === i + 1, `book ${i}`);
      }
      // --book-out: the venue's own strings, best first, round-tripped exactly.
      const out = `${dir}/book.json`;
      await h.writeBookOut(out);
      const written = JSON.parse(await Deno.readTextFile(out));
      const last = JSON.parse(books[45]!).data;
      deepEqual(written.bids, last.levels[0].map((l: { px: string; sz: string }) => [l.px, l.sz]));
      deepEqual(written.asks, last.levels[1].map((l: { px: string; sz: string }) => [l.px, l.sz]));
      equal(written.venue, "hyperliquid");
      equal(written.symbol, "BTC");
      equal(written.lastUpdateId, last.time);
      deepEqual(d.warnings(), []);
    } finally {
      await d.stop();
      await sim.close();
    }
    // The capture: every JSON frame verbatim, recv_ns per line, complete metadata.
    const sdir = `${dir}/BTC/s1`;
    const captured = (await Deno.readTextFile(`${sdir}/messages.jsonl`)).split("\n").filter((l) => l !== "");
    const recv = (await Deno.readTextFile(`${sdir}/messages.recv_ns`)).split("\n").filter((l) => l !== "");
    equal(recv.length, captured.length);
    ok(recv.every((r) => /^\d{19}$/.test(r)), "recv_ns are epoch nanoseconds");
    deepEqual(captured.filter((l) => l.startsWith('{"channel":"l2Book"')), books);
    ok(captured.some((l) => l.includes('"trades"')));
    equal(captured.filter((l) => l.includes("subscriptionResponse")).length, 2);
    const meta = JSON.parse(await Deno.readTextFile(`${sdir}/metadata.json`));
    equal(meta.complete, true);
    equal(meta.bookCount, 46);
    equal(meta.messages, captured.length);
    equal(meta.greetings, 1);
    deepEqual(meta.connections.map((c: { line: number }) => c.line), [0]);
    equal(meta.lastBookTime, JSON.parse(books[45]!).data.time);
    // Replay the capture through the same parse + diff: the same final book as live.
    const p = new HlParser();
    const f = new HlFrame();
    const differ = new BookDiffer();
    const book = new L2Book();
    const changes = new ChangeList();
    for (const l of captured) if (p.parse(l, f) === HlMsg.L2Book) differ.apply(f, book, changes);
    deepEqual(
      [book.bids.size, book.asks.size, book.bids.bestPrice(), book.asks.bestPrice(), book.updateId],
      [h.book.bids.size, h.book.asks.size, h.book.bids.bestPrice(), h.book.asks.bestPrice(), h.book.updateId],
    );
    deepEqual(Array.from(differ.totals.byKind), Array.from(h.differ.totals.byKind));
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("HyperliquidHandler stops by itself after maxMessages", async () => {
  const sim = await HyperliquidSimulator.start({ seed: 11 });
  const h = new HyperliquidHandler({ wsUrl: sim.url, maxMessages: 4 });
  const d = new Drive(h);
  try {
    await d.start();
    await d.until(() => h.stats.books === 1, "first book");
    for (let i = 0; i < 5; i++) sim.step();
    await d.until(() => h.isDone(), "done");
    equal(h.stats.books, 4);
  } finally {
    await d.stop();
    await sim.close();
  }
});
