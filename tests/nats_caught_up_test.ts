/**
 * `NatsBookConsumer` "caught up" (what `consume --to-end` waits for) is the stream's last
 * sequence on the instrument's subjects, not the server's pending count: a message deleted after
 * the consumer started (here the stream's last one) leaves nats-server's pending above 0 for good.
 */
import assert from "node:assert/strict";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstream, jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { NatsBookConsumer } from "../publish/consumer.ts";
import { startNatsServer } from "./_nats_server.ts";

Deno.test("consumer: caught up after the stream's last message was deleted mid-run", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log("nats-server is not installed (apt-get install nats-server): skipped");
  const nc = await connect({ servers: srv.url });
  let consumer: NatsBookConsumer | undefined;
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "MD", subjects: ["md.>"] });
    const js = jetstream(nc);
    const N = 600;
    for (let i = 0; i < N; i++) await js.publish("md.binance.spot.BTCUSDT.book", new Uint8Array(3));
    const warnings: string[] = [];
    consumer = await NatsBookConsumer.connect({
      servers: [srv.url],
      instruments: [{ venue: "binance", market: "spot", symbol: "BTCUSDT" }],
      onLog: (level, text) => level === "warning" && warnings.push(text),
    });
    const b = consumer.books[0]!;
    await consumer.start();
    // After the first message, delete the stream's last one (normally before the consumer, pulling
    // 100 at a time, reaches it; if it got there first the end is simply N).
    await consumer.until(() => b.messages > 0, 30_000);
    assert.equal(await jsm.streams.deleteMessage("MD", N), true);
    const end = b.lastSeq === N ? N : N - 1;
    await consumer.until(() => b.caughtUp, 30_000);
    assert.equal(b.lastSeq, end, "the last message left was taken");
    assert.equal(b.messages, end);
    assert.equal(b.foreign, end, "every payload was warned about as not ours");
    assert.equal(warnings.length, end);
  } finally {
    await consumer?.close();
    await nc.close();
    await srv.close();
  }
});
