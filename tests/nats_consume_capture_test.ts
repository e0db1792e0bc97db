/**
 * `consume --capture-dir`: a normalized capture made from NATS (records.jsonl + records.recv_ns +
 * metadata.json per symbol) holds exactly the messages the consumer applied, and the book rebuilt
 * from it by `readNormalizedCapture` + `BookReplica` equals the publisher's `--book-out` (a live
 * run against the simulator) and the consumer's. Bad input: a folder that is not a normalized
 * capture, lines that are not ours, a cut last line, bad session flags.
 */
import assert from "node:assert/strict";
import { BookReplica } from "../market/replica.ts";
import { RecordKind } from "../market/record.ts";
import { readNormalizedCapture } from "../publish/normalized_capture.ts";
import { NORMALIZED_CAPTURE_FORMAT } from "../publish/normalized_capture_format.ts";
import { JSON_SCALE } from "../publish/decode.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { bookToJson } from "../venues/book_json.ts";
import { startNatsServer } from "./_nats_server.ts";
import { assertSameBook, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { publishRun } from "./_poc_child.ts";

/** Rebuild the book of a normalized capture; every message's kind in order. */
async function rebuild(dir: string) {
  const r = await readNormalizedCapture(dir);
  const replica = new BookReplica(0);
  const kinds: RecordKind[] = [];
  let lastRecv = 0n;
  let recvOrdered = true;
  try {
    while (await r.next()) {
      replica.apply(r.batch);
      kinds.push(r.batch.messageKind);
      const ns = BigInt(r.recvNs);
      if (ns < lastRecv) recvOrdered = false;
      lastRecv = ns;
    }
  } finally {
    await r.close();
  }
  const book = bookToJson(replica.book, {
    venue: "binance",
    symbol: r.metadata.instrument,
    priceScale: JSON_SCALE,
    qtyScale: JSON_SCALE,
  });
  return { r, replica, kinds, book, recvOrdered };
}

Deno.test("consume --capture-dir of a whole live run: the capture replays to the publisher's --book-out, line for line the consumer's messages", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(NATS_SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-cap-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 41 } });
  try {
    const st = await publishRun(sim, dir, { nats: srv.url });
    assert.equal(st.code, 0, "publisher");
    const c = await runConsume([
      "--nats",
      srv.url,
      "--symbols",
      "BTCUSDT",
      "--to-end",
      "--duration",
      "60",
      "--capture-dir",
      `${dir}/nats`,
      "--capture-session",
      "c1",
      "--updates-out",
      `${dir}/updates.jsonl`,
      "--book-out",
      `${dir}/consumer.json`,
    ]);
    assert.equal(c.code, 0, c.err);
    assert.match(c.err, /captured \d+ messages in .*\/nats\/BTCUSDT\/c1/);
    const session = `${dir}/nats/BTCUSDT/c1`;
    const { r, replica, kinds, book, recvOrdered } = await rebuild(session);
    assert.equal(r.skippedCount, 0, JSON.stringify(r.skipped));
    assert.equal(r.truncatedBytes, 0);
    assert.equal(
      kinds.find((k) => k !== RecordKind.Trade),
      RecordKind.Snapshot,
      "the first book message of the capture is the run's first snapshot",
    );
    assert.ok(
      kinds.includes(RecordKind.Update) && kinds.includes(RecordKind.Trade),
      `updates and trades: ${kinds.join(",")}`,
    );
    assert.ok(replica.valid, "the rebuilt book is valid");
    assert.equal(replica.missedBook, 0, "no seq jump in the capture");
    assert.ok(recvOrdered, "records.recv_ns never goes back");
    assertSameBook(book, readBook(`${dir}/publisher.json`), "capture vs publisher");
    assertSameBook(book, readBook(`${dir}/consumer.json`), "capture vs consumer");
    // The capture holds exactly the consumer's messages, in order.
    const records = Deno.readTextFileSync(`${session}/records.jsonl`);
    assert.equal(records, Deno.readTextFileSync(`${dir}/updates.jsonl`));
    const lines = records.split("\n").length - 1;
    const ns = Deno.readTextFileSync(`${session}/records.recv_ns`).split("\n").length - 1;
    assert.equal(ns, lines, "one receive time per line");
    const m = r.metadata;
    assert.equal(m.format, NORMALIZED_CAPTURE_FORMAT);
    assert.equal(m.complete, true);
    assert.equal(m.messages, lines);
    assert.equal(m.trades, kinds.filter((k) => k === RecordKind.Trade).length);
    assert.equal(m.lastBookSeq, replica.bookSeq);
    assert.equal(m.runIds.length, 1);
    assert.deepEqual(m.missing, []);
    assert.equal(m.source.startSeq, 0, "no snapshot copies: from the first message");
    assert.equal(m.source.subjects, "md.binance.spot.BTCUSDT");
    // The same session name again is refused before connecting.
    const again = await runConsume(
      ["--nats", srv.url, "--symbols", "BTCUSDT", "--capture-dir", `${dir}/nats`, "--capture-session", "c1"],
    );
    assert.equal(again.code, 2, again.err);
    assert.match(again.err, /already exists and is not empty/);
  } finally {
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNormalizedCapture: lines not ours are skipped with their number, a cut last line is counted, other folders refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-normcap-" });
  try {
    const meta = { format: NORMALIZED_CAPTURE_FORMAT, venue: "binance", instrument: "ETHUSDT" };
    Deno.writeTextFileSync(`${dir}/metadata.json`, JSON.stringify(meta));
    const head = `"venue":"binance","market":"spot","symbol":"ETHUSDT"`;
    const tail = `"event_time_ms":1,"recv_time_ns":"1723161255211402113"`;
    Deno.writeTextFileSync(
      `${dir}/records.jsonl`,
      [
        `{${head},"seq":1,"kind":"snapshot","update_id":10,${tail},"bids":[["100.5","2"]],"asks":[["101","1.25"]]}`,
        `not json`,
        `{"venue":"binance","market":"spot","symbol":"BTCUSDT","seq":2,"kind":"update","update_id":11,${tail},"bids":[],"asks":[]}`,
        `{${head},"seq":2,"kind":"update","update_id":12,${tail},"bids":[["100.5","0"],["100.4","3"]],"asks":[]}`,
        `{${head},"seq":3,"kind":"update","update_id":13,${tail},"bids":[["100.4","0.123456789"]],"asks":[]}`,
        `{${head},"seq":3,"kind":"up`,
      ].join("\n"),
    );
    Deno.writeTextFileSync(`${dir}/records.recv_ns`, "5\n6\n7\n8\n9\n");
    const { r, replica, book } = await rebuild(dir);
    assert.deepEqual(r.skipped.map((s) => s.line), [2, 3, 5]);
    assert.match(r.skipped[0]!.why, /not a JSON object/);
    assert.match(r.skipped[1]!.why, /symbol "BTCUSDT" on the subject of ETHUSDT/);
    assert.match(r.skipped[2]!.why, /at most 8 places/);
    assert.ok(r.truncatedBytes > 0, "the cut last line is counted, not parsed");
    assert.equal(replica.bookSeq, 2);
    const num = (l: [string, string][]) => l.map(([p, q]) => [Number(p), Number(q)]);
    assert.deepEqual(num(book.bids), [[100.4, 3]]);
    assert.deepEqual(num(book.asks), [[101, 1.25]]);

    Deno.writeTextFileSync(
      `${dir}/metadata.json`,
      JSON.stringify({ ...meta, format: "hft-ts/binance-capture/2" }),
    );
    await assert.rejects(readNormalizedCapture(dir), /not a normalized capture .*binance-capture/);
    await assert.rejects(
      readNormalizedCapture(`${dir}/nope`),
      (e: Error) => e.message.includes(`${dir}/nope/metadata.json`),
    );
    Deno.writeTextFileSync(`${dir}/metadata.json`, JSON.stringify(meta));
    Deno.removeSync(`${dir}/records.recv_ns`);
    await assert.rejects(readNormalizedCapture(dir), /records\.recv_ns/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("consume: bad capture flags exit 2 with one line, before connecting", async () => {
  for (
    const [args, why] of [
      [
        ["--capture-dir", "/tmp/hft-x", "--capture-session", "../up"],
        /--capture-session must be a plain folder name/,
      ],
      [["--capture-session", "s"], /--capture-session needs --capture-dir/],
    ] as const
  ) {
    const c = await runConsume(["--nats", "nats://127.0.0.1:1", "--symbols", "BTCUSDT", ...args]);
    assert.equal(c.code, 2, c.err);
    assert.match(c.err, why);
    assert.doesNotMatch(c.err, /\n\s+at /, "no stack trace");
  }
});
