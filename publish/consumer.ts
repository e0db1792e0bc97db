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
  type ConsumerMessages,
  DeliverPolicy,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
} from "npm:@nats-io/jetstream@3.4.0";
import { L2BookView } from "../market/book_view.ts";
import type { MarketName } from "../market/instrument.ts";
import { RecordKind } from "../market/record.ts";
import { BookReplica } from "../market/replica.ts";
import { ConsumedBook } from "./consumed_book.ts";
import { errText } from "./stream_setup.ts";
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
}

/** Books of several instruments, consumed from JetStream. */
export class NatsBookConsumer {
  /** The books, in the order of the options. */
  readonly books: ConsumedBook[];
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #stream: string;
  readonly #log: (level: "info" | "warning", text: string) => void;
  readonly #iters: ConsumerMessages[] = [];
  #jsm: JetStreamManager | undefined;
  readonly #loops: Promise<void>[] = [];
  #listeners: (() => void)[] = [];

  private constructor(nc: NatsConnection, opts: ConsumerOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#stream = opts.stream ?? "MD";
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
      const jsm = await jetstreamManager(nc, { timeout: opts.connectTimeoutMs ?? 3000 });
      await jsm.streams.info(c.#stream);
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
    const jsm = this.#jsm = await jetstreamManager(this.#nc);
    for (const b of this.books) {
      try {
        const last = await jsm.streams.getMessage(this.#stream, { last_by_subj: b.subjects.snapshot });
        if (last) b.startSeq = last.seq;
      } catch { /* no snapshot copy yet: from the first message */ }
      const c = await this.#js.consumers.get(
        this.#stream,
        b.startSeq > 0
          ? {
            filter_subjects: `${b.subjects.prefix}.>`,
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: b.startSeq,
          }
          : { filter_subjects: `${b.subjects.prefix}.>`, deliver_policy: DeliverPolicy.All },
      );
      this.#log(
        "info",
        `${b.subjects.prefix}: starting ${
          b.startSeq > 0 ? `from the snapshot at stream seq ${b.startSeq}` : "from the first message"
        }`,
      );
      b.endSeq = await this.#lastSeqOf(b);
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
      if (b.lastSeq >= end) b.caughtUp = true;
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

  #invalid(b: ConsumedBook, reason: string): void {
    this.#log("warning", `${b.subjects.prefix}: book invalid: ${reason}`);
    for (const f of b.invalid) f(b, reason);
  }

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
    if (id.runId !== b.runId) {
      if (b.runId !== "") {
        this.#invalid(b, `publisher restarted (run ${b.runId} -> ${id.runId}): rebuilding from its snapshot`);
        b.replica = new BookReplica(b.instrument.id);
        b.view = new L2BookView(b.replica.book, b.instrument);
      }
      b.runId = id.runId;
    }
    const batch = b.decoder.batch;
    const r = b.replica;
    const kind = batch.messageKind;
    const seq = batch.seq;
    if (kindTok === "snapshot" && r.valid && seq <= r.bookSeq) {
      b.copiesSkipped++;
      return this.#notify();
    }
    const before = r.bookSeq;
    const wasValid = r.valid;
    const missed = r.missedBook;
    r.apply(batch);
    if (kind !== RecordKind.Trade && r.missedBook > missed && before > 0) {
      if (b.missing.length < 1000) b.missing.push([before + 1, seq - 1]);
      this.#invalid(
        b,
        `seq jump ${before} -> ${seq}: book seqs ${before + 1}..${seq - 1} missing; awaiting a snapshot`,
      );
    } else if (kind === RecordKind.Clear && wasValid) {
      this.#invalid(b, `clear (${reasonOf(m.data, batch.view.getUint16(6, true))})`);
    }
    if (r.valid && !b.synchronized) {
      b.synchronized = true;
      this.#log("info", `${b.subjects.prefix}: synchronized at book seq ${r.bookSeq}`);
    }
    b.instrument.priceDecimals = batch.view.getUint8(4);
    b.instrument.qtyDecimals = batch.view.getUint8(5);
    b.view.valid = r.valid;
    const subs = b.subs;
    for (let i = 0; i < subs.length; i++) {
      try {
        subs[i]!(batch, b.view);
      } catch (e) {
        this.#log("warning", `subscriber threw and was removed: ${errText(e)}`);
        b.subs = b.subs.filter((s) => s !== subs[i]);
      }
    }
    this.#notify();
  }

  #notify(): void {
    for (const l of this.#listeners) l();
  }
}

function reasonOf(data: Uint8Array, code: number): string {
  if (data[0] === 0x7b) {
    try {
      return String(JSON.parse(new TextDecoder().decode(data)).reason);
    } catch { /* fall through */ }
  }
  return `reason code ${code}`;
}
