/**
 * The logger's consumer loop, separate from the Worker shell so it can also run in a test
 * thread. Decodes records, histograms `Latency` samples per (source, label), prints
 * `LatencySummary` lines on every `MetricsFlushed` (interval) and at shutdown (whole run),
 * formats lines and writes them to a sink in batches.
 * @module
 */
import * as hdr from "npm:hdr-histogram-js@3.0.1";
import { RingConsumer } from "../spsc/mod.ts";
import { decodeRecord } from "./codec.ts";
import { EventKind, type LogEvent, newLogEvent } from "./events.ts";
import { formatJson, formatText, type LogFormat } from "./format.ts";
import type { LineSink } from "./sink.ts";
import { type MetricsReply, MetricsResponder } from "../ops/channel.ts";

/** The first message to the logger Worker. */
export interface LoggerWorkerInit {
  /** The ring buffer (from `createRingBuffer`). */
  sab: SharedArrayBuffer;
  /** Output format. */
  format: LogFormat;
  /** Log file path; stderr when undefined. */
  file?: string;
  /** CPU to pin the Worker thread to (needs --allow-ffi). */
  core?: number;
  /** Producer's monotonic ns at logger start: the `(+…us)` origin. */
  startNs: number;
  /**
   * Producer's wall ns (since the epoch) at the same instant as `startNs`. When set, the first
   * text line and every warning and error line carry the ISO-8601 UTC time, and every JSONL line
   * a `time` field.
   */
  startWallNs?: number;
  /** Print every `Latency` sample, not only summaries. */
  verbose?: boolean;
  /** Idle wait before re-checking the ring, ms (default 50; at most 20 with `metrics`). */
  idleWaitMs?: number;
  /** Keep metrics and answer requests on this control block (`ops/channel.ts`). */
  metrics?: { ctrl: SharedArrayBuffer; staleAfterMs?: number };
}

/** What the consumer counted, posted with `{type: "drained"}`. */
export interface ConsumerStats {
  /** Records decoded. */
  records: number;
  /** Lines written. */
  lines: number;
  /** Records the producer dropped (ring full). */
  dropped: number;
  /** True when a `Shutdown` record was seen. */
  sawShutdown: boolean;
  /** Sink writes that failed (e.g. stderr closed); the ring is still drained. */
  sinkErrors: number;
  /** The first sink error, "" when none. */
  firstSinkError: string;
}

interface Hist {
  source: string;
  label: string;
  interval: hdr.Histogram;
  total: hdr.Histogram;
}

function newHist(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Drains a logger ring into a sink. */
export class LoggerConsumer {
  readonly #ring: RingConsumer;
  readonly #sink: LineSink;
  readonly #init: LoggerWorkerInit;
  readonly #names: string[] = [""];
  readonly #hists = new Map<number, Hist>();
  readonly #ev: LogEvent = newLogEvent();
  readonly #stats: ConsumerStats = {
    records: 0,
    lines: 0,
    dropped: 0,
    sawShutdown: false,
    sinkErrors: 0,
    firstSinkError: "",
  };

  readonly #metrics: MetricsResponder | undefined;

  /** Attach to the ring in `init.sab` and write to `sink`; `post` carries metrics replies. */
  constructor(init: LoggerWorkerInit, sink: LineSink, post?: (m: MetricsReply) => void) {
    this.#ring = new RingConsumer(init.sab);
    this.#sink = sink;
    this.#init = init;
    const m = init.metrics;
    if (m !== undefined && post !== undefined) {
      this.#metrics = new MetricsResponder(
        m.ctrl,
        post,
        m.staleAfterMs ? { staleAfterMs: m.staleAfterMs } : {},
      );
    }
  }

  /** Answer a pending metrics request now (the run loop does this after every drain). */
  answerMetrics(): void {
    const ring = this.#ring;
    this.#metrics?.poll({
      depth: ring.len(),
      capacity: ring.capacity,
      dropped: ring.dropped(),
      records: this.#stats.records,
    });
  }

  /** Consume until the producer closes the ring and it is empty; then flush. Blocks. */
  run(): ConsumerStats {
    const ring = this.#ring;
    const idle = this.#metrics ? Math.min(this.#init.idleWaitMs ?? 20, 20) : this.#init.idleWaitMs ?? 50;
    for (;;) {
      this.drainOnce();
      this.answerMetrics();
      this.#flushSink();
      const r = ring.wait(idle);
      if (r === "closed") break;
    }
    this.drainOnce();
    this.#finish();
    return this.#stats;
  }

  /** Handle every record readable now. Returns how many. */
  drainOnce(): number {
    const ring = this.#ring;
    let total = 0;
    for (;;) {
      const n = ring.available();
      if (n === 0) return total;
      for (let i = 0; i < n; i++) {
        decodeRecord(ring.bytes, ring.view, ring.offsetAt(i), this.#names, this.#ev);
        this.#handle(this.#ev);
      }
      ring.release(n);
      total += n;
    }
  }

  #handle(ev: LogEvent): void {
    this.#stats.records++;
    this.#metrics?.registry.onEvent(ev);
    switch (ev.kind) {
      case EventKind.Intern:
        this.#names[ev.a] = ev.text;
        return;
      case EventKind.Latency:
        this.#record(ev);
        if (this.#init.verbose) this.#line(ev);
        return;
      case EventKind.MetricsFlushed:
        this.#summaries(ev.t, false);
        ev.a = this.#stats.records;
        this.#line(ev);
        return;
      case EventKind.Shutdown:
        this.#stats.sawShutdown = true;
        this.#line(ev);
        return;
      case EventKind.IoStats:
        if (this.#init.verbose) this.#line(ev);
        return;
      default:
        this.#line(ev);
    }
  }

  #record(ev: LogEvent): void {
    const key = this.#keyOf(ev);
    let h = this.#hists.get(key);
    if (h === undefined) {
      h = { source: ev.source, label: ev.label, interval: newHist(), total: newHist() };
      this.#hists.set(key, h);
    }
    const v = Math.max(1, Math.round(ev.a));
    h.interval.recordValue(v);
    h.total.recordValue(v);
  }

  #keyOf(ev: LogEvent): number {
    return ev.sourceId * 65536 + ev.labelId;
  }

  #summaries(t: number, whole: boolean): void {
    const ev = newLogEvent();
    for (const h of this.#hists.values()) {
      const hist = whole ? h.total : h.interval;
      if (hist.totalCount === 0) continue;
      ev.kind = EventKind.LatencySummary;
      ev.source = h.source;
      ev.label = whole ? `${h.label} (run)` : h.label;
      ev.t = t;
      // hdr reports a bucket's highest equivalent value, which can exceed the exact max: clamp.
      const max = hist.maxValue;
      ev.a = hist.totalCount;
      ev.b = Math.min(hist.getValueAtPercentile(50), max);
      ev.c = Math.min(hist.getValueAtPercentile(90), max);
      ev.d = Math.min(hist.getValueAtPercentile(99), max);
      ev.e = Math.min(hist.getValueAtPercentile(99.9), max);
      ev.f = max;
      this.#line(ev);
      if (!whole) hist.reset();
    }
  }

  #line(ev: LogEvent): void {
    const init = this.#init;
    const since = (ev.t - init.startNs) / 1000;
    let wall: number | undefined;
    if (init.startWallNs !== undefined) {
      const k = ev.kind;
      if (
        init.format === "jsonl" || this.#stats.lines === 0 || k === EventKind.Warning || k === EventKind.Error
      ) {
        wall = init.startWallNs + (ev.t - init.startNs);
      }
    }
    const line = init.format === "jsonl" ? formatJson(ev, since, wall) : formatText(ev, since, wall);
    if (this.#stats.sinkErrors > 0) return; // the sink is broken: keep draining, stop writing
    try {
      this.#sink.push(line);
      this.#stats.lines++;
    } catch (e) {
      this.#sinkFailed(e);
    }
  }

  #flushSink(): void {
    if (this.#stats.sinkErrors > 0) return;
    try {
      this.#sink.flush();
    } catch (e) {
      this.#sinkFailed(e);
    }
  }

  #sinkFailed(e: unknown): void {
    if (this.#stats.sinkErrors++ === 0) {
      this.#stats.firstSinkError = e instanceof Error ? e.message : String(e);
    }
  }

  #finish(): void {
    const t = this.#ev.t;
    this.#summaries(t, true);
    this.#stats.dropped = this.#ring.dropped();
    const q = newLogEvent();
    q.kind = EventKind.QueueDepth;
    q.t = t;
    q.a = this.#ring.len();
    q.b = this.#ring.capacity;
    q.c = this.#stats.dropped;
    this.#line(q);
    try {
      this.#sink.close();
    } catch (e) {
      this.#sinkFailed(e);
    }
    for (const h of this.#hists.values()) {
      h.interval.destroy();
      h.total.destroy();
    }
  }
}
