/**
 * `MetricsRegistry`: the metrics the logger Worker keeps from the events it decodes — counters,
 * per-instrument sync state and last-message time, fixed-bucket latency histograms — and their
 * Prometheus exposition. The producer only emits raw events; everything here runs in the Worker.
 *
 * Labels are `venue`, `market`, `symbol` (one set per handler, a bounded number) plus `reason`
 * on resyncs and `state` on the sync-state gauge, both from fixed lists.
 * @module
 */
import { EventKind, type LogEvent, RESYNC_NAMES } from "../engine/events.ts";
import { ExpositionWriter, labelSet } from "./exposition.ts";
import { BucketHistogram, LATENCY_BUCKETS_S } from "./histogram.ts";
import { instrumentLabels, type InstrumentSnapshot, SYNC_STATE_NAMES } from "./snapshot.ts";

const NEVER = 0;
const SYNCED = 1;
const RESYNCING = 2;
const STALE = 3;

/** Latency labels exported as histograms, with their metric names. */
const HISTOGRAMS: Record<string, { metric: string; help: string }> = {
  apply: { metric: "hft_apply_latency_seconds", help: "Time to parse and apply one frame to the book." },
  wire_to_book: {
    metric: "hft_wire_to_book_latency_seconds",
    help: "Time from a frame's receipt to the book updated with it.",
  },
};

/** One instrument's metrics. */
class Instrument {
  readonly name: string;
  readonly venue: string;
  readonly market: string;
  readonly symbol: string;
  /** `{venue="…",market="…",symbol="…"}`. */
  readonly labels: string;
  readonly pairs: [string, string][];
  state = NEVER;
  syncedAtNs = NaN;
  lastMsgNs = NaN;
  messages = 0;
  applied = 0;
  bytes = 0;
  captureBytes = 0;
  restWeight = 0;
  snapshots = 0;
  reconnects = 0;
  readonly resyncs = new Float64Array(RESYNC_NAMES.length);
  readonly hists = new Map<string, BucketHistogram>();

  constructor(name: string) {
    this.name = name;
    const l = instrumentLabels(name);
    this.venue = l.venue;
    this.market = l.market;
    this.symbol = l.symbol;
    this.pairs = [["venue", l.venue], ["market", l.market], ["symbol", l.symbol]];
    this.labels = labelSet(this.pairs);
  }

  /** The state at `nowNs`: a synchronized book with no message for `staleNs` is stale. */
  stateAt(nowNs: number, staleNs: number): number {
    if (this.state !== SYNCED) return this.state;
    const last = Number.isNaN(this.lastMsgNs) ? this.syncedAtNs : Math.max(this.lastMsgNs, this.syncedAtNs);
    return nowNs - last > staleNs ? STALE : SYNCED;
  }
}

/** Log-ring figures the Worker reads straight from the ring at exposition time. */
export interface QueueFigures {
  /** Records waiting in the ring. */
  depth: number;
  /** Ring capacity in records. */
  capacity: number;
  /** Records the producer dropped because the ring was full. */
  dropped: number;
  /** Records the Worker decoded so far. */
  records: number;
}

/** Options of {@linkcode MetricsRegistry}. */
export interface RegistryOptions {
  /** A synchronized instrument with no message for this long counts as stale (default 30 s). */
  staleAfterMs?: number;
}

/** Metrics kept from logger events, keyed by the interned source id. */
export class MetricsRegistry {
  readonly #byId = new Map<number, Instrument>();
  readonly #list: Instrument[] = [];
  readonly #staleNs: number;

  /** An empty registry. */
  constructor(options: RegistryOptions = {}) {
    this.#staleNs = (options.staleAfterMs ?? 30_000) * 1e6;
  }

  /** Instruments seen so far. */
  get size(): number {
    return this.#list.length;
  }

  /** Account for one decoded event (the Worker reuses `ev`; nothing of it is kept by reference). */
  onEvent(ev: LogEvent): void {
    if (ev.sourceId === 0 || ev.source.indexOf(":") < 0) return; // engine-wide events
    let ins = this.#byId.get(ev.sourceId);
    if (ins === undefined) {
      ins = new Instrument(ev.source);
      this.#byId.set(ev.sourceId, ins);
      this.#list.push(ins);
    }
    switch (ev.kind) {
      case EventKind.SnapshotApplied:
        ins.snapshots++;
        return;
      case EventKind.Synchronized:
        ins.state = SYNCED;
        ins.syncedAtNs = ev.t;
        return;
      case EventKind.Resync:
        ins.resyncs[ev.a >= 0 && ev.a < RESYNC_NAMES.length ? ev.a : 0]!++;
        if (ins.state !== NEVER) ins.state = RESYNCING;
        return;
      case EventKind.Disconnected:
        if (ins.state === SYNCED) ins.state = STALE; // the book is kept, but nothing updates it
        return;
      case EventKind.Reconnecting:
        ins.reconnects++;
        return;
      case EventKind.DiffStats:
        ins.messages = Math.max(ins.messages, ev.a);
        ins.applied = Math.max(ins.applied, ev.b);
        return;
      case EventKind.IoStats:
        ins.bytes = Math.max(ins.bytes, ev.a);
        ins.captureBytes = Math.max(ins.captureBytes, ev.b);
        ins.restWeight = Math.max(ins.restWeight, ev.c);
        return;
      case EventKind.Latency: {
        if (HISTOGRAMS[ev.label] === undefined) return;
        let h = ins.hists.get(ev.label);
        if (h === undefined) ins.hists.set(ev.label, h = new BucketHistogram());
        h.record(ev.a);
        ins.lastMsgNs = ev.t;
        return;
      }
    }
  }

  /** The instruments for `/healthz` and the live page, as of `nowNs` (producer clock). */
  instruments(nowNs: number): InstrumentSnapshot[] {
    return this.#list.map((i) => {
      const h = i.hists.get("wire_to_book") ?? i.hists.get("apply");
      let resyncs = 0;
      for (const r of i.resyncs) resyncs += r;
      return {
        name: i.name,
        venue: i.venue,
        market: i.market,
        symbol: i.symbol,
        state: SYNC_STATE_NAMES[i.stateAt(nowNs, this.#staleNs)]!,
        messages: i.messages,
        applied: i.applied,
        resyncs,
        reconnects: i.reconnects,
        lastMessageAgeS: Number.isNaN(i.lastMsgNs) ? null : Math.max(0, nowNs - i.lastMsgNs) / 1e9,
        latency: {
          boundsS: LATENCY_BUCKETS_S,
          counts: h ? Array.from(h.counts) : new Array(LATENCY_BUCKETS_S.length + 1).fill(0),
          count: h?.count ?? 0,
          sumS: (h?.sumNs ?? 0) / 1e9,
        },
      };
    });
  }

  /** The whole `/metrics` body as of `nowNs` (producer clock). */
  render(nowNs: number, q: QueueFigures): string {
    const w = new ExpositionWriter();
    const list = this.#list;
    const counter = (name: string, help: string, get: (i: Instrument) => number): void => {
      w.family(name, "counter", help);
      for (const i of list) w.sample(name, i.labels, get(i));
    };
    counter(
      "hft_messages_received_total",
      "Market-data messages received (depth diffs or books).",
      (i) => i.messages,
    );
    counter(
      "hft_received_bytes_total",
      "Bytes of text received: WebSocket frames and REST bodies.",
      (i) => i.bytes,
    );
    counter("hft_frames_applied_total", "Frames applied to the local book.", (i) => i.applied);
    w.family("hft_resyncs_total", "counter", "Book resynchronisations, by reason.");
    for (const i of list) {
      for (let r = 0; r < RESYNC_NAMES.length; r++) {
        w.sample("hft_resyncs_total", labelSet([...i.pairs, ["reason", RESYNC_NAMES[r]!]]), i.resyncs[r]!);
      }
    }
    counter("hft_snapshots_applied_total", "Book snapshots applied.", (i) => i.snapshots);
    counter("hft_rest_weight_used_total", "REST request weight spent on snapshots.", (i) => i.restWeight);
    counter("hft_reconnects_total", "Reconnects scheduled after a lost connection.", (i) => i.reconnects);
    counter("hft_capture_written_bytes_total", "Capture bytes written to disk.", (i) => i.captureBytes);
    w.family("hft_sync_state", "gauge", "1 for the instrument's current sync state, 0 for the others.");
    const states = list.map((i) => i.stateAt(nowNs, this.#staleNs));
    list.forEach((i, k) => {
      for (let s = 0; s < SYNC_STATE_NAMES.length; s++) {
        w.sample(
          "hft_sync_state",
          labelSet([...i.pairs, ["state", SYNC_STATE_NAMES[s]!]]),
          states[k] === s ? 1 : 0,
        );
      }
    });
    w.family(
      "hft_last_message_age_seconds",
      "gauge",
      "Seconds since the instrument's last market-data message.",
    );
    for (const i of list) {
      if (!Number.isNaN(i.lastMsgNs)) {
        w.sample("hft_last_message_age_seconds", i.labels, Math.max(0, nowNs - i.lastMsgNs) / 1e9);
      }
    }
    w.family("hft_instruments", "gauge", "Instruments (handlers) known to the process.");
    w.sample("hft_instruments", "", list.length);
    w.family(
      "hft_stale_instruments",
      "gauge",
      "Instruments whose book is stale (disconnected, or silent too long).",
    );
    w.sample("hft_stale_instruments", "", states.filter((s) => s === STALE).length);
    w.family("hft_log_queue_depth", "gauge", "Records waiting in the log ring.");
    w.sample("hft_log_queue_depth", "", q.depth);
    w.family("hft_log_queue_capacity", "gauge", "Capacity of the log ring in records.");
    w.sample("hft_log_queue_capacity", "", q.capacity);
    w.family("hft_log_records_dropped_total", "counter", "Log records dropped because the ring was full.");
    w.sample("hft_log_records_dropped_total", "", q.dropped);
    w.family("hft_log_records_total", "counter", "Log records decoded by the logger Worker.");
    w.sample("hft_log_records_total", "", q.records);
    for (const label of Object.keys(HISTOGRAMS)) this.#histogram(w, label);
    return w.text();
  }

  #histogram(w: ExpositionWriter, label: string): void {
    const { metric, help } = HISTOGRAMS[label]!;
    w.family(metric, "histogram", help);
    for (const i of this.#list) {
      const h = i.hists.get(label);
      if (h === undefined) continue;
      const cum = h.cumulative();
      for (let b = 0; b < cum.length; b++) {
        const le = b < LATENCY_BUCKETS_S.length ? String(LATENCY_BUCKETS_S[b]) : "+Inf";
        w.sample(`${metric}_bucket`, labelSet([...i.pairs, ["le", le]]), cum[b]!);
      }
      w.sample(`${metric}_sum`, i.labels, h.sumNs / 1e9);
      w.sample(`${metric}_count`, i.labels, h.count);
    }
  }
}
