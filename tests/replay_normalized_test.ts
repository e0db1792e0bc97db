/**
 * `replay --session` on a normalized capture (`records.jsonl`, `replay/_normalized_source.ts`):
 * one made from the real ETHUSDT capture replays to the same L3 events and final book as the
 * capture itself, on one thread and on two; one made by `consume --capture-dir` from a live run
 * replays to the publisher's `--book-out`; bad input (a cut last line, a malformed line, a lost
 * line, a format this replay does not read) gives the warnings and exit codes of other captures.
 */
import assert from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { type CaptureFiles, resolveSession } from "../replay/reader.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { formatMessageJson, recvNsString } from "../market/json.ts";
import { RecordKind } from "../market/record.ts";
import type { BookView } from "../market/book_view.ts";
import { commonMetadata } from "../venues/capture_metadata.ts";
import { CaptureWriter } from "../venues/capture_writer.ts";
import {
  NORMALIZED_CAPTURE_FORMAT,
  type NormalizedCaptureMetadata,
  RECORDS_STEM,
} from "../publish/normalized_capture_format.ts";
import { bookToJson } from "../venues/book_json.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { assertSameBook, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { ETH_DIR, haveFixture, RebuildingSink, replayTask } from "./_replay_helpers.ts";

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

/**
 * Replay `files` with the live code and write every message its stream emits as a normalized
 * capture in `session` (the layout and writer of `consume --capture-dir`; each line's consumer
 * receive time is the record's own).
 */
async function writeNormalized(files: CaptureFiles, session: string): Promise<number> {
  const writer = await CaptureWriter.create(session);
  const lines = writer.lines(RECORDS_STEM);
  let meta: NormalizedCaptureMetadata | undefined;
  let books = 0;
  let trades = 0;
  let lastBookSeq = 0;
  await replayCapture(files, {
    sink: { write: () => {} },
    onStream: (s) => {
      const i = s.instrument;
      meta = {
        ...commonMetadata(NORMALIZED_CAPTURE_FORMAT, i.venue, i.symbol, i.symbol, "n1", "test", 0),
        market: i.market,
        source: { nats: [], stream: "test", subjects: `md.${i.venue}.${i.market}.${i.symbol}`, startSeq: 0 },
        bookMessages: 0,
        lastBookSeq: 0,
        missing: [],
        runIds: ["r1"],
      };
      s.subscribe((b) => {
        if (b.messageKind === RecordKind.Trade) trades++;
        else {
          books++;
          lastBookSeq = b.seq;
        }
        lines.append(formatMessageJson(b.view, b.count, i), Number(recvNsString(b.recvSec, b.recvSubNs)));
      });
    },
  });
  assert.ok(meta, "the replay opened its stream");
  writer.setMetadata(() => ({
    ...meta!,
    messages: books + trades,
    trades,
    bookMessages: books,
    lastBookSeq,
    complete: true,
  }));
  await writer.close();
  return books + trades;
}

/** Events as JSONL, the final book rebuilt from them, the counters and warnings. */
interface Replayed {
  /** Events as JSONL. */
  text: string;
  /** The book rebuilt from the events (`RebuildingSink`), as `--book-out` JSON. */
  book: string;
  /** The replay's own L2 book at the end (its stream's view): update id, then levels. */
  l2: string;
  stats: ReplayStats;
  warned: string[];
  /** `(firstId, lastId)` of every applied update. */
  ids: number[];
  rebuilt: RebuildingSink;
}

async function replayed(files: CaptureFiles, rebuild = true): Promise<Replayed> {
  const t = new MemoryTarget();
  const w = createWriter("jsonl", t);
  const rebuilt = new RebuildingSink();
  const warned: string[] = [];
  const ids: number[] = [];
  let view: BookView | undefined;
  const stats = await replayCapture(files, {
    sink: { write: (ev) => (w.write(ev), rebuild && rebuilt.write(ev)) },
    onStream: (s) => void (view = s.view),
    onWarning: (m) => warned.push(m),
    onApplied: (U, u) => void ids.push(U, u),
  });
  w.flush();
  const book = JSON.stringify(
    bookToJson(rebuilt.book, { venue: "binance", symbol: "X", priceScale: 8, qtyScale: 8 }),
  );
  const l2: (number | boolean)[] = [view?.valid ?? false, view?.updateId ?? -1];
  for (const bid of [true, false]) {
    for (let i = 0; view && i < view.depth(bid); i++) l2.push(view.priceAt(bid, i), view.qtyAt(bid, i));
  }
  return { text: t.text(), book, l2: l2.join(), stats, warned, ids, rebuilt };
}

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
    const st = await spawnPocBinance(sim, {
      dir,
      session: "live",
      wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
      extraArgs: [
        "--trades",
        "--max-messages",
        "400",
        "--publish",
        srv.url,
        "--snapshot-every",
        "0",
        "--book-out",
        `${dir}/publisher.json`,
      ],
    }).status;
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

const HEAD = `"venue":"binance","market":"spot","symbol":"ETHUSDT"`;
const line = (seq: number, kind: string, id: number, rest: string) =>
  `{${HEAD},"seq":${seq},"kind":"${kind}","update_id":${id},"event_time_ms":${1000 + id},` +
  `"recv_time_ns":"17231612552114021${String(id).padStart(2, "0")}"${rest}}`;
const book = (bids: string, asks: string) => `,"bids":[${bids}],"asks":[${asks}]`;

/** A normalized capture of `lines` (a string joined as is: give the newlines) in a new session folder. */
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
