/**
 * A slow consumer never slows the publisher: a consumer process (core `md.>` subscription and a
 * JetStream book consumer) stalls its only thread for the whole publisher run. The publisher
 * still finishes its run while the consumer is stalled, with every message acknowledged and
 * nothing dropped (ring, buffer), every seq stored once and in order; released, the consumer
 * catches up and its book equals the publisher's.
 */
import assert from "node:assert/strict";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import {
  assertSameBook,
  NATS_SKIP,
  oneToN,
  readBook,
  seqsByRun,
  watchOutput,
  watchStderr,
  within,
} from "./_nats_consume.ts";
import { spawnPocBinance } from "./_poc_child.ts";

const STALLED = new URL("./_stalled_consumer.ts", import.meta.url).pathname;

Deno.test("a consumer stalled for the whole run: the publisher finishes first, acknowledged and dropping nothing", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(NATS_SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-slow-" });
  const sim = await BinanceSimulator.start({ intervalMs: 1, market: { seed: 61 } });
  let stalled: Deno.ChildProcess | undefined;
  try {
    const pub = spawnPocBinance(sim, {
      dir,
      session: "p",
      stderr: "piped",
      wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
      extraArgs: [
        "--trades",
        "--max-messages",
        "3000",
        "--publish",
        srv.url,
        "--snapshot-every",
        "0.5",
        "--book-out",
        `${dir}/publisher.json`,
      ],
    });
    const log = watchStderr(pub);
    await log.until(/synchronized id=/);
    stalled = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-write=/tmp",
        STALLED,
        srv.url,
        "BTCUSDT",
        `${dir}/stalled.json`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const out = watchOutput(stalled.stdout);
    await out.until(/stalled\n/);
    let stalledEnded = false;
    stalled.status.then(() => stalledEnded = true);
    // The publisher runs to its end while the consumer's thread is blocked.
    const st = await within(pub.status, 120_000, "the publisher's run", () => pub.kill("SIGKILL"));
    assert.equal(st.code, 0, log.text().slice(-2000));
    assert.equal(stalledEnded, false, "the consumer was still stalled when the publisher finished");
    const done =
      /run (\w+): (\d+) acknowledged \((\d+) duplicates\).*0 clears; lost: 0 unacknowledged, 0 dropped, 0 to a full ring/
        .exec(log.text());
    assert.ok(done, `nothing lost or dropped: ${log.text().slice(-1500)}`);
    const r = (await seqsByRun(srv.url)).get(done[1]!)!;
    assert.deepEqual(r.b, oneToN(r.b), "every book seq stored once, in order");
    assert.deepEqual(r.t, oneToN(r.t), "every trade seq stored once, in order");
    assert.equal(
      r.b.length + r.t.length + r.s,
      Number(done[2]),
      "every acknowledged message stored",
    );
    // Released, the consumer catches up and agrees with the publisher.
    const w = stalled.stdin.getWriter();
    await w.write(new TextEncoder().encode("go\n"));
    await w.close();
    await out.until(/core \d+ messages/);
    const tail = out.text();
    const s2 = stalled;
    assert.equal(
      (await within(s2.status, 30_000, "the consumer's exit", () => s2.kill("SIGKILL"))).code,
      0,
      tail,
    );
    console.log(tail.trim());
    assert.match(tail, /core \d+ messages; book seq \d+, valid/);
    assertSameBook(
      readBook(`${dir}/stalled.json`),
      readBook(`${dir}/publisher.json`),
      "stalled consumer vs publisher",
    );
  } finally {
    try {
      stalled?.kill("SIGKILL");
    } catch { /* already ended */ }
    await stalled?.status;
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
