/**
 * `replay --session <normalized capture> --publish nats://…` (the task, as a child): a normalized
 * capture (the layout `consume --capture-dir` writes, made here from the real ETHUSDT capture) is
 * republished through the live publisher; every record is acknowledged, and `consume` rebuilds
 * a book equal to the replay's own final book, level for level (exact decimal strings).
 */
import assert from "node:assert/strict";
import type { BookView } from "../market/book_view.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { NULL_SINK } from "../replay/summary.ts";
import { formatFixed } from "../venues/decimal.ts";
import { startNatsServer } from "./_nats_server.ts";
import { type BookJson, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { ETH_DIR, haveFixture, replayTask } from "./_replay_helpers.ts";
import { writeNormalized } from "./_replay_normalized.ts";

const present = haveFixture();

/** A decimal string without trailing fractional zeros ("1.2300" → "1.23", "5.000" → "5"). */
function trim(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** The levels of a `--book-out` book as exact, trimmed decimal strings. */
function levelsOf(b: BookJson): string[][][] {
  return [b.bids, b.asks].map((side) => side.map(([p, q]) => [trim(p), trim(q)]));
}

/** The replay's own final book (its stream's view), as exact trimmed decimal strings. */
async function replayBook(session: string): Promise<{ levels: string[][][]; updateId: number }> {
  let view: BookView | undefined;
  await replayCapture(await resolveSession(session), {
    sink: NULL_SINK,
    onStream: (s) => void (view = s.view),
  });
  assert.ok(view?.valid, "the replay's book is valid at the end");
  const v = view!;
  const { priceDecimals: pd, qtyDecimals: qd } = v.instrument;
  const levels = [true, false].map((bid) =>
    Array.from(
      { length: v.depth(bid) },
      (_, i) => [trim(formatFixed(v.priceAt(bid, i), pd)), trim(formatFixed(v.qtyAt(bid, i), qd))],
    )
  );
  return { levels, updateId: v.updateId };
}

for (const format of ["json", "binary"] as const) {
  Deno.test({
    name:
      `replay --session <normalized capture> --publish (${format}): the consumer's final book equals the replay's`,
    ignore: !present,
    async fn() {
      const srv = await startNatsServer();
      if (!srv) return void console.log(NATS_SKIP);
      const dir = await Deno.makeTempDir({ prefix: "hft-nats-replaynorm-" });
      try {
        const session = `${dir}/ETHUSDT/n1`;
        const n = await writeNormalized(await resolveSession(ETH_DIR), session);
        const want = await replayBook(session);
        assert.ok(want.levels[0]!.length > 0 && want.levels[1]!.length > 0, "a book with levels");
        const r = await replayTask(
          ["--session", session, "--publish", srv.url, "--publish-format", format, "--pace", "max"],
          dir,
        );
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /normalized binance capture: \d+ record lines/);
        const m =
          /\[publish\] run \w+: (\d+) acknowledged \(0 duplicates\), 0 retried, 0 unacknowledged, 0 dropped/
            .exec(r.err);
        assert.ok(m, r.err);
        assert.equal(Number(m[1]), n, "every record of the capture acknowledged once");
        const c = await runConsume([
          "--nats",
          srv.url,
          "--symbols",
          "ETHUSDT",
          "--to-end",
          "--duration",
          "60",
          "--book-out",
          `${dir}/consumer.json`,
        ]);
        assert.equal(c.code, 0, c.err);
        assert.match(c.err, /0 book seqs missed, 0 foreign payloads skipped, valid\n/, c.err);
        const got = readBook(`${dir}/consumer.json`);
        assert.deepEqual(levelsOf(got), want.levels, "every level, string for string");
        assert.equal(got.lastUpdateId, want.updateId, "update id");
      } finally {
        await srv.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
