import assert from "node:assert/strict";
import { BookReplica } from "../market/replica.ts";
import { HOLD_MAX, releaseHeld, takeMessage } from "./_book_apply.ts";
import { ConsumedBook } from "./consumed_book.ts";
import { PayloadDecoder } from "./decode.ts";

const enc = new TextEncoder();
const tail = `"event_time_ms":1,"recv_time_ns":"1723161255211402113"`;

/** A JSON book payload of ETHUSDT: seq, kind, one bid level at `100+seq` with quantity `seq`. */
function msg(seq: number, kind = "update"): Uint8Array {
  const bids = kind === "snapshot"
    ? `[["100","1"],["${100 + seq}","${seq}"]]`
    : `[["${100 + seq}","${seq}"]]`;
  return enc.encode(
    `{"venue":"binance","market":"spot","symbol":"ETHUSDT","seq":${seq},"kind":"${kind}","update_id":${seq},${tail},` +
      `"bids":${bids},"asks":[["500","1"]]}`,
  );
}

function rig() {
  const b = new ConsumedBook(0, "binance", "spot", "ETHUSDT");
  const seen: number[] = [];
  const invalid: string[] = [];
  b.subscribe((batch) => void seen.push(batch.seq));
  const hooks = { log: () => {}, invalid: (_: ConsumedBook, why: string) => void invalid.push(why) };
  const take = (data: Uint8Array, subject = "book") => {
    assert.equal(b.decoder.decode(data), "");
    takeMessage(b, subject, data, hooks);
  };
  return { b, seen, invalid, hooks, take };
}

/** The book of `payloads` applied in the order given, straight through a replica. */
function reference(payloads: Uint8Array[]): BookReplica {
  const d = new PayloadDecoder(0, "ETHUSDT");
  const r = new BookReplica(0);
  for (const p of payloads) {
    assert.equal(d.decode(p), "");
    r.apply(d.batch);
  }
  return r;
}

function levels(r: BookReplica): unknown[] {
  const out: number[][] = [];
  for (const side of [r.book.bids, r.book.asks]) {
    side.forEach((p, q) => void out.push([side.isBid ? 1 : 0, p, q]));
  }
  return [out, r.book.updateId, r.bookSeq];
}

Deno.test("book messages stored out of order apply in seq order: nothing missing, nothing invalid", () => {
  const { b, seen, invalid, take } = rig();
  for (const s of [1, 2, 4, 5, 3, 6]) take(msg(s, s === 1 ? "snapshot" : "update"));
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(invalid, []);
  assert.deepEqual(b.missing, []);
  assert.equal(b.reordered, 2);
  assert.equal(b.held.size, 0);
  assert.ok(b.replica.valid);
  const want = reference([1, 2, 3, 4, 5, 6].map((s) => msg(s, s === 1 ? "snapshot" : "update")));
  assert.deepEqual(levels(b.replica), levels(want));
});

Deno.test("a seq never received: a snapshot copy past it ends the wait, the seq is reported missing", () => {
  const { b, seen, invalid, take } = rig();
  take(msg(1, "snapshot"));
  take(msg(2));
  take(msg(4));
  take(msg(5));
  assert.deepEqual(seen, [1, 2], "4 and 5 wait for 3");
  take(msg(4, "snapshot"), "snapshot"); // a copy carrying seq 4
  assert.deepEqual(b.missing, [[3, 3]]);
  assert.equal(invalid.length, 1);
  assert.match(invalid[0]!, /book seqs 3\.\.3 not received; rebuilt from the snapshot at seq 4/);
  assert.deepEqual(seen, [1, 2, 4, 5], "the copy, then the held 5");
  assert.ok(b.replica.valid);
  assert.equal(b.replica.bookSeq, 5);
  assert.equal(b.held.size, 0);
});

Deno.test("caught up with the stream while waiting: the held messages apply and the gap is a gap", () => {
  const { b, invalid, hooks, take } = rig();
  take(msg(1, "snapshot"));
  take(msg(3));
  take(msg(4));
  releaseHeld(b, hooks);
  assert.deepEqual(b.missing, [[2, 2]]);
  assert.match(invalid[0]!, /seq jump 1 -> 3: book seqs 2\.\.2 missing/);
  assert.equal(b.replica.valid, false);
  assert.equal(b.replica.bookSeq, 4);
});

Deno.test(`at most ${HOLD_MAX} held: one more ends the wait`, () => {
  const { b, seen, take } = rig();
  take(msg(1, "snapshot"));
  for (let s = 3; s < 3 + HOLD_MAX; s++) take(msg(s));
  assert.equal(b.held.size, HOLD_MAX);
  assert.deepEqual(seen, [1]);
  take(msg(3 + HOLD_MAX));
  assert.equal(b.held.size, 0);
  assert.deepEqual(b.missing, [[2, 2]]);
  assert.equal(seen.length, HOLD_MAX + 2);
  assert.deepEqual(seen.slice(-2), [2 + HOLD_MAX, 3 + HOLD_MAX], "in seq order");
});

Deno.test("started from a snapshot copy, looking back: messages stored before the copy but after its seq are kept", () => {
  const { b, seen, invalid, take } = rig();
  b.startSeq = 1000; // the stream seq of the copy the consumer starts from
  take(msg(1)); // covered by the copy: dropped
  take(msg(4)); // after the copy's seq, stored before it (a retried publish)
  take(msg(5));
  assert.deepEqual(seen, [], "nothing applies before the first snapshot");
  take(msg(2, "snapshot"), "snapshot");
  take(msg(3));
  assert.deepEqual(seen, [2, 3, 4, 5]);
  assert.deepEqual(invalid, []);
  assert.deepEqual(b.missing, []);
  assert.ok(b.replica.valid);
  assert.equal(b.held.size, 0);
});
