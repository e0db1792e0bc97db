/**
 * The record ring on one thread (writer and reader side by side, so every step is deterministic):
 * messages read in place across the ring's wrap equal what was written, `read` and `poll` agree,
 * publication every `FLUSH_EVERY` records at message boundaries, slots released in runs (never
 * before the message's callback), `max`, and a gap marker read in place.
 */
import assert from "node:assert/strict";
import { InstrumentTable } from "./instrument.ts";
import { L2BookView } from "./book_view.ts";
import { newHeader, RecordBatch, RecordKind } from "./record.ts";
import { createRecordRing, FLUSH_EVERY, RecordRingReader, RecordRingWriter, RELEASE_EVERY } from "./ring.ts";
import type { RingMessage } from "./ring_message.ts";
import { L2Book } from "../venues/book.ts";

const view = new L2BookView(new L2Book(), new InstrumentTable().add("t", "spot", "T", 2, 3));
const h = newHeader();
const batch = new RecordBatch();

/** Message `seq` of `n` records: a deterministic pattern every field can be checked against. */
function fill(seq: number, n: number, kind: RecordKind = RecordKind.Update): RecordBatch {
  h.kind = kind;
  h.instrument = seq % 7;
  h.priceDecimals = 2;
  h.qtyDecimals = 3;
  h.seq = seq;
  h.updateId = 1e12 + seq;
  h.eventTimeMs = 1.7e12 + seq;
  h.recvSec = 1_700_000_000 + seq;
  h.recvSubNs = seq * 13;
  batch.begin(h);
  for (let i = 0; i < n; i++) batch.add(i & 1 ? 2 : 0, seq * 100 + i, seq * 1000 + i);
  if (n === 0) batch.add(0, 0, 0); // a message with no level: one EMPTY record
  batch.finish(n === 0);
  return batch;
}

/** Check message `m` (in place or copied) is message `seq` of `n` records as `fill` wrote it. */
function check(m: RingMessage | RecordBatch, seq: number, n: number): void {
  assert.equal(m.seq, seq);
  assert.equal(m.count, Math.max(1, n));
  assert.equal(m.messageKind, RecordKind.Update);
  assert.equal(m.instrument, seq % 7);
  assert.equal(m.updateId, 1e12 + seq);
  assert.equal(m.eventTimeMs, 1.7e12 + seq);
  assert.equal(m.recvSec, 1_700_000_000 + seq);
  assert.equal(m.recvSubNs, seq * 13);
  assert.equal(m.priceDecimals, 2);
  assert.equal(m.qtyDecimals, 3);
  for (let i = 0; i < n; i++) {
    assert.equal(m.price(i), seq * 100 + i, `seq ${seq} record ${i}`);
    assert.equal(m.qty(i), seq * 1000 + i);
    assert.equal(m.isBid(i), (i & 1) === 1);
    assert.equal(m.isEmpty(i), false);
    assert.equal((m.flags(i) & 1) === 1, i === n - 1, "LAST on the last record only");
  }
  if (n === 0) assert.equal(m.isEmpty(0) && (m.flags(0) & 1) === 1, true);
}

Deno.test("messages read in place across the ring's wrap equal what was written; read and poll agree", () => {
  const a = createRecordRing(16);
  const b = createRecordRing(16);
  const wa = new RecordRingWriter(a);
  const wb = new RecordRingWriter(b);
  const ra = new RecordRingReader(a);
  const rb = new RecordRingReader(b);
  let seqA = 0;
  let seqB = 0;
  let wraps = 0;
  for (let seq = 1; seq <= 500; seq++) {
    const n = seq % 8; // 0 (one empty record) to 7 records: every offset against the end of 16 slots
    wa.write(fill(seq, n), view);
    wb.write(fill(seq, n), view);
    wa.flush();
    wb.flush();
    assert.equal(
      ra.read((m) => {
        check(m, ++seqA, m.seq % 8);
        if (m.firstWord() < 0) wraps++;
      }),
      1,
    );
    assert.equal(rb.poll((m) => check(m, ++seqB, m.seq % 8)), 1);
  }
  assert.equal(seqA, 500);
  assert.equal(seqB, 500);
  assert.ok(wraps > 20, `messages wrapping past the ring's end: ${wraps}`);
  assert.equal(wa.lostMessages, 0);
});

Deno.test("records are published every FLUSH_EVERY records at a message boundary, the rest at flush()", () => {
  const sab = createRecordRing(1 << 10);
  const w = new RecordRingWriter(sab);
  const r = new RecordRingReader(sab);
  const per = 10;
  const before = Math.ceil(FLUSH_EVERY / per); // messages written when the count first reaches FLUSH_EVERY
  let seen = 0;
  const on = () => seen++;
  for (let i = 1; i < before; i++) {
    w.write(fill(i, per), view);
    assert.equal(r.read(on), 0, `unpublished after ${i} messages`);
  }
  w.write(fill(before, per), view);
  assert.equal(r.read(on), before, "published whole, at the boundary");
  w.write(fill(before + 1, per), view);
  assert.equal(r.read(on), 0);
  w.flush();
  assert.equal(r.read(on), 1);
  assert.equal(seen, before + 1);
});

Deno.test("read frees slots after the message's callback, in runs of RELEASE_EVERY, and stops at max", () => {
  const cap = 1 << 14;
  const sab = createRecordRing(cap);
  const w = new RecordRingWriter(sab);
  const r = new RecordRingReader(sab);
  const per = 10;
  const msgs = Math.floor((cap - 1) / per);
  for (let s = 1; s <= msgs; s++) w.write(fill(s, per), view);
  w.flush();
  assert.equal(w.room(), cap - msgs * per);
  // max: the first 3 messages, then their slots are free.
  assert.equal(r.read(() => {}, 3), 3);
  assert.equal(w.room(), cap - (msgs - 3) * per);
  let seq = 3;
  const roomSeen: number[] = [];
  const n = r.read((m) => {
    assert.equal(m.seq, ++seq);
    roomSeen.push(w.room());
  });
  assert.equal(n, msgs - 3);
  // Nothing is freed before RELEASE_EVERY records were read past the last release, and never the
  // message at hand: room grows only in steps of at least RELEASE_EVERY.
  const first = cap - (msgs - 3) * per;
  assert.equal(roomSeen[0], first, "the message at hand is not freed before its callback");
  const steps = roomSeen.map((x, i) => x - (roomSeen[i - 1] ?? first)).filter((d) => d !== 0);
  assert.ok(steps.length >= 2, `runs released mid-read: ${steps}`);
  for (const d of steps) assert.ok(d >= RELEASE_EVERY && d < RELEASE_EVERY + per, `run of ${d}`);
  assert.equal(w.room(), cap, "all freed when read returns");
  assert.equal(r.messages, msgs);
});

Deno.test("a full ring's gap marker is read in place with its lost count, then the messages that fit", () => {
  const sab = createRecordRing(16);
  const w = new RecordRingWriter(sab);
  const r = new RecordRingReader(sab);
  w.write(fill(1, 10), view);
  w.write(fill(2, 10), view); // 6 slots free: dropped whole
  w.write(fill(3, 7), view); // the gap marker fits (lost=1), then no room for the message
  assert.equal(w.lostMessages, 2);
  const got: string[] = [];
  const on = (m: RingMessage) => {
    got.push(
      m.messageKind === RecordKind.Gap ? `gap lost=${m.lost} n=${m.count}` : `seq ${m.seq} n=${m.count}`,
    );
  };
  r.read(on);
  w.write(fill(4, 5), view);
  w.flush();
  r.read(on);
  // Message 4 first writes the marker of message 3's loss, then itself.
  assert.deepEqual(got, ["seq 1 n=10", "gap lost=1 n=1", "gap lost=1 n=1", "seq 4 n=5"]);
  assert.equal(r.gaps, 2);
  assert.equal(w.gaps, 2);
});
