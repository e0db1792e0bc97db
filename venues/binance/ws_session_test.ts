/**
 * `WsSession` over its default transport (`RawWebSocket`) against a scripted peer: the `Open`
 * entry comes before frames sent in the same write as the 101 answer, frames of one read share
 * one receive time, and a text frame that is not UTF-8 fails the connection with 1007 (a `Close`
 * entry carrying the code) instead of reaching the parser.
 */
import assert from "node:assert/strict";
import { systemClock } from "../../engine/clock.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { WsSession } from "./_ws_session.ts";
import { ScriptServer, serverFrame, within } from "../ws/_script_server.ts";

function session(url: string, inbox: Inbox, woken: () => void): WsSession {
  return new WsSession({
    url,
    inbox,
    clock: systemClock,
    wake: woken,
    maxHops: 0,
    maxConnectionMs: 3_600_000,
    snapshotTimeoutMs: 1000,
    closeTimeoutMs: 1000,
  });
}

/** Resolves when `inbox` holds an entry of `kind` (checked at every wake; 10 s deadline). */
function entryOf(inbox: Inbox, kind: number, wakes: { on: () => void }): Promise<void> {
  const has = (): boolean => {
    for (let k = 0; k < inbox.length; k++) if (inbox.kind((inbox.head + k) & 4095) === kind) return true;
    return false;
  };
  const p = Promise.withResolvers<void>();
  wakes.on = () => has() && p.resolve();
  wakes.on();
  return within(p.promise, `an entry of kind ${kind}`);
}

Deno.test("WsSession queues Open before the frames of the upgrade's own write, one receive time per read", async () => {
  const srv = ScriptServer.listen();
  const inbox = new Inbox(4096);
  const wakes = { on: () => {} };
  const io = session(srv.url("/ws/x"), inbox, () => wakes.on());
  try {
    io.open();
    const frames = [serverFrame(1, '{"a":1}'), serverFrame(1, '{"a":2}')];
    await srv.accept(undefined, new Uint8Array([...frames[0]!, ...frames[1]!]));
    const got: [number, string, number][] = [];
    const twoFrames = Promise.withResolvers<void>();
    wakes.on = () => {
      for (; inbox.length > 0; inbox.shift()) {
        const i = inbox.head;
        got.push([inbox.kind(i), inbox.text(i), inbox.monoNs(i)]);
      }
      if (got.filter((g) => g[0] === InKind.Message).length === 2) twoFrames.resolve();
    };
    wakes.on();
    await within(twoFrames.promise, "two frames");
    assert.deepEqual(got.map((g) => g[0]), [InKind.Open, InKind.Message, InKind.Message]);
    assert.deepEqual(got.slice(1).map((g) => g[1]), ['{"a":1}', '{"a":2}']);
    assert.equal(got[1]![2], got[2]![2], "one receive time for the frames of one read");
  } finally {
    await io.stop();
    srv.close();
  }
});

Deno.test("WsSession fails a connection whose text frame is not UTF-8 with close code 1007", async () => {
  const srv = ScriptServer.listen();
  const inbox = new Inbox(4096);
  const wakes = { on: () => {} };
  const io = session(srv.url("/ws/x"), inbox, () => wakes.on());
  try {
    io.open();
    await srv.accept();
    await srv.write(serverFrame(1, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    const f = await srv.nextFrame();
    assert.equal(f?.opcode, 8);
    assert.equal((f!.payload[0]! << 8) | f!.payload[1]!, 1007);
    await entryOf(inbox, InKind.Close, wakes);
    const kinds: number[] = [];
    let code = 0;
    for (; inbox.length > 0; inbox.shift()) {
      kinds.push(inbox.kind(inbox.head));
      if (inbox.kind(inbox.head) === InKind.Close) code = inbox.num(inbox.head, 1);
    }
    assert.deepEqual(kinds, [InKind.Open, InKind.Close], "no Message entry");
    assert.equal(code, 1007);
  } finally {
    await io.stop();
    srv.close();
  }
});
