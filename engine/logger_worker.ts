/**
 * The logger Worker (consumer side). It owns the ring's consumer: decodes records, keeps
 * latency histograms (hdr-histogram-js; the producer only sends raw values), formats lines and
 * writes them in batches to its sink. It blocks in `Atomics.wait` when idle, which is fine in
 * a Worker. On the producer's `Shutdown` record and ring close it drains everything, prints the
 * final latency summaries, flushes, posts `{type: "drained"}` and closes.
 *
 * Protocol: the first message is a {@linkcode LoggerWorkerInit}; the Worker answers
 * `{type: "ready"}` or `{type: "failed", error}` (e.g. an unwritable log file).
 * @module
 */
/// <reference lib="deno.worker" />
import { LoggerConsumer, type LoggerWorkerInit } from "./logger_consumer.ts";
import { openSink } from "./sink.ts";
import { pinCurrentThread } from "./pinning.ts";

self.onmessage = (e: MessageEvent<LoggerWorkerInit>) => {
  const init = e.data;
  let consumer: LoggerConsumer;
  try {
    const sink = openSink(init.file);
    consumer = new LoggerConsumer(init, sink, (m) => self.postMessage(m));
  } catch (err) {
    self.postMessage({ type: "failed", error: err instanceof Error ? err.message : String(err) });
    self.close();
    return;
  }
  let pinned = "";
  if (init.core !== undefined) {
    const r = pinCurrentThread(init.core);
    pinned = r.ok
      ? `logger worker pinned to cpu ${init.core} (sched_setaffinity)`
      : `logger worker not pinned: ${r.error}`;
  }
  self.postMessage({ type: "ready", pinned });
  const stats = consumer.run();
  self.postMessage({ type: "drained", ...stats });
  self.close();
};
