/**
 * `--publish`: the normalized stream to NATS JetStream from a Worker, off the engine thread.
 *
 * Engine side (this file): a {@linkcode RecordRingWriter} attached to each stream (the book
 * never waits: a full ring drops whole messages, then a `gap` and snapshot copies follow), and a
 * timer on the engine thread that, between polls, writes a snapshot copy of each valid book into
 * the ring every `snapshotEverySec` (published on `….snapshot`) and whenever the Worker asks for
 * one because it had to drop a book message. Worker side: `_publish_worker.ts`.
 * @module
 */
import type { Instrument } from "../market/instrument.ts";
import { RecordBatch } from "../market/record.ts";
import { createRecordRing, RecordRingWriter } from "../market/ring.ts";
import type { MarketStream } from "../market/stream.ts";
import type { PublishDone, PublishFormat, PublishWorkerInit } from "./_publish_types.ts";
import { DEFAULT_STREAM, type StreamSettings } from "./stream_setup.ts";
import { newRunId } from "./subjects.ts";

export type { PublishDone, PublishFormat } from "./_publish_types.ts";

/** How to publish. */
export interface PublishOptions {
  /** NATS server URLs (`nats://host:port`). */
  servers: string[];
  /** Payload form (default json). */
  format?: PublishFormat;
  /** The JetStream stream (default {@linkcode DEFAULT_STREAM}). */
  stream?: Partial<StreamSettings>;
  /** Seconds between snapshot copies on `….snapshot` (default 10; 0 = none). */
  snapshotEverySec?: number;
  /** false: core NATS only, no stream, no acks (benchmarks). Default true. */
  jetstream?: boolean;
  /** Record ring capacity (records, power of two; default 65,536). */
  ringCapacity?: number;
  /** Messages held unacknowledged at most (default 100,000). */
  maxPending?: number;
  /** Bytes held unacknowledged at most (default 64 MiB). */
  maxPendingBytes?: number;
  /** JetStream publishes in flight (acks awaited) at most (default 4,096). */
  window?: number;
  /** Run id (default: a fresh one). */
  runId?: string;
  /** Connect and stream-check timeout, ms (default 3,000). */
  connectTimeoutMs?: number;
  /** Ack timeout before a retry, ms (default 2,000). */
  ackTimeoutMs?: number;
  /** At close, wait this long for the last acks, ms (default 10,000). */
  drainTimeoutMs?: number;
  /**
   * Idle, the Worker polls the ring on every turn of its event loop this long (µs) before it
   * sleeps in `Atomics.waitAsync` (default 0: sleep at once). A message within that time is
   * picked up in a few µs instead of a wake-up, at the cost of a core while the feed is active;
   * on a shared, loaded machine it bought little p50 and cost p99 (the README's NATS bench).
   */
  idleSpinUs?: number;
  /**
   * Idle, the Worker sleeps in `Atomics.waitAsync` ("async", the default: its event loop stays
   * free) or blocks in `Atomics.wait` 1 ms at a time ("block": the engine's notify wakes it
   * directly, not through the event loop; acks and pings wait up to 1 ms). See the README's NATS
   * bench for what each costs.
   */
  idleWait?: "async" | "block";
  /**
   * Start with the Worker connected but not reading the ring until {@linkcode Publisher.resume}
   * (tests: a stalled publisher, a full ring). Default false.
   */
  paused?: boolean;
  /** Log lines from the publisher (default: stderr). */
  onLog?: (level: "info" | "warning" | "error", text: string) => void;
}

/** A running publisher. */
export interface Publisher {
  /** The ring writer (counters: messages, lostMessages, gaps). */
  readonly ring: RecordRingWriter;
  /** This run's id (in every `Nats-Msg-Id`). */
  readonly runId: string;
  /** Snapshot copies written into the ring. */
  readonly copies: () => number;
  /** Let a publisher started with `paused` read the ring. */
  resume(): void;
  /** Close the ring; resolves once the Worker drained it and got the acks (or the deadline). */
  close(): Promise<PublishDone>;
}

type Reply = {
  ready?: boolean;
  text?: string;
  error?: string;
  log?: { level: string; text: string };
  done?: PublishDone;
};

/**
 * Connect, create or check the stream, and start publishing every message of `streams`. Rejects
 * with one clear line when NATS cannot be reached or the stream is not usable. Allocates (once).
 */
export async function startPublisher(opts: PublishOptions, streams: MarketStream[]): Promise<Publisher> {
  const log = opts.onLog ?? ((l, t) => console.error(`[publish] ${l === "info" ? "" : l + ": "}${t}`));
  const sab = createRecordRing(opts.ringCapacity ?? 1 << 16);
  const ring = new RecordRingWriter(sab);
  const instruments: Instrument[] = [];
  for (const s of streams) instruments[s.instrument.id] = { ...s.instrument };
  const ctrlSab = new SharedArrayBuffer(4 * Math.max(1, instruments.length));
  const ctrl = new Int32Array(ctrlSab);
  const runId = opts.runId ?? newRunId(Date.now());
  const paused = opts.paused ? new SharedArrayBuffer(4) : undefined;
  if (paused) Atomics.store(new Int32Array(paused), 0, 1);
  const init: PublishWorkerInit = {
    sab,
    ctrl: ctrlSab,
    servers: opts.servers,
    format: opts.format ?? "json",
    runId,
    instruments,
    jetstream: opts.jetstream ?? true,
    stream: { ...DEFAULT_STREAM, ...opts.stream },
    maxPending: opts.maxPending ?? 100_000,
    maxPendingBytes: opts.maxPendingBytes ?? 64 << 20,
    window: opts.window ?? 4096,
    connectTimeoutMs: opts.connectTimeoutMs ?? 3000,
    ackTimeoutMs: opts.ackTimeoutMs ?? 2000,
    drainTimeoutMs: opts.drainTimeoutMs ?? 10_000,
    idleSpinUs: opts.idleSpinUs ?? 0,
    idleWait: opts.idleWait ?? "async",
    paused,
  };
  const worker = new Worker(new URL("./_publish_worker.ts", import.meta.url), { type: "module" });
  let opened!: (m: Reply) => void;
  let settle!: (m: Reply) => void;
  const open = new Promise<Reply>((r) => opened = r);
  const finished = new Promise<Reply>((r) => settle = r);
  worker.onmessage = (e: MessageEvent<Reply>) => {
    const m = e.data;
    if (m.log) log(m.log.level as "info", m.log.text);
    else if (m.ready) opened(m);
    else {
      opened(m);
      settle(m);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    const m = { error: `publisher worker: ${e.message}` };
    opened(m);
    settle(m);
  };
  worker.postMessage(init);
  const first = await open;
  if (first.error) {
    worker.terminate();
    throw new Error(first.error);
  }
  log("info", first.text ?? "publishing");
  for (const s of streams) ring.attach(s);

  // Snapshot copies, taken on this (the engine) thread between polls.
  let copies = 0;
  const scratch = new RecordBatch();
  const copy = (s: MarketStream): number => {
    if (!s.view.valid) return 0; // a clear was published: the next real snapshot follows
    s.copySnapshot(scratch);
    ring.write(scratch, s.view);
    copies++;
    return 1;
  };
  const every = opts.snapshotEverySec ?? 10;
  // Copies are published at once (flushed), not left for the next handler poll: the feed may be
  // quiet.
  const periodic = every > 0
    ? setInterval(() => {
      streams.forEach(copy);
      ring.flush();
    }, every * 1000)
    : undefined;
  const asked = setInterval(() => {
    let n = 0;
    for (const s of streams) if (Atomics.exchange(ctrl, s.instrument.id, 0) === 1) n += copy(s);
    if (n > 0) ring.flush();
  }, 100);
  if (periodic !== undefined) Deno.unrefTimer(periodic);
  Deno.unrefTimer(asked);
  let closing: Promise<PublishDone> | undefined;
  const resume = (): void => {
    if (!paused) return;
    const w = new Int32Array(paused);
    Atomics.store(w, 0, 0);
    Atomics.notify(w, 0);
  };
  return {
    ring,
    runId,
    copies: () => copies,
    resume,
    close(): Promise<PublishDone> {
      resume();
      closing ??= (async () => {
        clearInterval(periodic);
        clearInterval(asked);
        ring.close();
        const m = await finished;
        worker.terminate();
        if (m.error) throw new Error(m.error);
        return m.done!;
      })();
      return closing;
    },
  };
}
