/**
 * A consumer started while a member of a three-server cluster is down. nats-server 2.9 places an
 * ordered (R1) consumer on one of the stream's three peers — on the dead one about one time in
 * three, where it never gets a leader and its create request is never answered — and the JetStream
 * API answers nothing until the survivors have a meta leader. `NatsBookConsumer` retries those
 * timeouts under a new consumer name each time (`publish/_consumer_start.ts`).
 *
 * The scenario is run again and again against the same cluster (a new consumer each time) until
 * at least one start met the dead placement (and at least 4 starts), at most 25 starts — (2/3)^25
 * < 1e-4 to never meet it: then the test fails, saying so. Every start must catch up and end with
 * a book equal to the publisher's. Every wait has a deadline.
 */
import assert from "node:assert/strict";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { InstrumentTable } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { MarketStream } from "../market/stream.ts";
import { L2Book } from "../venues/book.ts";
import { mulberry32 } from "../venues/backoff.ts";
import { startPublisher } from "../publish/publisher.ts";
import { NatsBookConsumer } from "../publish/consumer.ts";
import { startNatsCluster } from "./_nats_server.ts";
import { NATS_SKIP } from "./_nats_consume.ts";

// The publisher's side: a book changed by seeded updates, each published as it is applied.
function publishBook(s: MarketStream, book: L2Book, updates: number): void {
  const rnd = mulberry32(77);
  for (let i = 0; i < 20; i++) {
    book.side(true).set(1_000_000 - i * 100, 1 + i);
    book.side(false).set(1_000_100 + i * 100, 1 + i);
  }
  book.updateId = 1;
  s.snapshot(1, 1_700_000_000_000, 1_700_000_000, 0);
  for (let u = 2; u <= updates + 1; u++) {
    book.updateId = u;
    s.beginBook(RecordKind.Update, u, 1_700_000_000_000 + u, 1_700_000_000, u);
    for (let k = 0; k < 3; k++) {
      const isBid = rnd() < 0.5;
      const price = isBid
        ? 1_000_000 - Math.floor(rnd() * 30) * 100
        : 1_000_100 + Math.floor(rnd() * 30) * 100;
      const qty = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 1000);
      book.side(isBid).set(price, qty);
      s.level(isBid, price, qty);
    }
    s.end();
  }
  s.flush();
}

function levels(depth: (b: boolean) => number, at: (b: boolean, i: number) => [number, number]): number[][] {
  const out: number[][] = [];
  for (const isBid of [true, false]) {
    for (let i = 0; i < depth(isBid); i++) out.push([isBid ? 1 : 0, ...at(isBid, i)]);
  }
  return out;
}

Deno.test("3-server cluster, one member down: every consumer started creates its consumer and rebuilds the book", async () => {
  const cluster = await startNatsCluster();
  if (!cluster) return void console.log(NATS_SKIP);
  const urls = cluster.members.map((m) => m.url);
  const consumers: NatsBookConsumer[] = [];
  try {
    const t = new InstrumentTable();
    const inst = t.add("binance", "spot", "BTCUSDT", 2, 3);
    const book = new L2Book();
    const s = new MarketStream(inst, book);
    const p = await startPublisher(
      { servers: urls, format: "binary", stream: { replicas: 3 }, snapshotEverySec: 0, onLog: () => {} },
      [s],
    );
    publishBook(s, book, 300);
    const done = await p.close();
    assert.equal(done.acked, 301, "every message stored");
    assert.equal(done.unacked + done.dropped + done.ringLost, 0);

    const nc = await connect({ servers: urls });
    const info = await (await jetstreamManager(nc)).streams.info("MD");
    await nc.close();
    assert.equal(info.cluster?.replicas?.length, 2, "three peers");
    // A follower goes down (the stream keeps its leader; the meta leader may have to be elected).
    const down = cluster.members.find((m) => m.name !== info.cluster?.leader)!;
    await down.kill();
    // Wait until the survivors answer JetStream requests (a meta leader), so a create that times
    // out below is a consumer placed on the dead member, not the election.
    const survivors = urls.filter((u) => u !== down.url);
    const settled = Date.now() + 30_000;
    for (;;) {
      const nc2 = await connect({ servers: survivors, timeout: 2000 });
      try {
        await (await jetstreamManager(nc2, { timeout: 1000 })).streams.info("MD");
        break;
      } catch (e) {
        if (Date.now() > settled) throw new Error(`the survivors never answered JetStream: ${e}`);
      } finally {
        await nc2.close();
      }
    }

    const want = levels((b) => book.side(b).size, (b, i) => [book.side(b).priceAt(i), book.side(b).qtyAt(i)]);
    let starts = 0;
    let deadPlacements = 0;
    while ((starts < 4 || deadPlacements === 0) && starts < 25) {
      const warnings: string[] = [];
      const c = await NatsBookConsumer.connect({
        servers: urls,
        instruments: [{ venue: "binance", market: "spot", symbol: "BTCUSDT" }],
        onLog: (level, text) => level === "warning" && warnings.push(text),
        startTimeoutMs: 30_000,
      });
      consumers.push(c);
      await c.start();
      const b = c.books[0]!;
      await c.until(() => b.caughtUp && b.view.valid, 30_000).catch((e) => {
        throw new Error(`start ${starts}: ${e}; warnings: ${warnings.join(" | ")}`);
      });
      assert.equal(b.replica.bookSeq, 301, `start ${starts}: every book message applied`);
      assert.equal(b.view.updateId, 301);
      const v = b.view;
      assert.deepEqual(
        levels((x) => v.depth(x), (x, i) => [v.priceAt(x, i), v.qtyAt(x, i)]),
        want,
        `start ${starts}: the consumer's book equals the publisher's`,
      );
      deadPlacements += b.createRetries;
      starts++;
      await consumers.pop()!.close();
    }
    console.log(
      `${starts} consumers started with ${down.name} down; ${deadPlacements} creates timed out (placed on the dead member) and were made again under a new name`,
    );
    assert.ok(deadPlacements > 0, `no consumer was placed on the dead member in ${starts} starts`);
  } finally {
    for (const c of consumers) await c.close();
    await cluster.close();
  }
});
