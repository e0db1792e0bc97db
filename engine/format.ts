/**
 * Line formatting of decoded logger events (Worker side; builds strings).
 * Text follows hft-rs: `[binance:BTCUSDT] snapshot applied bids=1000 asks=1000 (+219us)`;
 * the suffix is microseconds since the logger started, and on the lines given a wall time (the
 * first line, warnings, errors) also the ISO-8601 UTC time: `(+219us 2026-11-24T10:00:00.123456Z)`.
 * JSONL is one object per event with snake_case field names per kind, plus `time` (ISO-8601 UTC)
 * when a wall time is given.
 * @module
 */
import { EVENT_NAMES, EventKind, type LogEvent, RESYNC_NAMES } from "./events.ts";

/** Output format of the logger. */
export type LogFormat = "text" | "jsonl";

/** Human form of a duration in ns: `0.42us`, `87us`, `12.3ms`. */
export function formatNs(ns: number): string {
  if (ns < 10_000) return `${(ns / 1000).toFixed(2)}us`;
  if (ns < 10_000_000) return `${Math.round(ns / 1000)}us`;
  return `${(ns / 1e6).toFixed(1)}ms`;
}

/** ISO-8601 UTC with microseconds of a wall time in ns since the epoch: `2026-11-24T10:00:00.123456Z`. */
export function isoUtc(wallNs: number): string {
  const us = Math.floor(wallNs / 1000);
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // …T10:00:00.123Z
  return `${iso.slice(0, -1)}${String(us - ms * 1000).padStart(3, "0")}Z`;
}

function tag(ev: LogEvent): string {
  return ev.source === "" ? "[engine]" : `[${ev.source}]`;
}

/**
 * One text line (without newline) for `ev`; `sinceUs` is the `(+…us)` suffix value; `wallNs`,
 * when given, adds the ISO-8601 UTC time to the suffix.
 */
export function formatText(ev: LogEvent, sinceUs: number, wallNs?: number): string {
  const rel = `+${Math.max(0, Math.round(sinceUs))}us`;
  const suffix = wallNs === undefined ? ` (${rel})` : ` (${rel} ${isoUtc(wallNs)})`;
  switch (ev.kind) {
    case EventKind.EngineStarted:
      return `[engine] ${ev.source} started${suffix}`;
    case EventKind.EngineStopped:
      return `[engine] ${ev.source} stopped${suffix}`;
    case EventKind.Connected:
      return `${tag(ev)} connected ${ev.text}${suffix}`;
    case EventKind.Disconnected:
      return `${tag(ev)} disconnected code=${ev.a} ${ev.text}${suffix}`;
    case EventKind.Reconnecting:
      return `${tag(ev)} reconnecting attempt=${ev.a} in ${ev.b}ms${suffix}`;
    case EventKind.Subscribed:
      return `${tag(ev)} subscribed ${ev.text}${suffix}`;
    case EventKind.SnapshotApplied:
      return `${tag(ev)} snapshot applied bids=${ev.a} asks=${ev.b} id=${ev.c}${suffix}`;
    case EventKind.Synchronized:
      return `${tag(ev)} synchronized id=${ev.a} buffered=${ev.b}${suffix}`;
    case EventKind.Resync:
      // Update ids only when the reason has them (a gap, no bridge): "expected=0 got=0" said nothing.
      return `${tag(ev)} resync reason=${RESYNC_NAMES[ev.a] ?? ev.a}${
        ev.c > 0 ? ` expected=${ev.b} got=${ev.c}` : ev.b > 0 ? ` at update id ${ev.b}` : ""
      } ${ev.text}${suffix}`;
    case EventKind.DiffStats:
      return `${
        tag(ev)
      } diffs received=${ev.a} applied=${ev.b} skipped=${ev.c} levels=${ev.d} last=${ev.e}${suffix}`;
    case EventKind.Latency:
      return `[latency] ${ev.label} ${formatNs(ev.a)}${suffix}`;
    case EventKind.LatencySummary:
      return `[latency] ${ev.source === "" ? "" : ev.source + " "}${ev.label} n=${ev.a} p50=${
        formatNs(ev.b)
      } p90=${formatNs(ev.c)} p99=${formatNs(ev.d)} p99.9=${formatNs(ev.e)} max=${formatNs(ev.f)}${suffix}`;
    case EventKind.MetricsFlushed:
      return `[metrics] flushed${suffix}`;
    case EventKind.QueueDepth:
      return `[log-queue] depth=${ev.a} capacity=${ev.b} dropped=${ev.c}${suffix}`;
    case EventKind.Counter:
      return `${tag(ev)} ${ev.label}=${ev.a}${suffix}`;
    case EventKind.IoStats:
      return `${tag(ev)} io received=${ev.a}B captured=${ev.b}B rest_weight=${ev.c}${suffix}`;
    case EventKind.Warning:
      return `${tag(ev)} warning: ${ev.text}${suffix}`;
    case EventKind.Error:
      return `${tag(ev)} error: ${ev.text}${suffix}`;
    case EventKind.Info:
      return `${tag(ev)} ${ev.text}${suffix}`;
    case EventKind.Shutdown:
      return `[engine] shutdown${suffix}`;
    default:
      return `${tag(ev)} unknown event kind=${ev.kind}${suffix}`;
  }
}

/** One JSON line (without newline) for `ev`; `sinceUs` becomes `t_us`, `wallNs` (if given) `time`. */
export function formatJson(ev: LogEvent, sinceUs: number, wallNs?: number): string {
  const o: Record<string, unknown> = {
    t_us: Math.max(0, Math.round(sinceUs)),
    ...(wallNs === undefined ? {} : { time: isoUtc(wallNs) }),
    kind: EVENT_NAMES[ev.kind] ?? `kind_${ev.kind}`,
  };
  if (ev.source !== "") o.source = ev.source;
  switch (ev.kind) {
    case EventKind.Disconnected:
      o.code = ev.a;
      o.reason = ev.text;
      break;
    case EventKind.Reconnecting:
      o.attempt = ev.a;
      o.delay_ms = ev.b;
      break;
    case EventKind.Connected:
      o.url = ev.text;
      break;
    case EventKind.Subscribed:
      o.subscription = ev.text;
      break;
    case EventKind.SnapshotApplied:
      o.bids = ev.a;
      o.asks = ev.b;
      o.update_id = ev.c;
      break;
    case EventKind.Synchronized:
      o.update_id = ev.a;
      o.buffered = ev.b;
      break;
    case EventKind.Resync:
      o.reason = RESYNC_NAMES[ev.a] ?? ev.a;
      o.expected = ev.b;
      o.received = ev.c;
      o.detail = ev.text;
      break;
    case EventKind.DiffStats:
      o.received = ev.a;
      o.applied = ev.b;
      o.skipped = ev.c;
      o.levels = ev.d;
      o.last_update_id = ev.e;
      break;
    case EventKind.Latency:
      o.label = ev.label;
      o.ns = ev.a;
      break;
    case EventKind.LatencySummary:
      o.label = ev.label;
      o.count = ev.a;
      o.p50_ns = ev.b;
      o.p90_ns = ev.c;
      o.p99_ns = ev.d;
      o.p999_ns = ev.e;
      o.max_ns = ev.f;
      break;
    case EventKind.MetricsFlushed:
      o.events = ev.a;
      break;
    case EventKind.QueueDepth:
      o.depth = ev.a;
      o.capacity = ev.b;
      o.dropped = ev.c;
      break;
    case EventKind.Counter:
      o.label = ev.label;
      o.value = ev.a;
      break;
    case EventKind.IoStats:
      o.received_bytes = ev.a;
      o.capture_bytes = ev.b;
      o.rest_weight = ev.c;
      break;
    case EventKind.Warning:
    case EventKind.Error:
    case EventKind.Info:
      o.message = ev.text;
      break;
  }
  if (ev.flags & 1) o.truncated = true;
  return JSON.stringify(o);
}
