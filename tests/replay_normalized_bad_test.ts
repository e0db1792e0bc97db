/**
 * `replay --session` on a bad normalized capture: a malformed line (quoted), a lost line (a `seq`
 * jump: clear, then a snapshot recovers), a cut last line warn (exit 0, 1 with `--strict`); a
 * later format version, `records.jsonl` without its metadata and a capture without a snapshot
 * exit 1 with one line naming why.
 */
import assert from "node:assert/strict";
import { resolveSession } from "../replay/reader.ts";
import { NORMALIZED_CAPTURE_FORMAT } from "../publish/normalized_capture_format.ts";
import { replayTask } from "./_replay_helpers.ts";
import { replayed } from "./_replay_normalized.ts";

const HEAD = `"venue":"binance","market":"spot","symbol":"ETHUSDT"`;
const line = (seq: number, kind: string, id: number, rest: string) =>
  `{${HEAD},"seq":${seq},"kind":"${kind}","update_id":${id},"event_time_ms":${1000 + id},` +
  `"recv_time_ns":"17231612552114021${String(id).padStart(2, "0")}"${rest}}`;
const book = (bids: string, asks: string) => `,"bids":[${bids}],"asks":[${asks}]`;

/** A normalized capture of `body` (`records.jsonl` as is: give the newlines) in a new session folder. */
async function handMade(dir: string, name: string, body: string, meta: Record<string, unknown> = {}) {
  const s = `${dir}/${name}`;
  await Deno.mkdir(s, { recursive: true });
  const n = body.split("\n").length - 1;
  await Deno.writeTextFile(`${s}/records.jsonl`, body);
  await Deno.writeTextFile(`${s}/records.recv_ns`, "1723161255211402113\n".repeat(n));
  await Deno.writeTextFile(
    `${s}/metadata.json`,
    JSON.stringify({
      format: NORMALIZED_CAPTURE_FORMAT,
      venue: "binance",
      instrument: "ETHUSDT",
      market: "spot",
      complete: true,
      trades: 1,
      ...meta,
    }),
  );
  return s;
}
Deno.test("normalized capture, bad input: a malformed line, a lost line, a cut last line warn; a foreign format and no snapshot fail", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-bad-" });
  try {
    const good = [
      line(1, "snapshot", 10, book(`["100.5","2"],["100.4","1"]`, `["101","1.25"]`)),
      line(1, "trade", 11, `,"price":"100.5","qty":"0.5","side":"sell"`),
      line(2, "update", 11, book(`["100.5","1.5"]`, "")),
      line(3, "update", 12, book(`["100.3","4"]`, `["101","0"],["101.5","2"]`)),
    ];
    // Replayed as is: the book and events of the records, no warning.
    const ok0 = await handMade(dir, "ok", good.join("\n") + "\n");
    const r0 = await replayed(await resolveSession(ok0));
    assert.deepEqual(r0.warned, []);
    assert.equal(
      r0.book,
      JSON.stringify({
        venue: "binance",
        symbol: "X",
        lastUpdateId: 0,
        bids: [["100.50000000", "1.50000000"], ["100.40000000", "1.00000000"], [
          "100.30000000",
          "4.00000000",
        ]],
        asks: [["101.50000000", "2.00000000"]],
      }),
    );
    assert.equal(r0.stats.events[2], 1, "the sell of 0.5 at 100.5 is the decrease there: a fill");
    assert.equal(r0.stats.tradeQtyMatched, 5e7);
    assert.deepEqual(r0.ids, [11, 11, 12, 12], "U = previous u + 1 on spot");

    // A malformed line (skipped, quoted), a lost update (seq 3 missing: clear, then a snapshot
    // recovers), a cut last line.
    const bad = [
      good[0],
      "not json",
      good[2],
      line(4, "update", 14, book(`["100.2","1"]`, "")),
      line(5, "snapshot", 15, book(`["99","1"]`, `["102","1"]`)),
      line(6, "update", 16, book(`["99","3"]`, "")),
    ].join("\n") + "\n" + line(7, "update", 17, book("", "")).slice(0, 40);
    const s1 = await handMade(dir, "bad", bad);
    const r1 = await replayed(await resolveSession(s1));
    assert.equal(r1.warned.length, 3, r1.warned.join("\n"));
    assert.match(r1.warned[0]!, /records\.jsonl:2: not a JSON object: not json/);
    assert.match(r1.warned[1]!, /records\.jsonl:4: book seq 4 after 2: 1 book messages missing/);
    assert.match(r1.warned[2]!, /last line truncated \(40 bytes without a newline\): replayed up to line 6/);
    assert.equal(r1.stats.malformed, 1);
    assert.equal(r1.stats.resyncs, 1);
    assert.equal(r1.stats.gapsCrossed, 1);
    assert.equal(
      r1.stats.events[3],
      2,
      "a Clear per side at the lost line (L3 is empty at the next snapshot)",
    );
    assert.equal(JSON.parse(r1.book).bids[0][1], "3.00000000");
    // Through the CLI: exit 0 with the warnings, 1 with --strict.
    const c1 = await replayTask(["--session", s1, "--out-format", "jsonl", "--out", `${dir}/o.jsonl`], dir);
    assert.equal(c1.code, 0, c1.err);
    assert.match(c1.err, /warning: .*book seq 4 after 2/);
    assert.match(c1.err, /gaps\/resyncs=1 recovered=1/);
    const c2 = await replayTask(["--session", s1, "--strict", "--out", `${dir}/o.txt`], dir);
    assert.equal(c2.code, 1, c2.err);

    // A later format version is refused by name; records.jsonl without the metadata is not read
    // as a normalized capture; a capture without a snapshot never synchronizes.
    const v2 = await handMade(dir, "v2", good.join("\n") + "\n", { format: "hft-ts/normalized-capture/2" });
    const c3 = await replayTask(["--session", v2], dir);
    assert.equal(c3.code, 1, c3.err);
    assert.match(
      c3.err,
      /^replay: .*metadata\.json: format "hft-ts\/normalized-capture\/2" is not supported/m,
    );
    assert.doesNotMatch(c3.err, /\n\s+at /, "no stack trace");
    await Deno.remove(`${v2}/metadata.json`);
    const c4 = await replayTask(["--session", v2], dir);
    assert.equal(c4.code, 1, c4.err);
    assert.match(c4.err, /records\.jsonl without a metadata\.json of format "hft-ts\/normalized-capture\/1"/);
    const none = await handMade(dir, "none", good.slice(1).join("\n") + "\n");
    const c5 = await replayTask(["--session", none, "--out", `${dir}/o2.txt`], dir);
    assert.equal(c5.code, 1, c5.err);
    assert.match(c5.err, /FAILED: the book was never synchronized: no snapshot message/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
