/**
 * A three-server JetStream cluster on 127.0.0.1 and `--publish a,b,c --replicas 3`: the stream's
 * leader is SIGKILLed mid-run; the publisher carries on against the two left (a new leader is
 * elected), nothing acknowledged is lost, every seq is stored exactly once and in order (the
 * retries across the election go one at a time until the new leader stores), and a consumer given
 * the three URLs, started while that member is still down, rebuilds a book equal to the
 * publisher's `--book-out`.
 */
import assert from "node:assert/strict";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsCluster } from "./_nats_server.ts";
import {
  assertSameBook,
  NATS_SKIP,
  oneToN,
  readBook,
  runConsume,
  seqsByRun,
  watchStderr,
  within,
} from "./_nats_consume.ts";
import { spawnPocBinance } from "./_poc_child.ts";

Deno.test("3-server cluster, --replicas 3: the stream leader SIGKILLed mid-run loses nothing acknowledged", async () => {
  const cluster = await startNatsCluster();
  if (!cluster) return void console.log(NATS_SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-cluster-test-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 51 } });
  try {
    const child = spawnPocBinance(sim, {
      dir,
      session: "c",
      stderr: "piped",
      wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
      extraArgs: [
        "--trades",
        "--max-messages",
        "1500",
        "--publish",
        cluster.urls,
        "--replicas",
        "3",
        "--snapshot-every",
        "0.5",
        "--book-out",
        `${dir}/book.json`,
      ],
    });
    const log = watchStderr(child);
    await log.until(/synchronized id=/);
    // The stream exists (the publisher created it before the engine started): kill its leader.
    const nc = await connect({ servers: cluster.members.map((m) => m.url) });
    const info = await (await jetstreamManager(nc)).streams.info("MD");
    await nc.close();
    assert.equal(info.config.num_replicas, 3);
    const leader = cluster.members.find((m) => m.name === info.cluster?.leader);
    assert.ok(leader, `a leader among the members: ${JSON.stringify(info.cluster)}`);
    assert.equal(info.cluster?.replicas?.length, 2, "two followers");
    await leader.kill();
    const st = await within(child.status, 120_000, "the publisher's run", () => child.kill("SIGKILL"));
    assert.equal(st.code, 0, log.text().slice(-2000));
    await log.until(/lost: \d+ unacknowledged/); // the exit line (stderr may be read after the exit)
    const done =
      /run (\w+): (\d+) acknowledged \((\d+) duplicates\).*0 clears; lost: 0 unacknowledged, 0 dropped, 0 to a full ring/
        .exec(log.text());
    assert.ok(done, `the exit line says nothing was lost: ${log.text().slice(-1500)}`);
    console.log(`publisher: ${/(\d+) retried/.exec(log.text())?.[1]} publishes retried across the election`);
    const survivor = cluster.members.find((m) => m !== leader)!;
    const runs = await seqsByRun(survivor.url);
    assert.equal(runs.size, 1);
    const r = runs.get(done[1]!)!;
    // Complete, each once, in order: after the first failure the publisher retries one publish
    // at a time until the new leader stores it (publish/_outbox.ts), so nothing overtakes it.
    assert.deepEqual(r.b, oneToN(r.b), "every book seq stored once, in order");
    assert.deepEqual(r.t, oneToN(r.t), "every trade seq stored once, in order");
    assert.equal(
      r.b.length + r.t.length + r.s,
      Number(done[2]),
      "the stream holds every acknowledged message once",
    );
    // The consumer starts while the killed member is still down (nats-server 2.9 may place its
    // consumer there: it is made again under a new name, publish/_consumer_start.ts).
    const c = await runConsume([
      "--nats",
      cluster.urls,
      "--symbols",
      "BTCUSDT",
      "--to-end",
      "--duration",
      "60",
      "--book-out",
      `${dir}/consumer.json`,
    ]);
    assert.equal(c.code, 0, c.err);
    assert.match(c.err, /valid\n/, `the consumer's book is valid at the end: ${c.err}`);
    assertSameBook(readBook(`${dir}/consumer.json`), readBook(`${dir}/book.json`), "consumer vs publisher");
  } finally {
    await sim.close();
    await cluster.close();
    await Deno.remove(dir, { recursive: true });
  }
});
