/**
 * Operations: the metrics the logger Worker keeps (registry, Prometheus exposition, the
 * request channel to the Worker), the engine-thread book sampler, and the HTTP server behind
 * `--metrics-port` (`/metrics`, `/healthz`, the live page).
 * @module
 */
export { type OpsHandle, startOps } from "./attach.ts";
export {
  type BestHistory,
  BookSampler,
  type BookSamplerOptions,
  type BookSource,
  type Ladder,
} from "./book_sampler.ts";
export {
  createMetricsControl,
  MetricsLink,
  type MetricsReply,
  MetricsResponder,
  WANT_TEXT,
} from "./channel.ts";
export { escapeLabel, ExpositionWriter, formatValue, labelSet, PROM_CONTENT_TYPE } from "./exposition.ts";
export { BucketHistogram, LATENCY_BUCKETS_S } from "./histogram.ts";
export { MetricsRegistry, type QueueFigures, type RegistryOptions } from "./registry.ts";
export {
  instrumentLabels,
  type InstrumentSnapshot,
  type MetricsSnapshot,
  SYNC_STATE_NAMES,
  type SyncStateName,
} from "./snapshot.ts";
export { health, type OpsServer, type OpsServerOptions, startOpsServer } from "./server.ts";
