/**
 * HyperliquidHandler against the faults the Binance handler had: a feed that stops while the
 * socket stays open (and would still answer pings) is noticed after `staleAfterMs` on the
 * handler's clock (FakeClock, scripted socket), and a `wsUrl` host outside `--allow-net` ends
 * the handler (`fatal`, done) instead of reconnecting forever; so does a metadata host outside
 * it, before anything starts.
 */
import { equal, match, ok } from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { EventKind } from "../engine/events.ts";
import { Drive } from "../venues/hyperliquid/_drive.ts";
import { FakeWebSocket, installFakeWebSocket } from "../venues/hyperliquid/_fake_ws.ts";
import { SynthBook } from "../sim/hyperliquid/_synth.ts";
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { runLiveTask } from "./_task.ts";

Deno.test("HyperliquidHandler: a silent feed marks the book stale and reconnects after staleAfterMs", async () => {
  const clock = new FakeClock();
  const restore = installFakeWebSocket();
  const h = new HyperliquidHandler({
    wsUrl: "ws://127.0.0.1:1/ws",
    backoff: { baseMs: 1, maxMs: 2 },
    closeTimeoutMs: 20,
    staleAfterMs: 10_000,
  });
  const d = new Drive(h, clock);
  const synth = new SynthBook("BTC", 3);
  try {
    await d.start();
    const s = FakeWebSocket.created[0]!;
    s.fireOpen();
    for (let i = 0; i < 3; i++) {
      synth.step();
      s.fireMessage(synth.bookFrame(1000 + i));
    }
    d.pump();
    equal(h.stale, false);
    equal(h.everSynced, true);
    clock.advance(10e9 - 1);
    d.pump();
    equal(h.stale, false);
    equal(d.count(EventKind.Reconnecting), 0);
    clock.advance(1);
    d.pump();
    equal(h.stale, true);
    ok(d.warnings().some((w) => /no l2Book for BTC for 10 s with the socket open/.test(w)), d.summary());
    equal(d.count(EventKind.Reconnecting), 1);
    await d.until(() => FakeWebSocket.created.length === 2, "reconnect");
    const s2 = FakeWebSocket.created[1]!;
    s2.fireOpen();
    synth.step();
    s2.fireMessage(synth.bookFrame(2000));
    d.pump();
    equal(h.stale, false, "the new connection's snapshot makes the book live again");
  } finally {
    await d.stop();
    restore();
  }
});

Deno.test("HyperliquidHandler: a wsUrl host outside --allow-net is fatal, not retried", async () => {
  const h = new HyperliquidHandler({
    wsUrl: "ws://example.com:8081/ws", // not in the tests' --allow-net=127.0.0.1
    backoff: { baseMs: 1, maxMs: 2 },
    closeTimeoutMs: 20,
  });
  const d = new Drive(h);
  try {
    await d.start();
    await d.until(() => h.isDone(), "done");
    match(h.fatal ?? "", /cannot connect to ws:\/\/example\.com:8081\/ws: NotCapable/);
    equal(d.count(EventKind.Reconnecting), 0);
    equal(d.count(EventKind.Error), 1);
    equal(h.everConnected, false);
  } finally {
    await d.stop();
  }
});

Deno.test("poc:hyperliquid exits 1 with the reason when --ws-url is outside --allow-net", async () => {
  const sim = await HyperliquidSimulator.start(); // answers the metadata request
  try {
    const out = await runLiveTask("poc_hyperliquid", [
      "--ws-url",
      "ws://example.com:8081/ws",
      "--rest-url",
      sim.restUrl,
      "--duration",
      "20",
    ]);
    const err = out.err;
    equal(out.code, 1, err);
    match(err, /NotCapable: Requires net access to "example\.com:8081"/);
    match(err, /engine stopped: done/);
  } finally {
    await sim.close();
  }
});

Deno.test("poc:hyperliquid exits 1 at once, one line, when the metadata host (the --ws-url's) is outside --allow-net", async () => {
  const out = await runLiveTask("poc_hyperliquid", [
    "--ws-url",
    "ws://example.com:8081/ws",
    "--duration",
    "20",
  ]);
  equal(out.code, 1, out.err);
  equal(
    out.err.trim(),
    'error: cannot get {"type":"meta"} from http://example.com:8081/info: NotCapable: ' +
      'Requires net access to "example.com:8081", run again with the --allow-net flag',
  );
});
