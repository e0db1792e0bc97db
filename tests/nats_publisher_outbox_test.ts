/**
 * The publisher's outbox without a server: a fake `send` records what goes out, acks are fed
 * back by id, the clock is a variable. Bounded (entries and bytes), windowed, acks in any order,
 * late and repeated acks, retries resent in order after the pause, timeouts, a disconnect.
 */
import assert from "node:assert/strict";
import { Outbox } from "../publish/_outbox.ts";

const NO = new Uint8Array(0);

function rig(maxEntries: number, maxBytes: number, window: number) {
  const sent: number[] = [];
  const box = new Outbox((e) => sent.push(e.id), maxEntries, maxBytes, window);
  let now = 1000;
  box.now = () => now;
  const push = (bytes = 10): boolean => box.push("md.x.y.Z.book", new Uint8Array(bytes), NO);
  const flushMicrotasks = () => new Promise<void>((r) => queueMicrotask(r));
  return { box, sent, push, tick: (ms: number) => now += ms, flushMicrotasks };
}

Deno.test("outbox: bounded by entries and bytes; full pushes are refused, not queued", () => {
  const { box, push } = rig(3, 1000, 8);
  assert.ok(push() && push() && push());
  assert.equal(push(), false, "a 4th entry");
  assert.equal(box.size, 3);
  const b = rig(100, 25, 8);
  assert.ok(b.push(10) && b.push(10));
  assert.equal(b.push(10), false, "35 bytes > 25");
  assert.ok(b.push(5), "exactly 25 bytes");
  assert.equal(b.box.stats.accepted, 3);
});

Deno.test("outbox: at most `window` in flight; acks in any order free the head only when it is acked", async () => {
  const { box, sent, push, flushMicrotasks } = rig(100, 1 << 20, 2);
  for (let i = 0; i < 5; i++) push();
  box.pump();
  assert.deepEqual(sent, [0, 1]);
  box.ack(1, "stored");
  await flushMicrotasks();
  assert.deepEqual(sent, [0, 1, 2], "one slot freed, one more sent");
  assert.equal(box.size, 5, "entry 0 not acked: nothing leaves");
  box.ack(0, "duplicate");
  await flushMicrotasks();
  assert.equal(box.size, 3, "0 and 1 leave from the head");
  assert.deepEqual(sent, [0, 1, 2, 3]);
  box.ack(0, "stored"); // a repeated ack of an entry already gone
  box.ack(99, "stored"); // an id never pushed
  assert.equal(box.stats.acked, 2);
  assert.equal(box.stats.duplicates, 1);
  for (const id of [2, 3]) box.ack(id, "stored");
  await flushMicrotasks();
  box.ack(4, "stored");
  const drained = box.drained();
  await flushMicrotasks();
  await drained;
  assert.equal(box.size, 0);
});

Deno.test("outbox: a refused publish is resent in order from the head after the pause, once nothing is in flight", async () => {
  const { box, sent, push, tick, flushMicrotasks } = rig(100, 1 << 20, 4);
  for (let i = 0; i < 4; i++) push();
  box.pump();
  assert.deepEqual(sent, [0, 1, 2, 3]);
  box.ack(1, "retry");
  box.ack(0, "stored");
  box.ack(3, "stored");
  await flushMicrotasks();
  assert.deepEqual(sent, [0, 1, 2, 3], "2 still in flight: no resend yet");
  box.ack(2, "stored");
  await flushMicrotasks();
  assert.deepEqual(sent, [0, 1, 2, 3], "nothing in flight, but within the 100 ms pause");
  tick(100);
  box.pump();
  assert.deepEqual(sent, [0, 1, 2, 3, 1], "only the refused entry, acked ones are skipped");
  assert.equal(box.stats.retries, 1);
  box.ack(1, "stored");
  await flushMicrotasks();
  assert.equal(box.size, 0);
});

Deno.test("outbox: acks not received within the timeout are resent; a late ack of a resent entry still counts once", async () => {
  const { box, sent, push, tick, flushMicrotasks } = rig(100, 1 << 20, 8);
  push();
  push();
  box.pump();
  tick(1500);
  assert.equal(box.expire(2000), 0, "not yet");
  tick(600);
  assert.equal(box.expire(2000), 2);
  assert.equal(box.inflight, 0);
  box.ack(0, "stored"); // the late ack of the first send
  await flushMicrotasks();
  tick(100);
  box.pump();
  assert.deepEqual(sent, [0, 1, 1], "0 was acked late: only 1 is resent");
  box.ack(1, "stored");
  box.ack(1, "duplicate"); // the first send's ack, after the resend's
  assert.equal(box.stats.acked, 2);
  assert.equal(box.size, 0);
});

Deno.test("outbox: a disconnect stops sending and puts in-flight entries back; after the reconnect they go out in order", async () => {
  const { box, sent, push, tick, flushMicrotasks } = rig(100, 1 << 20, 2);
  for (let i = 0; i < 3; i++) push();
  box.pump();
  assert.deepEqual(sent, [0, 1]);
  box.suspend();
  assert.equal(box.inflight, 0);
  push();
  box.pump();
  tick(500);
  box.pump();
  assert.deepEqual(sent, [0, 1], "nothing sent while disconnected");
  box.open = true;
  box.pump();
  assert.deepEqual(sent, [0, 1, 0], "resent from the head: a probe, alone");
  box.ack(0, "stored");
  await flushMicrotasks();
  assert.deepEqual(sent, [0, 1, 0, 1, 2], "stored again: the whole window");
  box.ack(1, "stored");
  await flushMicrotasks();
  assert.deepEqual(sent, [0, 1, 0, 1, 2, 3]);
  assert.equal(box.stats.retries, 2);
});
