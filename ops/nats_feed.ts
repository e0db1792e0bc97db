/**
 * The live page and `/metrics` for books consumed from NATS (`deno task dashboard`): turns what
 * a {@linkcode NatsBookConsumer} sees into the logger events the metrics registry already reads
 * (snapshot applied, synchronized, resync on a `seq` gap, message counts, and the fleet's
 * wire-to-book latency: the publisher's receive time to this book applied), so the same page
 * serves a fleet. Runs on the consumer's thread; allocates only at setup.
 * @module
 */
import { type Clock, systemClock } from "../engine/clock.ts";
import { ResyncReason } from "../engine/events.ts";
import type { Logger } from "../engine/logger.ts";
import type { ConsumedBook } from "../publish/consumer.ts";
import type { BookSource } from "./book_sampler.ts";

/** A running feed: call `tick()` about once a second (message counters); `sources` for the sampler. */
export interface NatsFeed {
  /** Book sources for the live page's ladders (always the consumer's current book). */
  sources: BookSource[];
  /** Emit the per-instrument counters. */
  tick(): void;
}

/** Bridge `books` into `logger` (a logger started with `metrics: true`). */
export function feedFromNats(books: ConsumedBook[], logger: Logger, clock: Clock = systemClock): NatsFeed {
  const wire = logger.intern("wire_to_book");
  const entries = books.map((b) => {
    const src = logger.intern(`${b.instrument.venue}:${b.instrument.symbol}`);
    let valid = false;
    b.subscribe((batch) => {
      const now = b.replica.valid;
      if (now && !valid) {
        logger.snapshotApplied(
          src,
          b.replica.book.bids.size,
          b.replica.book.asks.size,
          b.replica.book.updateId,
        );
        logger.synchronized(src, b.replica.book.updateId, 0);
      }
      valid = now;
      const sec = batch.u32[8]!;
      if (sec > 0) {
        const lat = clock.wallNs() - (sec * 1e9 + batch.u32[9]!);
        if (lat >= 0) logger.latency(wire, lat, src);
      }
    });
    b.onInvalid((_book, reason) => {
      valid = false;
      logger.resync(src, ResyncReason.Gap, b.replica.bookSeq, 0, `from NATS: ${reason}`);
    });
    return { b, src };
  });
  return {
    sources: books.map((b) => ({
      name: `${b.instrument.venue}:${b.instrument.symbol}`,
      get book() {
        return b.replica.book;
      },
      get priceScale() { // the consumer's scale grows with the finest message seen
        return b.instrument.priceDecimals;
      },
      get qtyScale() {
        return b.instrument.qtyDecimals;
      },
    })),
    tick() {
      for (const { b, src } of entries) {
        logger.diffStats(src, b.messages, b.messages, b.foreign, 0, b.replica.book.updateId);
      }
    },
  };
}
