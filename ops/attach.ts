/**
 * Wire the operations server into a task: a {@linkcode BookSampler} over the task's books on
 * its timer and the HTTP server on 127.0.0.1, closed together.
 * @module
 */
import { systemClock } from "../engine/clock.ts";
import { BookSampler, type BookSource, type SampledSide } from "./book_sampler.ts";
import type { MarketStream } from "../market/stream.ts";
import type { BookView } from "../market/book_view.ts";
import type { MetricsLink } from "./channel.ts";
import { startOpsServer } from "./server.ts";

/** A running sampler + server. */
export interface OpsHandle {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** The port bound. */
  port: number;
  /** The sampler (its timer runs until `close`). */
  sampler: BookSampler;
  /** Stop sampling and close the server. */
  close(): Promise<void>;
}

/** Start sampling `books` and serve on 127.0.0.1:`port`. Rejects with a one-line message. */
export async function startOps(link: MetricsLink, port: number, books: BookSource[]): Promise<OpsHandle> {
  const sampler = new BookSampler(books, { clock: systemClock });
  const server = await startOpsServer({ port, link, sampler });
  sampler.start();
  return {
    url: server.url,
    port: server.port,
    sampler,
    async close() {
      sampler.stop();
      await server.close();
    },
  };
}

/**
 * Book sources for the live page from normalized streams, one per instrument (named
 * `venue:symbol`, as the handlers' logger sources), read through each stream's read-only view;
 * the scales follow the instrument's precision as it changes. Allocates once.
 */
export function streamSources(streams: readonly MarketStream[]): BookSource[] {
  return streams.map((s) => {
    const v = s.view;
    const inst = s.instrument;
    return {
      name: `${inst.venue}:${inst.symbol}`,
      book: {
        get updateId() {
          return v.updateId;
        },
        bids: sideOf(v, true),
        asks: sideOf(v, false),
      },
      get priceScale() {
        return inst.priceDecimals;
      },
      get qtyScale() {
        return inst.qtyDecimals;
      },
    };
  });
}

function sideOf(v: BookView, isBid: boolean): SampledSide {
  return {
    get size() {
      return v.depth(isBid);
    },
    priceAt: (i: number) => v.priceAt(isBid, i),
    qtyAt: (i: number) => v.qtyAt(isBid, i),
  };
}
