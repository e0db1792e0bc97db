/**
 * Test child: a consumer that stalls. Subscribes to `md.>` on core NATS and starts a
 * {@linkcode NatsBookConsumer} on `--symbol`, prints `stalled`, then blocks its only thread on a
 * synchronous read of stdin (no NATS traffic is read meanwhile: the server buffers for it, or
 * cuts it off as a slow consumer). On a line from stdin it resumes: catches up with the stream,
 * writes the book to `--book-out` and prints `core <n> messages`.
 *
 * Usage: `deno run --allow-net=127.0.0.1 --allow-write=/tmp _stalled_consumer.ts <urls> <SYMBOL> <book-out>`
 * @module
 */
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { NatsBookConsumer } from "../publish/consumer.ts";
import { bookToJson } from "../venues/book_json.ts";

const [urls, symbol, bookOut] = Deno.args;
if (urls === undefined || symbol === undefined || bookOut === undefined) {
  console.error("usage: _stalled_consumer.ts <urls> <SYMBOL> <book-out>");
  Deno.exit(2);
}
const servers = urls.split(",");
const core = await connect({ servers });
let coreMessages = 0;
core.subscribe("md.>", {
  callback: () => {
    coreMessages++;
  },
});
await core.flush();
const consumer = await NatsBookConsumer.connect({
  servers,
  instruments: [{ venue: "binance", market: "spot", symbol }],
  onLog: () => {},
});
await consumer.start();
console.log("stalled");
Deno.stdin.readSync(new Uint8Array(16)); // the whole thread waits here
const b = consumer.books[0]!;
await consumer.until(() => b.caughtUp, 60_000);
await consumer.close();
await core.close().catch(() => {});
Deno.writeTextFileSync(
  bookOut,
  JSON.stringify(bookToJson(b.replica.book, {
    venue: "binance",
    symbol,
    priceScale: b.instrument.priceDecimals,
    qtyScale: b.instrument.qtyDecimals,
  })),
);
console.log(
  `core ${coreMessages} messages; book seq ${b.replica.bookSeq}, ${b.replica.valid ? "valid" : "INVALID"}`,
);
