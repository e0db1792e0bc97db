/**
 * `NatsBookConsumer`: books rebuilt in another process from the NATS JetStream stream, with the
 * same subscriber API and read-only {@linkcode BookView} as in-process.
 *
 * Per instrument: an ordered consumer on `md.<venue>.<market>.<SYMBOL>.>` starting at the last
 * message on `….snapshot` (JetStream "last message by subject"; from the first message when
 * there is none). `book` messages apply through a {@linkcode BookReplica} (seq checked); after a
 * seq jump the book is invalid — subscribers are told why, with the missing seqs — until the next
 * snapshot (a real one on `….book` or a copy on `….snapshot`). A new publisher run (another run
 * id in `Nats-Msg-Id`) resets the book. A payload that is not ours is warned about and skipped.
 * Allocates per message (decoding): not for an engine thread.
 * @module
 */
import { connect, type NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import {
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
} from "npm:@nats-io/jetstream@3.4.0";
import { L2BookView } from "../market/book_view.ts";
import type { MarketName } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { BookReplica } from "../market/replica.ts";
import { ConsumedBook } from "./consumed_book.ts";
import { type ApplyHooks, releaseHeld, takeMessage } from "./_book_apply.ts";
import { errText } from "./stream_setup.ts";
import { createOrdered, retryText, retryTimeouts } from "./_consumer_start.ts";
import { parseMsgId } from "./subjects.ts";

export { ConsumedBook, type InvalidHandler } from "./consumed_book.ts";

/** What to consume. */
export interface ConsumerOptions {
  /** NATS server URLs. */
  servers: string[];
  /** Stream name (default MD). */
  stream?: string;
  /** The instruments. */
  instruments: { venue: string; market: MarketName; symbol: string }[];
  /** Log lines (default: stderr). */
  onLog?: (level: "info" | "warning", text: string) => void;
  /** Connect timeout, ms (default 3,000). */
  connectTimeoutMs?: number;
  /**
   * Keep retrying JetStream requests that time out while starting (the stream check, each
   * instrument's start point and consumer) this long, ms (default 30,000): a cluster that lost a
   * member answers nothing until it elects a new leader, and may place a consumer on the dead one.
   */
  startTimeoutMs?: number;
}

/** Books of several instruments, consumed from JetStream. */
export class NatsBookConsumer {
  /** The books, in the order of the options. */
  readonly books: ConsumedBook[];
  readonly #nc: NatsConnection;
  readonly #stream: string;
  readonly #startTimeoutMs: number;
  readonly #log: (level: "info" | "warning", text: string) => void;
  readonly #iters: ConsumerMessages[] = [];
  #jsm: JetStreamManager | undefined;
  readonly #loops: Promise<void>[] = [];
  #listeners: (() => void)[] = [];

  private constructor(nc: NatsConnection, opts: ConsumerOptions) {
    this.#nc = nc;
    this.#stream = opts.stream ?? "MD";
    this.#startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    this.#log = opts.onLog ?? ((l, t) => console.error(`[consume] ${l === "info" ? "" : "warning: "}${t}`));
    this.books = opts.instruments.map((i, id) => new ConsumedBook(id, i.venue, i.market, i.symbol));
  }

  /** Connect and check the stream; rejects with one clear line. Call {@linkcode start} next. */
  static async connect(opts: ConsumerOptions): Promise<NatsBookConsumer> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: opts.servers,
        timeout: opts.connectTimeoutMs ?? 3000,
        maxReconnectAttempts: -1,
      });
    } catch (e) {
      throw new Error(`cannot connect to NATS ${opts.servers.join(",")}: ${errText(e)}`);
    }
    const c = new NatsBookConsumer(nc, opts);
    try {
      await retryTimeouts(
        async (timeout) => (await jetstreamManager(nc, { timeout })).streams.info(c.#stream),
        Date.now() + c.#startTimeoutMs,
        () => c.#log("warning", retryText(`checking stream ${c.#stream}`)),
      );
    } catch (e) {
      await nc.close().catch(() => {});
      throw new Error(`JetStream stream ${c.#stream} on ${opts.servers.join(",")}: ${errText(e)}`);
    }
    return c;
  }

  /** Book by symbol. */
  book(symbol: string): ConsumedBook | undefined {
    return this.books.find((b) => b.instrument.symbol === symbol);
  }

  /** Start every instrument's ordered consumer at its last snapshot. */
  async start(): Promise<void> {
    const deadline = Date.now() + this.#startTimeoutMs;
    const retried = (what: string) => () => this.#log("warning", retryText(what));
    this.#jsm = await retryTimeouts(
      (timeout) => jetstreamManager(this.#nc, { timeout: Math.max(timeout, 2000) }),
      deadline,
      retried("JetStream"),
    );
    for (const b of this.books) {
      try {
        const last = await retryTimeouts(
          () => this.#jsm!.streams.getMessage(this.#stream, { last_by_subj: b.subjects.snapshot }),
          deadline,
          retried(`${b.subjects.prefix}: reading the last snapshot`),
        );
        if (last) {
          b.startSeq = last.seq;
          b.startRunId = parseMsgId(last.header?.get("Nats-Msg-Id") ?? "")?.runId ?? "";
        }
      } catch { /* no snapshot copy yet: from the first message */ }
      const c = await this.#orderedConsumer(b, deadline);
      this.#log(
        "info",
        `${b.subjects.prefix}: starting ${
          b.startSeq > 0
            ? `from the snapshot at stream seq ${b.startSeq} (reading from ${lookBackFrom(b.startSeq)})`
            : "from the first message"
        }`,
      );
      b.endSeq = await retryTimeouts(
        () => this.#lastSeqOf(b),
        deadline,
        retried(`${b.subjects.prefix}: reading the stream's end`),
      );
      if (b.endSeq === 0) b.caughtUp = true; // nothing stored for this instrument
      // The server sends an idle heartbeat after 1 s without a message: "caught up" is asked again
      // then too (the end message may have been deleted, so no message would ask).
      const it = await c.consume({ max_messages: 100, expires: 30_000, idle_heartbeat: 1000 });
      this.#iters.push(it);
      this.#loops.push((async () => {
        for await (const m of it) this.#onMsg(b, m);
      })());
      this.#loops.push((async () => {
        for await (const s of it.status()) if (s.type === "heartbeat" && !b.caughtUp) this.#checkEnd(b);
      })());
    }
  }

  /**
   * The ordered consumer of `b`'s subjects from its start, created under a new name at each
   * attempt until `deadline` (`_consumer_start.ts`: in a cluster that lost a member, the server
   * may place it on the dead peer, where it never gets a leader).
   */
  #orderedConsumer(b: ConsumedBook, deadline: number): Promise<Consumer> {
    const opts = b.startSeq > 0
      ? {
        filter_subjects: `${b.subjects.prefix}.>`,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: lookBackFrom(b.startSeq),
      }
      : { filter_subjects: `${b.subjects.prefix}.>`, deliver_policy: DeliverPolicy.All };
    return createOrdered(this.#nc, this.#stream, opts, deadline, (name) => {
      b.createRetries++;
      this.#log(
        "warning",
        retryText(`${b.subjects.prefix}: creating the consumer ${name}`) + " under a new name",
      );
    });
  }

  /** Resolve when `pred()` holds after a message, or reject after `timeoutMs`. */
  until(pred: () => boolean, timeoutMs: number): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#listeners = this.#listeners.filter((l) => l !== check);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!pred()) return;
        clearTimeout(t);
        this.#listeners = this.#listeners.filter((l) => l !== check);
        resolve();
      };
      this.#listeners.push(check);
    });
  }

  /** The stream's last sequence on `b`'s subjects now (0 = none stored). */
  async #lastSeqOf(b: ConsumedBook): Promise<number> {
    const m = await this.#jsm!.streams.getMessage(this.#stream, { last_by_subj: `${b.subjects.prefix}.>` });
    return m ? m.seq : 0;
  }

  /**
   * `b` took a message at or past the last known end: ask the stream for its end again; caught
   * up when nothing newer was stored meanwhile (else wait for the messages up to the new end).
   */
  #checkEnd(b: ConsumedBook): void {
    if (b.checking) return;
    b.checking = true;
    this.#lastSeqOf(b).then((end) => {
      b.checking = false;
      b.endSeq = end;
      if (b.lastSeq >= end) {
        b.caughtUp = true;
        if (b.held.size > 0) releaseHeld(b, this.#hooks); // the missing seqs are not in the stream
      }
      this.#notify();
    }, (e) => {
      b.checking = false;
      b.endSeq = -1; // asked again on the next message
      this.#log("warning", `${b.subjects.prefix}: cannot read the stream's last sequence: ${errText(e)}`);
    });
  }

  /** Stop consuming and close the connection. */
  async close(): Promise<void> {
    for (const it of this.#iters) it.stop();
    await Promise.allSettled(this.#loops);
    await this.#nc.close().catch(() => {});
  }

  readonly #hooks: ApplyHooks = {
    log: (level, text) => this.#log(level, text),
    invalid: (b, reason) => {
      this.#log("warning", `${b.subjects.prefix}: book invalid: ${reason}`);
      for (const f of b.invalid) f(b, reason);
    },
  };

  #onMsg(b: ConsumedBook, m: JsMsg): void {
    b.messages++;
    b.lastSeq = m.info.streamSequence;
    if (!b.caughtUp && b.lastSeq >= b.endSeq) this.#checkEnd(b);
    const kindTok = m.subject.slice(b.subjects.prefix.length + 1);
    const why = b.decoder.decode(m.data);
    const id = parseMsgId(m.headers?.get("Nats-Msg-Id") ?? "");
    if (why !== "" || id === undefined) {
      b.foreign++;
      this.#log(
        "warning",
        `${m.subject} stream seq ${m.info.streamSequence}: skipped, not ours: ${
          why || "no Nats-Msg-Id of ours"
        }`,
      );
      return this.#notify();
    }
    if (
      m.info.streamSequence < b.startSeq &&
      (id.runId !== b.startRunId || b.decoder.batch.messageKind !== RecordKind.Update &&
          b.decoder.batch.messageKind !== RecordKind.Clear)
    ) {
      return this.#notify(); // looking back before the start snapshot: only its run's updates and clears
    }
    if (id.runId !== b.runId) {
      if (b.runId !== "") {
        this.#hooks.invalid(
          b,
          `publisher restarted (run ${b.runId} -> ${id.runId}): rebuilding from its snapshot`,
        );
        b.replica = new BookReplica(b.instrument.id);
        b.held.clear();
        b.view = new L2BookView(b.replica.book, b.instrument);
      }
      b.runId = id.runId;
    }
    takeMessage(b, kindTok, m.data, this.#hooks);
    this.#notify();
  }

  #notify(): void {
    for (const l of this.#listeners) l();
  }
}

/**
 * Stream messages read before the start snapshot: a book message retried by the publisher may be
 * stored before the snapshot copy that includes its predecessor (see `_book_apply.ts`).
 */
export const LOOK_BACK = 4096;

function lookBackFrom(startSeq: number): number {
  return Math.max(1, startSeq - LOOK_BACK);
}
