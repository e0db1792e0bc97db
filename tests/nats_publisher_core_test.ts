/**
 * The publisher on core NATS (`jetstream: false`, the latency benchmarks' path) against a real
 * nats-server: every message reaches a plain subscription once and in order, as a plain `PUB` (no
 * reply subject, no header), and a replica fed those payloads ends equal to the engine's book —
 * for messages flushed one at a time (as a handler's polls on a quiet feed) and in one burst.
 * @module
 */
import assert from "node:assert/strict";
import { connect, type Msg } from "npm:@nats-io/transport-node@3.4.0";
import { waitUntil } from "../engine/testing.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { BookReplica } from "../market/replica.ts";
import { MarketStream } from "../market/stream.ts";
import { PayloadDecoder } from "../publish/decode.ts";
import { startPublisher } from "../publish/publisher.ts";
import { L2Book } from "../venues/book.ts";
import { startNatsServer } from "./_nats_server.ts";

const SKIP = "nats-server is not installed (apt-get install nats-server; .ci/run does it): skipped";
const P = 6_000_000_000_000;

for (const format of ["binary", "json"] as const) {
  Deno.test(`publisher on core NATS, ${format}: every message once, in order, as a plain PUB; the replica ends equal`, async () => {
    const srv = await startNatsServer();
    if (!srv) return void console.log(SKIP);
    const nc = await connect({ servers: srv.url });
    try {
      const got: Msg[] = [];
      nc.subscribe("md.>", { callback: (_e, m) => void got.push(m) });
      await nc.flush();
      const inst = new InstrumentTable().add("binance", "spot", "BTCUSDT", 8, 8);
      const book = new L2Book();
      const stream = new MarketStream(inst, book);
      const p = await startPublisher(
        { servers: [srv.url], format, jetstream: false, snapshotEverySec: 0, onLog: () => {} },
        [stream],
      );
      for (let k = 1; k <= 5; k++) {
        book.bids.set(P - k * 1_000_000, 10 * k);
        book.asks.set(P + k * 1_000_000, 10 * k);
      }
      book.updateId = 1;
      stream.snapshot(1, 0, 0, 0);
      stream.flush();
      const update = (i: number) => {
        const price = P - (1 + (i % 5)) * 1_000_000;
        book.updateId = 1 + i;
        stream.beginBook(RecordKind.Update, 1 + i, 0, 0, 0);
        book.bids.set(price, 100 + i);
        stream.level(true, price, 100 + i);
        stream.end();
      };
      // One at a time, each flushed and received before the next (the Worker sleeps in between).
      for (let i = 1; i <= 50; i++) {
        update(i);
        stream.flush();
        await waitUntil(`message ${i + 1} received`, () => got.length === i + 1, 10_000);
      }
      // Then a burst in one flush.
      for (let i = 51; i <= 550; i++) update(i);
      stream.flush();
      await waitUntil("the burst received", () => got.length === 551, 10_000);
      const done = await p.close();
      assert.equal(done.accepted, 551);
      assert.equal(done.dropped + done.ringLost + done.unacked, 0);

      const dec = new PayloadDecoder(0, "BTCUSDT", 8);
      const r = new BookReplica(0);
      got.forEach((m, k) => {
        assert.equal(m.subject, "md.binance.spot.BTCUSDT.book");
        assert.ok(!m.reply, "no reply subject on core NATS");
        assert.equal(m.headers, undefined, "no header on core NATS");
        assert.equal(dec.decode(m.data), "");
        assert.equal(dec.batch.seq, k + 1, "in order, once");
        r.apply(dec.batch);
      });
      assert.ok(r.valid);
      assert.deepEqual(
        [r.book.bids.size, r.book.asks.size, r.book.bids.qtyAt(0)],
        [book.bids.size, book.asks.size, book.bids.qtyAt(0)],
      );
      for (let d = 0; d < book.bids.size; d++) {
        assert.deepEqual([r.book.bids.priceAt(d), r.book.bids.qtyAt(d)], [
          book.bids.priceAt(d),
          book.bids.qtyAt(d),
        ]);
      }
      for (let d = 0; d < book.asks.size; d++) {
        assert.deepEqual([r.book.asks.priceAt(d), r.book.asks.qtyAt(d)], [
          book.asks.priceAt(d),
          book.asks.qtyAt(d),
        ]);
      }
    } finally {
      await nc.close();
      await srv.close();
    }
  });
}
