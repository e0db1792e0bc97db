/**
 * `replay --session` on a normalized capture of a PEPE-sized instrument (prices like
 * "0.00000123", whole quantities past 2^53 / 10^8, which no fixed 10^8 scale holds): the records
 * are decoded at their own decimals and the instrument is held at the finest scale seen
 * (`replay/_normalized_scale.ts`). A hand-written capture replays exactly on 1 and 2 threads
 * (final book strings, the events' decimals), a value no scale holds is a warning and a clear
 * until the next snapshot, and one made by `consume --capture-dir` from a live PEPE run replays
 * to the publisher's `--book-out`.
 */
import assert from "node:assert/strict";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { createWriter } from "../replay/writers.ts";
import { MemoryTarget } from "../replay/out_buffer.ts";
import { formatScaled } from "../market/json.ts";
import { commonMetadata } from "../venues/capture_metadata.ts";
import { CaptureWriter } from "../venues/capture_writer.ts";
import { NORMALIZED_CAPTURE_FORMAT, RECORDS_STEM } from "../publish/normalized_capture_format.ts";
import { PEPE_MARKET } from "../sim/binance/market.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { type BookJson, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { publishRun } from "./_poc_child.ts";
import { RebuildingSink, replayTask } from "./_replay_helpers.ts";

const HEAD = `"venue":"binance","market":"spot","symbol":"PEPEUSDT"`;
const line = (seq: number, kind: string, id: number, rest: string) =>
  `{${HEAD},"seq":${seq},"kind":"${kind}","update_id":${id},"event_time_ms":${1000 + id},` +
  `"recv_time_ns":"17231612552114021${String(id).padStart(2, "0")}"${rest}}`;
const book = (bids: string, asks: string) => `,"bids":[${bids}],"asks":[${asks}]`;

/** A normalized capture of `lines` written with the writer `consume --capture-dir` uses. */
async function handMade(session: string, lines: string[]): Promise<string> {
  const w = await CaptureWriter.create(session);
  const out = w.lines(RECORDS_STEM);
  for (const [i, l] of lines.entries()) out.append(l, 1723161255211402100 + i * 1000);
  w.setMetadata(() => ({
    ...commonMetadata(NORMALIZED_CAPTURE_FORMAT, "binance", "PEPEUSDT", "PEPEUSDT", "n1", "test", 0),
    market: "spot",
    source: { nats: [], stream: "test", subjects: "md.binance.spot.PEPEUSDT", startSeq: 0 },
    messages: lines.length,
    trades: lines.filter((l) => l.includes(`"kind":"trade"`)).length,
    bookMessages: lines.filter((l) => !l.includes(`"kind":"trade"`)).length,
    lastBookSeq: 0,
    missing: [],
    runIds: ["r1"],
    complete: true,
  }));
  await w.close();
  return session;
}

/** A decimal string without trailing fractional zeros. */
function trim(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

interface Run {
  text: string;
  /** The replay's own final book (its stream's view) as exact decimal strings, bids then asks. */
  l2: string[][][];
  /** The book rebuilt from the L3 events, formatted at the last event's decimals. */
  l3: string[][][];
  /** Every event's `price_decimals/qty_decimals`, consecutive repeats collapsed. */
  decimals: string[];
  stats: ReplayStats;
  warned: string[];
}

async function run(session: string): Promise<Run> {
  const t = new MemoryTarget();
  const w = createWriter("jsonl", t);
  const rebuilt = new RebuildingSink();
  const warned: string[] = [];
  const decimals: string[] = [];
  let view: import("../market/book_view.ts").BookView | undefined;
  let pd = 0, qd = 0;
  const stats = await replayCapture(await resolveSession(session), {
    sink: {
      write: (ev) => {
        w.write(ev);
        rebuilt.write(ev);
        pd = ev.priceDecimals;
        qd = ev.qtyDecimals;
        if (decimals.at(-1) !== `${pd}/${qd}`) decimals.push(`${pd}/${qd}`);
      },
    },
    onStream: (s) => void (view = s.view),
    onWarning: (m) => warned.push(m),
  });
  w.flush();
  const v = view!;
  const l2 = [true, false].map((bid) =>
    Array.from({ length: v.depth(bid) }, (_, i) => [
      formatScaled(v.priceAt(bid, i), v.instrument.priceDecimals),
      formatScaled(v.qtyAt(bid, i), v.instrument.qtyDecimals),
    ])
  );
  const l3 = [true, false].map((bid) => {
    const s = rebuilt.book.side(bid);
    return Array.from(
      { length: s.size },
      (_, i) => [formatScaled(s.priceAt(i), pd), formatScaled(s.qtyAt(i), qd)],
    );
  });
  return { text: t.text(), l2, l3, decimals, stats, warned };
}

const SNAP = line(
  1,
  "snapshot",
  10,
  book(`["0.00000123","123456789012.25"],["0.00000122","50000000000"]`, `["0.00000124","98765432109.5"]`),
);
const GOOD = [
  SNAP, // 8 / 2 decimals: 123456789012.25 × 10^8 is past 2^53
  line(2, "update", 12, book(`["0.00000123","123456789011.125"]`, "")), // a finer qty: 8 / 3
  line(1, "trade", 13, `,"price":"0.00000124","qty":"1000000.5","side":"buy"`), // 8 / 1: scaled up
  // 8 / 0: scaled up; the ask the trade took from (98765432109.5 - 1000000.5), a new one.
  line(3, "update", 13, book("", `["0.00000124","98764432109"],["0.00000125","7"]`)),
];
const FINAL = [
  [["0.00000123", "123456789011.125"], ["0.00000122", "50000000000"]],
  [["0.00000124", "98764432109"], ["0.00000125", "7"]],
];

Deno.test("a hand-written PEPE-sized normalized capture replays exactly, on 1 and 2 threads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-pepe-" });
  try {
    const s = await handMade(`${dir}/PEPEUSDT/n1`, GOOD);
    const r = await run(s);
    assert.deepEqual(r.warned, []);
    assert.equal(r.stats.malformed, 0);
    assert.equal(r.stats.applied, 2);
    assert.deepEqual(r.l2, FINAL, "the replay's own book, string for string");
    assert.deepEqual(r.l3, FINAL, "the book the L3 events rebuild");
    // The snapshot at its own scale, then the book re-based at the finer qty scale.
    assert.deepEqual(r.decimals, ["8/2", "8/3"]);
    assert.equal(r.stats.rescales, 2, "10^-8 / 10^-8 → 8 / 2 (the snapshot) → 8 / 3 (the update)");
    assert.equal(r.stats.priceDecimals, 8);
    assert.equal(r.stats.qtyDecimals, 3);
    assert.equal(r.stats.tradeQtyMatched, 1000000500, "the trade at 8 / 3: 1000000.5 lots of 10^-3");
    assert.equal(r.stats.tradeQtyUnmatched, 0);
    assert.equal(r.stats.events[3], 2, "a Clear per side where L3 re-bases at 8 / 3");
    const c = await replayTask(
      ["--session", s, "--threads", "2", "--out-format", "jsonl", "--out", `${dir}/e.jsonl`],
      dir,
    );
    assert.equal(c.code, 0, c.err);
    assert.match(c.err, /2 threads/);
    assert.equal(await Deno.readTextFile(`${dir}/e.jsonl`), r.text, "the same events, byte for byte");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a PEPE-sized value no scale can hold with the book: a warning and a clear until the next snapshot", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-pepe-bad-" });
  try {
    const lines = [
      ...GOOD,
      // 10^-6 qty: the book's 123456789011.125 × 10^6 is past 2^53 (and 10^-6 cannot be coarser).
      line(4, "update", 14, book(`["0.00000122","0.000001"]`, "")),
      line(5, "update", 15, book(`["0.00000121","1"]`, "")), // not replayed: no book
      line(6, "snapshot", 16, book(`["0.0000012","2.5"]`, `["0.00000126","3"]`)),
      // 123456789012345.5 × 10^3 is past 2^53: the book (values whole at 10^-1) moves to 8 / 1.
      line(7, "update", 17, book(`["0.0000012","0"],["0.00000119","123456789012345.5"]`, "")),
    ];
    const r = await run(await handMade(`${dir}/PEPEUSDT/n1`, lines));
    assert.equal(r.warned.length, 1, r.warned.join("\n"));
    assert.match(r.warned[0]!, /records\.jsonl:5: a value cannot be held with the book at 10\^-8 \/ 10\^-3/);
    assert.match(r.warned[0]!, /book discarded, waiting for a later snapshot/);
    assert.equal(r.stats.resyncs, 1);
    assert.equal(r.stats.gapsCrossed, 1);
    assert.equal(r.stats.malformed, 0);
    assert.equal(r.stats.endedInGap, false);
    // A Clear per side at 8 / 3 (re-based), at the unheld line, at 8 / 1 (re-based); none at the
    // snapshot (L3 was empty).
    assert.equal(r.stats.events[3], 6);
    assert.equal(r.stats.rescales, 3);
    const final = [[["0.00000119", "123456789012345.5"]], [["0.00000126", "3"]]];
    assert.deepEqual(r.l2, final);
    assert.deepEqual(r.l3, final);
    assert.deepEqual(r.decimals, ["8/2", "8/3", "8/1"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a normalized capture made by consume --capture-dir from a live PEPE run replays to the publisher's --book-out", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(NATS_SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-replaynorm-pepe-live-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { ...PEPE_MARKET, seed: 61 } });
  try {
    const st = await publishRun(sim, dir, { nats: srv.url, symbol: "pepeusdt", messages: 300 });
    assert.equal(st.code, 0, "publisher");
    const c = await runConsume([
      "--nats",
      srv.url,
      "--symbols",
      "PEPEUSDT",
      "--to-end",
      "--duration",
      "60",
      "--capture-dir",
      `${dir}/nats`,
    ]);
    assert.equal(c.code, 0, c.err);
    const sessions = [...Deno.readDirSync(`${dir}/nats/PEPEUSDT`)].map((e) => e.name);
    assert.equal(sessions.length, 1, sessions.join());
    const r = await run(`${dir}/nats/PEPEUSDT/${sessions[0]}`);
    assert.deepEqual(r.warned, []);
    assert.equal(r.stats.failure, undefined);
    assert.ok(r.stats.tradeLines > 0 && r.stats.applied > 0, "trades and updates replayed");
    const pub: BookJson = readBook(`${dir}/publisher.json`);
    const qtys = [...pub.bids, ...pub.asks].map(([, q]) => BigInt(trim(q)));
    assert.ok(qtys.some((q) => q * 10n ** 8n > BigInt(Number.MAX_SAFE_INTEGER)), "PEPE-sized quantities");
    const want = [pub.bids, pub.asks].map((side) => side.map(([p, q]) => [trim(p), trim(q)]));
    assert.deepEqual(r.l2, want, "the replay's own book vs the publisher's, string for string");
    assert.deepEqual(r.l3, want, "the book the L3 events rebuild vs the publisher's");
  } finally {
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
