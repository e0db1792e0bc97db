/**
 * The publisher's own loss signalling against a real `nats-server` (JetStream): a record ring
 * overrun while the Worker is stalled (a tiny ring, `paused`) is published as a `clear` (reason
 * `gap`) on `….book` at the first book seq consumers did not get, then a snapshot copy on
 * `….snapshot`; a replica fed the stored stream sees exactly that, is invalid in between, and
 * ends equal to the engine's book; the counters agree with the ring writer's. A NATS outage
 * beyond the publisher's bounded buffer is answered the same way once the server is back.
 */
import assert from "node:assert/strict";
import { waitUntil } from "../engine/testing.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { BookReplica } from "../market/replica.ts";
import { MarketStream } from "../market/stream.ts";
import { PayloadDecoder } from "../publish/decode.ts";
import { startPublisher } from "../publish/publisher.ts";
import { parseMsgId } from "../publish/subjects.ts";
import { L2Book } from "../venues/book.ts";
import { readStream, startNatsServer } from "./_nats_server.ts";

const SKIP = "nats-server is not installed (apt-get install nats-server; .ci/run does it): skipped";
const P = 6_000_000_000_000;

/** An engine-side instrument: its book and stream, changed together as a handler does. */
function engine(): { book: L2Book; stream: MarketStream; update(i: number): void; snapshot(): void } {
  const t = new InstrumentTable();
  const inst = t.add("binance", "spot", "BTCUSDT", 8, 8);
  const book = new L2Book();
  const stream = new MarketStream(inst, book);
  let uid = 100;
  return {
    book,
    stream,
    snapshot() {
      for (let k = 1; k <= 5; k++) {
        book.bids.set(P - k * 1_000_000, 10 * k);
        book.asks.set(P + k * 1_000_000, 10 * k);
      }
      book.updateId = ++uid;
      stream.snapshot(uid, 0, 0, 0);
    },
    // Two levels per update: one bid quantity changes, one ask level comes and goes.
    update(i: number) {
      const bid = P - (1 + (i % 5)) * 1_000_000;
      const ask = P + 6_000_000 + (i % 3) * 1_000_000;
      const askQty = i % 2 === 0 ? 0 : i;
      book.updateId = ++uid;
      stream.beginBook(RecordKind.Update, uid, 0, 0, 0);
      book.bids.set(bid, 100 + i);
      stream.level(true, bid, 100 + i);
      book.asks.set(ask, askQty);
      stream.level(false, ask, askQty);
      stream.end();
    },
  };
}

function sides(b: L2Book): { bids: [number, number][]; asks: [number, number][] } {
  const side = (s: L2Book["bids"]) => {
    const out: [number, number][] = [];
    for (let d = 0; d < s.size; d++) out.push([s.priceAt(d), s.qtyAt(d)]);
    return out;
  };
  return { bids: side(b.bids), asks: side(b.asks) };
}

for (const format of ["binary", "json"] as const) {
  Deno.test(`publisher, ${format}: a full record ring is published as clear (gap) then a snapshot copy; the replica ends equal`, async () => {
    const srv = await startNatsServer();
    if (!srv) return void console.log(SKIP);
    try {
      const e = engine();
      const logs: string[] = [];
      const p = await startPublisher({
        servers: [srv.url],
        format,
        stream: { name: "LOSS" },
        snapshotEverySec: 0,
        ringCapacity: 64, // records: the 10-level snapshot copy fits, 40 two-record updates do not
        paused: true,
        onLog: (_, t) => logs.push(t),
      }, [e.stream]);
      e.snapshot(); // book seq 1 (10 records)
      for (let i = 1; i <= 40; i++) e.update(i); // seqs 2..41: 27 fit (54 records), 13 are lost
      e.stream.flush();
      assert.equal(p.ring.lostMessages, 13, "messages the stalled publisher's ring could not take");
      const lastKept = 1 + 27; // seq 1 and the updates of seqs 2..28 (29..41 lost)
      p.resume();
      await waitUntil("the publisher drains the ring", () => p.ring.room() === 64, 20_000);
      for (let i = 41; i <= 45; i++) e.update(i); // seqs 42..46; the first brings the gap marker + a copy
      e.stream.flush();
      const done = await p.close();
      assert.equal(done.ringLost, 13, "lost messages counted by the publisher");
      assert.equal(done.clears, 1, "one clear published");
      assert.equal(done.unacked, 0);
      assert.equal(done.dropped, 0);
      assert.equal(p.ring.gaps, 1);
      assert.ok(logs.some((l) => /record ring full: 13 messages lost/.test(l)), logs.join("\n"));
      assert.ok(logs.some((l) => /published clear \(gap\) at book seq 29/.test(l)), logs.join("\n"));

      const stored = await readStream(srv.url, "LOSS", "md.binance.spot.BTCUSDT.>");
      // Every book seq the Worker saw is stored once, in order; then the clear and the copy.
      const seen = stored.map((m) =>
        `${m.subject.split(".").pop()} ${m.msgId.split(".").slice(4).join(".")}`
      );
      const expect = [
        ...Array.from({ length: lastKept }, (_, k) => `book b.${k + 1}`),
        `book b.${lastKept + 1}`, // the publisher's clear: the first seq consumers did not get
        // The copy is written when the next message (seq 42) comes, after its book applied it:
        // it carries seq 42; the message itself follows (a consumer ignores it: not above 42).
        "snapshot s.42",
        ...[42, 43, 44, 45, 46].map((s) => `book b.${s}`),
      ];
      assert.deepEqual(seen, expect);
      assert.ok(stored.every((m) => parseMsgId(m.msgId)?.runId === p.runId));

      const dec = new PayloadDecoder(0, "BTCUSDT", 8); // the engine's scale: its integers are compared
      const r = new BookReplica(0);
      const validity: string[] = [];
      for (const m of stored) {
        assert.equal(dec.decode(m.data), "", m.subject);
        const kind = dec.batch.messageKind;
        if (kind === RecordKind.Clear) {
          assert.equal(dec.batch.view.getUint16(6, true), 1, "reason gap");
          assert.equal(dec.batch.seq, lastKept + 1);
          if (format === "json") {
            assert.match(new TextDecoder().decode(m.data), /"kind":"clear".*"reason":"gap"/);
          }
        }
        r.apply(dec.batch);
        validity.push(`${kind}:${r.valid ? "valid" : "invalid"}`);
      }
      assert.deepEqual(validity.slice(lastKept - 1, lastKept + 3), [
        `${RecordKind.Update}:valid`,
        `${RecordKind.Clear}:invalid`,
        `${RecordKind.Snapshot}:valid`,
        `${RecordKind.Update}:valid`,
      ]);
      assert.equal(r.bookSeq, 46);
      assert.deepEqual(sides(r.book), sides(e.book), "the replica's book equals the engine's");
    } finally {
      await srv.close();
    }
  });
}

Deno.test("publisher: messages dropped while NATS is down beyond the bounded buffer are followed by clear (gap) and a snapshot copy", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(SKIP);
  try {
    const e = engine();
    const logs: string[] = [];
    const p = await startPublisher({
      servers: [srv.url],
      format: "binary",
      stream: { name: "OUTAGE" },
      snapshotEverySec: 0,
      maxPending: 4,
      onLog: (_, t) => logs.push(t),
    }, [e.stream]);
    e.snapshot();
    for (let i = 1; i <= 2; i++) e.update(i); // seqs 1..3, stored before the outage
    e.stream.flush();
    await waitFor(
      async () => (await readStream(srv.url, "OUTAGE", "md.>")).length === 3,
      "3 messages stored",
    );
    await srv.kill();
    for (let i = 3; i <= 22; i++) { // seqs 4..23: 4 held for the resend, the rest dropped
      e.update(i);
      e.stream.flush();
    }
    await waitUntil("the publisher drains the ring", () => p.ring.room() === 1 << 16, 20_000);
    await srv.restart();
    await waitUntil(
      "the clear after the outage",
      () => logs.some((l) => /published clear \(gap\)/.test(l)),
      20_000,
    ).catch((err) => {
      throw new Error(`${err.message}; log: ${logs.join(" / ")}`);
    });
    await waitFor(
      async () => (await readStream(srv.url, "OUTAGE", "md.*.*.*.snapshot")).length > 0,
      "the snapshot copy stored",
    );
    for (let i = 23; i <= 25; i++) e.update(i); // seqs 24..26 (within the 4 the buffer holds)
    e.stream.flush();
    const done = await p.close();
    assert.equal(done.clears, 1, logs.join("\n"));
    assert.equal(done.unacked, 0);
    assert.ok(done.dropped >= 16, `dropped ${done.dropped}`);
    assert.ok(logs.some((l) => /publish buffer full/.test(l)));

    const stored = await readStream(srv.url, "OUTAGE", "md.binance.spot.BTCUSDT.>");
    const ids = stored.map((m) => `${m.subject.split(".").pop()} ${m.msgId.split(".").slice(4).join(".")}`);
    const clearAt = ids.findIndex((_, i) => {
      const dec = new PayloadDecoder(0, "BTCUSDT", 8); // the engine's scale: its integers are compared
      return dec.decode(stored[i]!.data) === "" && dec.batch.messageKind === RecordKind.Clear;
    });
    assert.ok(clearAt >= 3, ids.join(" | "));
    const kept = clearAt; // b.1..b.kept, each once, in order
    assert.deepEqual(ids.slice(0, kept), Array.from({ length: kept }, (_, k) => `book b.${k + 1}`));
    assert.equal(ids[clearAt], `book b.${kept + 1}`, "the clear: the first seq consumers did not get");
    assert.equal(ids[clearAt + 1], "snapshot s.23", "then a copy of the book after seq 23");
    assert.deepEqual(
      ids.slice(clearAt + 2).filter((x) => x !== "snapshot s.23"),
      [24, 25, 26].map((s) => `book b.${s}`),
    );
    assert.ok(done.droppedBook >= 23 - kept, `dropped book messages ${done.droppedBook}, kept ${kept}`);

    const dec = new PayloadDecoder(0, "BTCUSDT", 8); // the engine's scale: its integers are compared
    const r = new BookReplica(0);
    for (const m of stored) {
      assert.equal(dec.decode(m.data), "");
      r.apply(dec.batch);
    }
    assert.ok(r.valid);
    assert.equal(r.bookSeq, 26);
    assert.deepEqual(sides(r.book), sides(e.book), "the replica's book equals the engine's");
  } finally {
    await srv.close();
  }
});

/** Poll an async condition (50 ms apart, deadline 20 s). */
async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
