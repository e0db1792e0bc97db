/**
 * The outbox after a failure (no server: a fake `send`, acks fed back by id, a variable clock):
 * while the stream refuses, one publish (the first unacknowledged) is retried per pause, not the
 * whole window; once it is stored the whole window goes out, in order. So the retried entries are
 * stored in their order and a stream without a leader is not flooded.
 */
import assert from "node:assert/strict";
import { Outbox } from "../publish/_outbox.ts";

const NO = new Uint8Array(0);

function rig(window: number) {
  const sent: number[] = [];
  const box = new Outbox((e) => sent.push(e.id), 1000, 1 << 20, window);
  let now = 1000;
  box.now = () => now;
  const push = (): boolean => box.push("md.x.y.Z.book", new Uint8Array(10), NO);
  const flush = () => new Promise<void>((r) => queueMicrotask(r));
  return { box, sent, push, tick: (ms: number) => now += ms, flush };
}

Deno.test("outbox probe: a stream refusing everything gets one retry per pause; stored again, the window reopens in order", async () => {
  const { box, sent, push, tick, flush } = rig(8);
  for (let i = 0; i < 20; i++) push();
  box.pump();
  assert.deepEqual(sent, [0, 1, 2, 3, 4, 5, 6, 7]);
  for (let i = 0; i < 8; i++) box.ack(i, "retry"); // e.g. 503: the stream has no leader
  await flush();
  assert.equal(box.inflight, 0);
  const before = sent.length;
  for (let round = 0; round < 5; round++) {
    box.pump();
    assert.equal(sent.length, before + round, "within the pause: nothing");
    tick(100);
    box.pump();
    assert.deepEqual(sent.slice(before + round), [0], "the first unacknowledged entry alone");
    box.ack(0, "retry");
    await flush();
    box.pump();
    assert.equal(sent.length, before + round + 1, "refused again: nothing more");
  }
  assert.equal(box.stats.retries, 8 + 5);
  tick(100);
  box.pump();
  box.ack(0, "stored");
  await flush();
  assert.deepEqual(sent.slice(before + 5), [0, 1, 2, 3, 4, 5, 6, 7, 8], "stored: the window of 8 after it");
  for (let i = 1; i < 20; i++) {
    box.ack(i, "stored");
    await flush();
  }
  assert.deepEqual(
    sent.slice(before + 5 + 1),
    Array.from({ length: 19 }, (_, i) => i + 1),
    "each once, in order",
  );
  assert.equal(box.size, 0);
});

Deno.test("outbox probe: a late ack of an entry timed out before the probe also says the stream stores again", async () => {
  const { box, sent, push, tick, flush } = rig(4);
  for (let i = 0; i < 6; i++) push();
  box.pump();
  tick(2000);
  assert.equal(box.expire(2000), 4);
  tick(100);
  box.pump();
  assert.deepEqual(sent.slice(4), [0], "the probe");
  box.ack(2, "stored"); // the first send of 2, stored late (before 0 and 1: JetStream cannot undo that)
  await flush();
  assert.deepEqual(sent.slice(4), [0, 1, 3, 4], "the window is open again: 2 is skipped, acked");
  assert.equal(box.stats.acked, 1);
});

Deno.test("outbox probe: a timed-out probe is the only one resent; a disconnect during a probe keeps it a probe", async () => {
  const { box, sent, push, tick, flush } = rig(4);
  for (let i = 0; i < 6; i++) push();
  box.pump();
  tick(2000);
  assert.equal(box.expire(2000), 4);
  tick(100);
  box.pump();
  assert.deepEqual(sent.slice(4), [0]);
  box.suspend();
  box.open = true;
  tick(100);
  box.pump();
  assert.deepEqual(sent.slice(4), [0, 0], "after the reconnect: the probe again, alone");
  box.ack(0, "duplicate"); // the first send was stored after all
  await flush();
  assert.deepEqual(sent.slice(4), [0, 0, 1, 2, 3, 4]);
});
