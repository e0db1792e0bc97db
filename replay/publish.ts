/**
 * `deno task replay --publish`: a capture's normalized records republished on NATS JetStream
 * through the same publisher the live tasks use (`publish/publisher.ts`: subjects, payloads,
 * `Nats-Msg-Id`, acknowledgement windows, periodic snapshot copies), optionally at the recorded
 * pace (`pace.ts`).
 *
 * Unlike live, a replay never loses a message to a full ring: before each data line it waits
 * (yielding to the event loop) until the publisher's record ring has room for
 * {@linkcode PublishHook.room} records, so the consumer sees every `seq`. Wiring: pass
 * {@linkcode PublishHook.onStream} and {@linkcode PublishHook.beforeLine} in the replay options;
 * {@linkcode PublishHook.close} drains the publisher (every message acknowledged, or its deadline).
 * @module
 */
import type { MarketStream } from "../market/stream.ts";
import {
  type PublishDone,
  type Publisher,
  type PublishOptions,
  startPublisher,
} from "../publish/publisher.ts";
import type { RecordedPace } from "./pace.ts";

/** The replay side of `--publish` (see the module doc). */
export class PublishHook {
  /** The running publisher (after the first stream). */
  publisher: Publisher | undefined;
  /** Free ring records required before each line (a snapshot message must fit whole). */
  readonly room: number;
  readonly #opts: PublishOptions;
  readonly #pace: RecordedPace | undefined;
  #stream: MarketStream | undefined;

  /** Publish as `opts` says; pace lines with `pace` (undefined: as fast as possible). */
  constructor(opts: PublishOptions, pace?: RecordedPace) {
    this.#opts = opts;
    this.#pace = pace;
    this.room = (opts.ringCapacity ?? 1 << 16) >> 1;
  }

  /** The replay made its instrument's stream: connect, check the stream, start publishing it. */
  readonly onStream = async (s: MarketStream): Promise<void> => {
    if (this.publisher) throw new Error("replay --publish: one instrument per replay");
    this.#stream = s;
    this.publisher = await startPublisher(this.#opts, [s]);
  };

  /** Before a data line received at `recvSec`.`recvSubNs`: pace, publish what is written, wait for room. */
  readonly beforeLine = (recvSec: number, recvSubNs: number): Promise<void> | undefined => {
    const p = this.publisher;
    if (p === undefined) return this.#pace?.wait(recvSec, recvSubNs);
    const paced = this.#pace?.wait(recvSec, recvSubNs);
    if (paced === undefined && p.ring.room() >= this.room) return undefined;
    return this.#slow(paced, p);
  };

  async #slow(paced: Promise<void> | undefined, p: Publisher): Promise<void> {
    this.#stream?.flush();
    if (paced) await paced;
    while (p.ring.room() < this.room) {
      this.#stream?.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Publish what is left and drain: resolves with the publisher's totals (undefined: none started). */
  async close(): Promise<PublishDone | undefined> {
    this.#stream?.flush();
    const p = this.publisher;
    this.publisher = undefined;
    return p ? await p.close() : undefined;
  }
}
