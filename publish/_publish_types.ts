/**
 * Private: the messages between {@linkcode startPublisher} and its Worker.
 * @module
 */
import type { Instrument } from "../market/instrument.ts";
import type { StreamSettings } from "./stream_setup.ts";

/** Payload form on the wire. */
export type PublishFormat = "json" | "binary";

/** The Worker's init message. */
export interface PublishWorkerInit {
  /** The record ring. */
  sab: SharedArrayBuffer;
  /** One Int32 per instrument: the Worker sets 1 to ask the engine thread for a snapshot copy. */
  ctrl: SharedArrayBuffer;
  /** Server URLs. */
  servers: string[];
  /** Payload form. */
  format: PublishFormat;
  /** This run's id (in every `Nats-Msg-Id`). */
  runId: string;
  /** Instruments by id. */
  instruments: Instrument[];
  /** Publish to JetStream (acks) — false: core NATS only (benchmarks). */
  jetstream: boolean;
  /** The stream to create or check. */
  stream: StreamSettings;
  /** Messages held unacknowledged at most. */
  maxPending: number;
  /** Bytes held unacknowledged at most. */
  maxPendingBytes: number;
  /** Publishes in flight at most. */
  window: number;
  /** Connect / stream check timeout, ms. */
  connectTimeoutMs: number;
  /** A publish not acknowledged within this is retried, ms. */
  ackTimeoutMs: number;
  /** At close, wait this long for the last acks, ms. */
  drainTimeoutMs: number;
  /** Idle: poll the ring this long (µs) before sleeping on it. */
  idleSpinUs: number;
  /** Idle: sleep in `Atomics.waitAsync` (async) or block in `Atomics.wait` 1 ms at a time. */
  idleWait: "async" | "block";
  /** One Int32: while 1 the Worker, connected, does not read the ring (tests). */
  paused?: SharedArrayBuffer;
}

/** The Worker's final counters. */
export interface PublishDone {
  /** Messages taken into the publish buffer. */
  accepted: number;
  /** Messages acknowledged (stored by JetStream, or written on core NATS). */
  acked: number;
  /** Acks that said duplicate (a retry of a message already stored). */
  duplicates: number;
  /** Publishes retried. */
  retries: number;
  /** Messages still unacknowledged at the end (lost). */
  unacked: number;
  /** Messages dropped because the publish buffer was full. */
  dropped: number;
  /** Of which book messages (each answered by a `clear` and a snapshot copy). */
  droppedBook: number;
  /** Messages lost in the record ring before the Worker. */
  ringLost: number;
  /** `clear` messages the publisher published for its own losses (each followed by a copy). */
  clears: number;
  /** Reconnects to NATS. */
  reconnects: number;
  /** Publish errors seen. */
  errors: number;
}
