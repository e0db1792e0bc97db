/**
 * The inbox's frame bytes (`pushBytes`, `pushEncoded`, `ByteArena`): each entry reads back its
 * own bytes, in order, with a spare byte after them, while the arena restarts, moves its held
 * bytes to the front and grows; strings and bytes interleave; `dropNewest` undoes a push.
 */
import assert from "node:assert/strict";
import { Inbox } from "./_inbox.ts";
import { ByteArena } from "./_byte_arena.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function entryText(inbox: Inbox): string {
  const i = inbox.head;
  if (!inbox.hasBytes(i)) return `str:${inbox.text(i)}`;
  const b = inbox.bytes, s = inbox.start(i), e = inbox.end(i);
  assert.ok(e < b.length, "a spare byte after the frame");
  return dec.decode(b.subarray(s, e));
}

Deno.test("Inbox.pushBytes copies the frame once; entries read back in order while the arena wraps, moves and grows", () => {
  const inbox = new Inbox(4);
  const src = new Uint8Array(5000);
  const frame = (k: number): string => `{"k":${k},"pad":"${"x".repeat((k * 37) % 900)}"}`;
  const queued: string[] = [];
  let next = 0;
  // Uneven rounds: sometimes the poll drains all (the arena restarts at 0), sometimes it keeps a
  // backlog (held bytes move to the front, or the arena grows).
  for (let round = 0; round < 200; round++) {
    const push = 1 + (round * 7) % 13;
    for (let p = 0; p < push; p++) {
      const t = frame(next++);
      const at = 100 + (p % 3); // the frame sits inside a larger read buffer
      src.fill(0x20);
      src.set(enc.encode(t), at);
      if (p % 4 === 3) {
        inbox.push(9, `ctl${next}`, 1, 2);
        queued.push(`str:ctl${next}`);
      }
      assert.equal(inbox.pushBytes(1, src, at, at + t.length, 1, 2, next), true, "all ASCII");
      queued.push(t);
    }
    const take = round % 5 === 0 ? inbox.length : Math.floor(inbox.length / 2);
    for (let k = 0; k < take; k++) {
      assert.equal(entryText(inbox), queued.shift());
      inbox.shift();
    }
  }
  while (inbox.length > 0) {
    assert.equal(entryText(inbox), queued.shift());
    inbox.shift();
  }
  assert.equal(queued.length, 0);
});

Deno.test("Inbox: pushBytes reports non-ASCII bytes, pushEncoded stores UTF-8, text() decodes, dropNewest undoes a push", () => {
  const inbox = new Inbox(8);
  const u = enc.encode('{"s":"é"}');
  assert.equal(inbox.pushBytes(1, u, 0, u.length, 0, 0), false, "not all ASCII");
  inbox.pushEncoded(1, '{"x":"ü€"}', 0, 0, 7);
  const units = inbox.textUnits;
  inbox.pushBytes(1, enc.encode("bad"), 0, 3, 0, 0);
  inbox.dropNewest();
  assert.equal(inbox.length, 2);
  assert.equal(inbox.textUnits, units, "the dropped entry's bytes are not counted");
  assert.equal(inbox.text(inbox.head), '{"s":"é"}');
  inbox.shift();
  assert.equal(inbox.num(inbox.head, 0), 7);
  assert.equal(inbox.text(inbox.head), '{"x":"ü€"}');
  assert.equal(inbox.end(inbox.head) - inbox.start(inbox.head), enc.encode('{"x":"ü€"}').length);
  inbox.shift();
  assert.equal(inbox.length, 0);
});

Deno.test("ByteArena: a reader that keeps up never moves bytes; a backlog moves to the front, then doubles", () => {
  const a = new ByteArena(128);
  const buf0 = a.buf;
  for (let k = 0; k < 100; k++) {
    const v = a.reserve(20);
    assert.equal(a.at(v), 0, "restarts at 0 when everything was released");
    a.release(ByteArena.endOf(v, 20));
  }
  assert.equal(a.buf, buf0);
  const v1 = a.reserve(80), v2 = a.reserve(10);
  a.buf[a.at(v2)] = 42;
  a.release(v2); // the first is done, the second still held
  const v3 = a.reserve(40); // no room at the end: the second moves to the front
  assert.equal(a.buf, buf0, "moved, not grown");
  assert.equal(a.at(v2), 0);
  assert.equal(a.at(v3), 12, "starts are multiples of 4");
  assert.equal(a.buf[a.at(v2)], 42);
  assert.ok(v1 < v2 && v2 < v3);
  const v4 = a.reserve(80); // more than half would be held: grows
  assert.notEqual(a.buf, buf0);
  assert.equal(a.buf[a.at(v2)], 42, "held bytes kept");
  assert.equal(a.held, 12 + 44 + 84);
  a.release(ByteArena.endOf(v4, 80));
  assert.equal(a.held, 0);
});

Deno.test("ByteArena.ascii finds a byte >= 0x80 wherever it is (in a word or in the tail)", () => {
  const a = new ByteArena(256);
  for (let n = 1; n < 23; n++) {
    for (let bad = -1; bad < n; bad++) {
      const v = a.reserve(n);
      const p = a.at(v);
      a.buf.fill(0x41, p, p + n + 1);
      a.buf[p + n] = 0xff; // the spare byte is not part of the frame
      if (bad >= 0) a.buf[p + bad] = 0x80 + bad;
      assert.equal(a.ascii(v, n), bad < 0, `n=${n} bad=${bad}`);
      a.release(ByteArena.endOf(v, n));
    }
  }
});
