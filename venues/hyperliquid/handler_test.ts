/**
 * HyperliquidHandler against a scripted socket ({@linkcode FakeWebSocket}): event orders the
 * simulator cannot produce on demand — a backlog left when `maxMessages` is reached, an open and
 * a close queued together, a socket that closes under the heartbeat, a stale book after a
 * disconnect, and a stop whose close handshake never finishes.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { FakeClock } from "../../engine/clock.ts";
import { EventKind } from "../../engine/events.ts";
import { Drive } from "../../testing/drive.ts";
import { FakeWebSocket, installFakeWebSocket } from "../../testing/fake_ws.ts";
import { SynthBook } from "../../sim/hyperliquid/_synth.ts";
import type { HyperliquidConfig } from "./config.ts";
import { HyperliquidHandler } from "./handler.ts";

const SUB_RESPONSE =
  '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}}';

function books(n: number): string[] {
  const s = new SynthBook("BTC", 11);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    s.step();
    out.push(s.bookFrame(1000 + i));
  }
  return out;
}

async function withFake(
  cfg: HyperliquidConfig,
  body: (d: Drive, h: HyperliquidHandler) => Promise<void>,
  clock?: FakeClock,
): Promise<void> {
  const restore = installFakeWebSocket();
  const h = new HyperliquidHandler({
    wsUrl: "ws://127.0.0.1:1/ws",
    backoff: { baseMs: 1, maxMs: 2 },
    closeTimeoutMs: 20,
    ...cfg,
  });
  const d = new Drive(h, clock);
  try {
    await d.start();
    await body(d, h);
  } finally {
    await d.stop();
    restore();
  }
}

function sock(i: number): FakeWebSocket {
  const s = FakeWebSocket.created[i];
  ok(s !== undefined, `socket #${i} created`);
  return s;
}

Deno.test("HyperliquidHandler captures the backlog left when maxMessages is reached", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hl_backlog_" });
  try {
    const frames = [SUB_RESPONSE, ...books(10)];
    let h!: HyperliquidHandler;
    await withFake({ maxMessages: 3, captureDir: dir, captureSession: "s" }, (d, hh) => {
      h = hh;
      const s = sock(0);
      s.fireOpen();
      for (const f of frames) s.fireMessage(f);
      d.pump();
      ok(h.isDone());
      equal(h.stats.books, 3, "stopped processing at maxMessages");
      return Promise.resolve();
    });
    const lines = (await Deno.readTextFile(`${dir}/BTC/s/messages.jsonl`)).split("\n").filter((l) => l);
    deepEqual(lines, frames, "every frame received is captured, in order");
    const recv = (await Deno.readTextFile(`${dir}/BTC/s/messages.recv_ns`)).split("\n").filter((l) => l);
    equal(recv.length, frames.length);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/BTC/s/metadata.json`));
    equal(meta.messages, frames.length);
    equal(meta.bookCount, 10);
    equal(meta.complete, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HyperliquidHandler.pollOnce returns undefined when idle and when done with a backlog", async () => {
  await withFake({ maxMessages: 2 }, (d, h) => {
    equal(h.pollOnce(d.log.logger), undefined, "nothing queued");
    const s = sock(0);
    s.fireOpen();
    ok(h.pollOnce(d.log.logger) !== undefined, "the open is work");
    equal(h.pollOnce(d.log.logger), undefined, "nothing queued after the open");
    for (const f of books(5)) s.fireMessage(f);
    ok(h.pollOnce(d.log.logger) !== undefined, "books processed");
    ok(h.isDone());
    for (let i = 0; i < 3; i++) equal(h.pollOnce(d.log.logger), undefined, "done: no work, no spin");
    return Promise.resolve();
  });
});

Deno.test("HyperliquidHandler marks the book stale after a disconnect until the next snapshot", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hl_stale_" });
  try {
    await withFake({}, async (d, h) => {
      const [b1, b2] = books(2);
      const s = sock(0);
      s.fireOpen();
      s.fireMessage(SUB_RESPONSE);
      s.fireMessage(b1!);
      d.pump();
      equal(h.stale, false);
      await h.writeBookOut(`${dir}/live.json`);
      equal(JSON.parse(await Deno.readTextFile(`${dir}/live.json`)).stale, undefined);
      s.fireClose(1006, "gone");
      d.pump();
      equal(h.stale, true, "disconnected: the window is no longer live");
      ok(h.book.bids.size > 0, "the last window is kept");
      await h.writeBookOut(`${dir}/stale.json`);
      d.pump();
      const out = JSON.parse(await Deno.readTextFile(`${dir}/stale.json`));
      equal(out.stale, true);
      ok(out.bids.length > 0);
      ok(d.warnings().some((w) => w.startsWith("book-out: stale book")), d.summary());
      await d.until(() => FakeWebSocket.created.length === 2, "reconnect");
      const s2 = sock(1);
      s2.fireOpen();
      s2.fireMessage(b2!);
      d.pump();
      equal(h.stale, false, "a fresh snapshot makes it live again");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HyperliquidHandler survives an open and a close queued together (no send on a closed socket)", async () => {
  await withFake({}, async (d, h) => {
    const s = sock(0);
    s.fireOpen();
    s.fireClose(1006, "reset");
    d.pump(); // must not throw
    equal(s.badSends, 0, "nothing sent on a closed socket");
    ok(d.warnings().some((w) => w.startsWith("socket closed before the subscribe")), d.summary());
    equal(d.count(EventKind.Reconnecting), 1);
    equal(h.stats.reconnects, 1);
    await d.until(() => FakeWebSocket.created.length === 2, "reconnect");
    const s2 = sock(1);
    s2.fireOpen();
    d.pump();
    deepEqual(s2.sent, [h.subscriptionRequest]);
  });
});

Deno.test("HyperliquidHandler treats a ping it cannot send as a reconnect reason, not an error", async () => {
  const clock = new FakeClock();
  // No book for 50 s is also a silent feed: keep the silence watch out of this heartbeat test.
  await withFake({ staleAfterMs: 3_600_000 }, async (d, h) => {
    const s = sock(0);
    s.fireOpen();
    d.pump();
    s.readyState = FakeWebSocket.CLOSING; // closing underneath, close event not delivered yet
    clock.advance(50e9);
    d.pump(); // must not throw
    equal(s.badSends, 0);
    ok(d.warnings().some((w) => w.startsWith("cannot send ping")), d.summary());
    equal(d.count(EventKind.Reconnecting), 1);
    await d.until(() => FakeWebSocket.created.length === 2, "reconnect");
    equal(h.heartbeat.pings, 1);
  }, clock);
});

Deno.test("HyperliquidHandler.stop is bounded when the close handshake never ends and still closes the capture", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hl_stop_" });
  try {
    const restore = installFakeWebSocket();
    const h = new HyperliquidHandler({
      wsUrl: "ws://127.0.0.1:1/ws",
      captureDir: dir,
      captureSession: "s",
      closeTimeoutMs: 20,
    });
    const d = new Drive(h);
    try {
      await d.start();
      const s = sock(0);
      s.fireOpen();
      s.fireMessage(books(1)[0]!);
      d.pump();
      await d.stop(); // the fake never fires onclose: only the bound ends the wait
      equal(s.closes, 1);
      equal(h.capture!.meta.complete, true);
      const meta = JSON.parse(await Deno.readTextFile(`${dir}/BTC/s/metadata.json`));
      equal(meta.complete, true);
      equal(meta.messages, 1);
    } finally {
      restore();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
