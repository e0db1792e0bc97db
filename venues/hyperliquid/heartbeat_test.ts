import { equal, throws } from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { Heartbeat, HeartbeatAction } from "./heartbeat.ts";

const S = 1e9;

Deno.test("Heartbeat sends a ping exactly 50 s after the last send, under a fake clock", () => {
  const clock = new FakeClock(5 * S);
  const hb = new Heartbeat();
  hb.reset(clock.monoNs());
  hb.onSent(clock.monoNs()); // the subscribe
  clock.advance(50 * S - 1);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None);
  equal(hb.nextDueNs(), 55 * S);
  clock.advance(1);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.SendPing);
  equal(hb.awaitingPong, true);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None, "one ping per period");
  equal(hb.pings, 1);
});

Deno.test("Heartbeat: a later send postpones the ping; a pong in time restarts the period", () => {
  const clock = new FakeClock();
  const hb = new Heartbeat({ pingAfterMs: 50_000, pongTimeoutMs: 10_000 });
  hb.reset(clock.monoNs());
  clock.advance(40 * S);
  hb.onSent(clock.monoNs());
  clock.advance(49 * S);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None);
  clock.advance(1 * S);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.SendPing);
  clock.advance(9 * S);
  equal(hb.onPong(clock.monoNs()), true);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None);
  equal(hb.nextDueNs(), (40 + 50 + 50) * S, "next ping 50 s after the previous ping");
  clock.advance(41 * S);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.SendPing);
  equal(hb.pongs, 1);
});

Deno.test("Heartbeat times out when the pong is late, and ignores unsolicited pongs", () => {
  const clock = new FakeClock();
  const hb = new Heartbeat({ pingAfterMs: 50_000, pongTimeoutMs: 10_000 });
  hb.reset(clock.monoNs());
  equal(hb.onPong(clock.monoNs()), false);
  clock.advance(50 * S);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.SendPing);
  clock.advance(10 * S - 1);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None);
  clock.advance(1);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.Timeout);
  equal(hb.timeouts, 1);
  hb.reset(clock.monoNs()); // reconnected
  equal(hb.awaitingPong, false);
  equal(hb.poll(clock.monoNs()), HeartbeatAction.None);
});

Deno.test("Heartbeat rejects non-positive periods", () => {
  throws(() => new Heartbeat({ pingAfterMs: 0 }), RangeError);
  throws(() => new Heartbeat({ pongTimeoutMs: -1 }), RangeError);
});
