/**
 * `replay --session` on a normalized capture (`records.jsonl`, `replay/_normalized_source.ts`):
 * one made from the real ETHUSDT capture replays to the same L3 events and final book as the
 * capture itself, on one thread and on two, one of the real Hyperliquid capture the same; one made by `consume --capture-dir` from a live run
 * replays to the publisher's `--book-out` (bad input: `replay_normalized_bad_test.ts`).
 */
import assert from "node:assert/strict";
import { resolveSession } from "../replay/reader.ts";
import { bookToJson } from "../venues/book_json.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { assertSameBook, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { publishRun } from "./_poc_child.ts";
import { ETH_DIR, haveFixture, replayTask } from "./_replay_helpers.ts";
import { replayed, writeNormalized } from "./_replay_normalized.ts";

const HL_DIR = new URL("../../shared/fixtures/hyperliquid-btc-20250126", import.meta.url).pathname;
const haveHl = (() => {
  try {
    return Deno.statSync(`${HL_DIR}/messages.jsonl`).isFile;
  } catch {
    console.warn(`SKIP: fixture ${HL_DIR} is absent`);
    return false;
  }
})();

const present = haveFixture();

Deno.test({
  name:
    "a normalized capture of the real ETHUSDT capture replays to its L3 events and final book, on 1 and 2 threads",
  ignore: !present,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-" });
    try {
      const orig = await resolveSession(ETH_DIR);
      const session = `${dir}/ETHUSDT/n1`;
      const n = await writeNormalized(orig, session);
      const files = await resolveSession(session);
      assert.equal(files.normalized, session);
      const a = await replayed(orig);
      const b = await replayed(files);
      assert.deepEqual(b.warned, []);
      assert.equal(b.stats.diffLines, n);
      assert.equal(b.book, a.book, "final book");
      assert.equal(b.l2, a.l2, "the replay's own final L2 book");
      assert.equal(b.text, a.text, "the same L3 events, byte for byte");
      assert.equal(b.stats.events.join(), a.stats.events.join());
      assert.equal(b.stats.tradeQtyMatched, a.stats.tradeQtyMatched);
      assert.equal(b.stats.tradeQtyUnmatched, a.stats.tradeQtyUnmatched);
      assert.equal(b.stats.snapshotsApplied, 1);
      assert.equal(b.stats.applied, a.stats.applied);
      // Every update's first id U (not in the records: the previous u + 1 on spot) is the capture's.
      assert.equal(b.ids.length, a.ids.length);
      assert.ok(b.ids.every((x, i) => x === a.ids[i]), "the same (U, u) of every applied diff");
      assert.equal(b.stats.tradeLines, a.stats.trades);
      // Two threads, through the CLI: the same bytes.
      const out = `${dir}/events.jsonl`;
      const r = await replayTask(
        ["--session", session, "--threads", "2", "--out-format", "jsonl", "--out", out],
        dir,
      );
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /normalized binance capture: \d+ record lines/);
      assert.match(r.err, /2 threads/);
      assert.equal(await Deno.readTextFile(out), a.text);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a normalized capture made by consume --capture-dir from a live run replays to the publisher's --book-out", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(NATS_SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-live-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 43 } });
  try {
    const st = await publishRun(sim, dir, { nats: srv.url });
    assert.equal(st.code, 0, "publisher");
    const c = await runConsume(
      [
        "--nats",
        srv.url,
        "--symbols",
        "BTCUSDT",
        "--to-end",
        "--duration",
        "60",
        "--capture-dir",
        `${dir}/nats`,
      ],
    );
    assert.equal(c.code, 0, c.err);
    const sessions = [...Deno.readDirSync(`${dir}/nats/BTCUSDT`)].map((e) => e.name);
    assert.equal(sessions.length, 1, sessions.join());
    const files = await resolveSession(`${dir}/nats/BTCUSDT/${sessions[0]}`);
    const r = await replayed(files);
    assert.deepEqual(r.warned, []);
    assert.equal(r.stats.failure, undefined);
    assert.ok(r.stats.tradeLines > 0 && r.stats.applied > 0, "trades and updates replayed");
    const got = bookToJson(r.rebuilt.book, {
      venue: "binance",
      symbol: "BTCUSDT",
      priceScale: JSON_SCALE,
      qtyScale: JSON_SCALE,
    });
    got.lastUpdateId = r.ids[r.ids.length - 1]!;
    assertSameBook(got, readBook(`${dir}/publisher.json`), "replayed L3 events vs publisher");
    // Two threads give the same events.
    const out = `${dir}/events.jsonl`;
    const cli = await replayTask([
      "--session",
      files.normalized!,
      "--threads",
      "2",
      "--out-format",
      "jsonl",
      "--out",
      out,
    ], dir);
    assert.equal(cli.code, 0, cli.err);
    assert.equal(await Deno.readTextFile(out), r.text);
  } finally {
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a normalized capture of the real Hyperliquid capture replays to its L3 events and final book",
  ignore: !haveHl,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-hl-" });
    try {
      const orig = await resolveSession(HL_DIR);
      const session = `${dir}/BTC/n1`;
      const n = await writeNormalized(orig, session);
      const files = await resolveSession(session);
      assert.equal(files.venue, "hyperliquid");
      // A window venue's exits are Clears per order: the event-rebuilding check does not apply.
      const a = await replayed(orig, false);
      const b = await replayed(files, false);
      assert.deepEqual(b.warned, []);
      assert.equal(b.stats.diffLines, n);
      assert.ok(a.stats.events.reduce((x, y) => x + y) > 300, "a replay with events");
      assert.equal(b.text, a.text, "the same L3 events, byte for byte");
      assert.equal(b.l2, a.l2, "the same final L2 book");
      assert.ok(a.stats.tradeQtyMatched > 0);
      assert.equal(b.stats.tradeQtyMatched, a.stats.tradeQtyMatched);
      // Trades before the first book: already in it, matched by neither.
      assert.equal(b.stats.tradeQtyUnmatched, a.stats.tradeQtyUnmatched);
      assert.ok(b.stats.tradesBeforeBook > 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
