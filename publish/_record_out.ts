/**
 * Private: the publisher Worker's step from a message read off the record ring to a NATS publish
 * — subject, payload (json or binary, cut from a {@linkcode PayloadSlab}) and `Nats-Msg-Id`
 * header bytes — and the publisher's own loss signalling.
 *
 * Losses: the record ring's `gap` marker (the engine could not write), a book `seq` jump in the
 * ring, or a book message the publish buffer had to drop (NATS unreachable beyond the bounded
 * buffer). For each instrument concerned the publisher publishes a `clear` with reason `gap` on
 * `….book` before its next message — its `seq` is the first book `seq` consumers did not get
 * (the last one published + 1), `Nats-Msg-Id` `…b.<seq>` — then a snapshot copy follows on
 * `….snapshot` (the ring writer writes one after its gap; after a buffer drop the engine thread
 * is asked for one), so consumers see why their book is invalid and rebuild. Counted and logged.
 * Allocation per message: the payload and header views (JSON is written as bytes into the slab).
 * @module
 */
import { ResyncReason } from "../engine/events.ts";
import type { Instrument } from "../market/instrument.ts";
import { formatMessageJson } from "../market/json.ts";
import { newHeader, Off, RECORD_BYTES, RecordBatch, RecordKind } from "../market/record.ts";
import { msgIdHead, type PayloadSlab } from "./_payload_slab.ts";
import { jsonBound, jsonHead, writeMessageJson } from "./_json_bytes.ts";
import type { PublishFormat } from "./_publish_types.ts";
import { type InstrumentSubjects, msgIdOf, subjectsOf } from "./subjects.ts";

/** Takes one publish; false = no room (the message is dropped). `header` undefined: core NATS. */
export type PublishSink = (subject: string, payload: Uint8Array, header: Uint8Array | undefined) => boolean;

/** Counters of a {@linkcode RecordOut}. */
export interface RecordOutStats {
  /** Messages lost in the record ring before the publisher (sum of `gap` markers). */
  ringLost: number;
  /** Messages dropped because the publish buffer was full. */
  dropped: number;
  /** Of which book messages (each answered by a `clear` and a snapshot copy). */
  droppedBook: number;
  /** `clear` messages the publisher published for its own losses. */
  clears: number;
}

interface PerInstrument {
  inst: Instrument;
  json: Uint8Array; // the constant start of its JSON payloads
  subj: InstrumentSubjects;
  /** Header starts for kinds b, t, s (undefined on core NATS). */
  heads: [Uint8Array, Uint8Array, Uint8Array] | undefined;
}

/** Routes ring messages to publishes. */
export class RecordOut {
  /** Counters. */
  readonly stats: RecordOutStats = { ringLost: 0, dropped: 0, droppedBook: 0, clears: 0 };
  readonly #per: (PerInstrument | undefined)[] = [];
  readonly #lastSeen: Float64Array; // last book seq read from the ring
  readonly #lastSent: Float64Array; // last book seq consumers got (published, or in a copy)
  readonly #clearDue: Uint8Array;
  readonly #cleared: Uint8Array; // 1 from our clear until a snapshot reaches consumers again
  #recovering = false; // after a gap marker, until the first message that is not a snapshot
  readonly #clear = new RecordBatch(1);
  readonly #h = newHeader();

  /**
   * Publish through `sink` in `format`; `askCopy(id)` asks the engine thread for a snapshot copy;
   * `log` reports losses. `jetstream` false: no `Nats-Msg-Id` headers. Allocates (once).
   */
  constructor(
    instruments: Instrument[],
    runId: string,
    readonly format: PublishFormat,
    jetstream: boolean,
    readonly slab: PayloadSlab,
    readonly sink: PublishSink,
    readonly askCopy: (id: number) => void,
    readonly log: (level: "warning", text: string) => void,
  ) {
    for (const inst of instruments) {
      if (inst === undefined) continue;
      const subj = subjectsOf(inst.venue, inst.market, inst.symbol);
      const head = (k: "b" | "t" | "s") => msgIdHead(msgIdOf(subj.prefix, runId, k, 0).slice(0, -1));
      this.#per[inst.id] = {
        inst,
        json: jsonHead(inst),
        subj,
        heads: jetstream ? [head("b"), head("t"), head("s")] : undefined,
      };
    }
    this.#lastSeen = new Float64Array(instruments.length);
    this.#lastSent = new Float64Array(instruments.length);
    this.#clearDue = new Uint8Array(instruments.length);
    this.#cleared = new Uint8Array(instruments.length);
  }

  #payload(b: RecordBatch, p: PerInstrument): Uint8Array {
    if (this.format === "binary") return this.slab.copy(b.bytes, b.count * RECORD_BYTES);
    const slab = this.slab;
    const buf = slab.room(jsonBound(p.json, b.count));
    const end = writeMessageJson(b.view, b.count, p.json, buf, slab.at);
    return end >= 0 ? slab.commit(end) : slab.text(formatMessageJson(b.view, b.count, p.inst));
  }

  #send(p: PerInstrument, subject: string, k: 0 | 1 | 2, seq: number, b: RecordBatch): boolean {
    const header = p.heads === undefined ? undefined : this.slab.msgIdHeader(p.heads[k], seq);
    return this.sink(subject, this.#payload(b, p), header);
  }

  /** Publish one message read from the ring (`b`: the reader's batch). */
  take(b: RecordBatch): void {
    const v = b.view;
    const kind = v.getUint8(Off.kind);
    if (kind === RecordKind.Gap) {
      const n = v.getFloat64(Off.lost, true);
      this.stats.ringLost += n;
      this.#recovering = true;
      this.log(
        "warning",
        `record ring full: ${n} messages lost before the publisher (clear + snapshot follow)`,
      );
      return;
    }
    const id = v.getUint16(Off.instrument, true);
    const p = this.#per[id];
    if (p === undefined) return;
    const seq = v.getFloat64(Off.seq, true);
    if (kind === RecordKind.Trade) {
      this.#recovering = false;
      if (!this.#send(p, p.subj.trade, 1, seq, b)) this.#dropped(false);
      return;
    }
    const seen = this.#lastSeen[id]!;
    const isSnap = kind === RecordKind.Snapshot;
    // A copy of the book (periodic, asked for, or written after a ring gap) carries the seq of
    // the last book message it includes: published on `….snapshot`.
    const isCopy = isSnap && (seq <= seen || this.#recovering);
    if (!isSnap) this.#recovering = false;
    if (seen > 0 && (seq > seen + 1 || (isCopy && seq > seen))) this.#clearDue[id] = 1; // lost in the ring
    if (seq > seen) this.#lastSeen[id] = seq;
    if (this.#clearDue[id] === 1 && !this.#publishClear(p, id, b)) {
      return this.#dropped(true, id, seq, isCopy);
    }
    const ok = isCopy ? this.#send(p, p.subj.snapshot, 2, seq, b) : this.#send(p, p.subj.book, 0, seq, b);
    if (!ok) return this.#dropped(true, id, seq, isCopy);
    if (isSnap) this.#cleared[id] = 0;
    if (seq > this.#lastSent[id]!) this.#lastSent[id] = seq;
  }

  // The publisher's own clear for instrument `id`, before message `b`; false when it did not fit.
  #publishClear(p: PerInstrument, id: number, b: RecordBatch): boolean {
    const sent = this.#lastSent[id]!;
    if (sent === 0) { // consumers have nothing of it yet: nothing to invalidate
      this.#clearDue[id] = 0;
      return true;
    }
    const seq = sent + 1;
    const h = this.#h;
    h.kind = RecordKind.Clear;
    h.instrument = id;
    h.priceDecimals = b.view.getUint8(Off.priceDecimals);
    h.qtyDecimals = b.view.getUint8(Off.qtyDecimals);
    h.reason = ResyncReason.Gap;
    h.seq = seq;
    h.updateId = 0;
    h.eventTimeMs = 0;
    const ns = Date.now();
    h.recvSec = Math.floor(ns / 1000);
    h.recvSubNs = (ns % 1000) * 1e6;
    const c = this.#clear;
    c.begin(h);
    c.add(0, 0, 0);
    c.finish(true);
    if (!this.#send(p, p.subj.book, 0, seq, c)) return false;
    this.#clearDue[id] = 0;
    this.#cleared[id] = 1;
    this.#lastSent[id] = seq;
    const n = ++this.stats.clears;
    if ((n & (n - 1)) === 0) {
      this.log("warning", `${p.subj.prefix}: published clear (gap) at book seq ${seq} (${n} so far)`);
    }
    return true;
  }

  #dropped(book: boolean, id = 0, seq = 0, isCopy = false): void {
    const n = ++this.stats.dropped;
    if (book) {
      this.stats.droppedBook++;
      // Consumers miss a book message (not just a copy of what they have): clear, then a copy.
      // Not again while our last clear stands (no snapshot since): they are rebuilding already.
      if (this.#cleared[id] === 0 && (!isCopy || seq > this.#lastSent[id]!)) this.#clearDue[id] = 1;
      this.askCopy(id);
    }
    if ((n & (n - 1)) === 0) this.log("warning", `publish buffer full: ${n} messages dropped so far`);
  }
}
