import assert from "node:assert/strict";
import { EventKind, newLogEvent, ResyncReason } from "../engine/events.ts";
import { MetricsRegistry } from "./registry.ts";
import { health } from "./server.ts";
import { PROMTOOL, promtoolCheck } from "../tests/_promtool.ts";

if (PROMTOOL === null) console.warn("SKIP: promtool checks: the prometheus package is not installed");

const Q = { depth: 3, capacity: 8192, dropped: 2, records: 100 };

/** Feed one event of `kind` from source `id` named `name` at time `t` (ns). */
function feed(
  r: MetricsRegistry,
  id: number,
  name: string,
  kind: number,
  t: number,
  f: Partial<Record<"a" | "b" | "c" | "label", number | string>> = {},
): void {
  const ev = newLogEvent();
  ev.kind = kind;
  ev.sourceId = id;
  ev.source = name;
  ev.t = t;
  ev.a = Number(f.a ?? 0);
  ev.b = Number(f.b ?? 0);
  ev.c = Number(f.c ?? 0);
  ev.label = String(f.label ?? "");
  r.onEvent(ev);
}

function sample(text: string, line: string): number {
  const hit = text.split("\n").find((l) => l.startsWith(line + " "));
  assert.ok(hit, `no sample ${line}`);
  return Number(hit.slice(line.length + 1));
}

const BTC = 'venue="binance",market="spot",symbol="BTCUSDT"';

Deno.test("registry: counters, sync states, ages and histograms from logger events", () => {
  const r = new MetricsRegistry({ staleAfterMs: 1000 });
  feed(r, 1, "binance:BTCUSDT", EventKind.EngineStarted, 0);
  feed(r, 0, "", EventKind.Info, 0); // engine-wide: no instrument
  assert.equal(r.size, 1);
  assert.equal(r.instruments(0)[0]!.state, "never");
  feed(r, 1, "binance:BTCUSDT", EventKind.SnapshotApplied, 1e6);
  feed(r, 1, "binance:BTCUSDT", EventKind.Synchronized, 2e6);
  feed(r, 1, "binance:BTCUSDT", EventKind.Latency, 3e6, { label: "apply", a: 1500 }); // 1.5 µs
  feed(r, 1, "binance:BTCUSDT", EventKind.Latency, 3e6, { label: "wire_to_book", a: 200_000_000 }); // > 100 ms
  feed(r, 1, "binance:BTCUSDT", EventKind.Latency, 3e6, { label: "poll", a: 10 }); // not exported
  feed(r, 1, "binance:BTCUSDT", EventKind.DiffStats, 4e6, { a: 10, b: 9 });
  feed(r, 1, "binance:BTCUSDT", EventKind.DiffStats, 5e6, { a: 7, b: 6 }); // never goes back
  feed(r, 1, "binance:BTCUSDT", EventKind.IoStats, 5e6, { a: 4096, b: 2048, c: 50 });
  feed(r, 1, "binance:BTCUSDT", EventKind.Reconnecting, 5e6, { a: 1 });
  assert.equal(r.instruments(503e6)[0]!.state, "synchronized");
  assert.equal(r.instruments(503e6)[0]!.lastMessageAgeS, 0.5);
  assert.equal(r.instruments(2000e6)[0]!.state, "stale", "silent for longer than staleAfterMs");
  const t = r.render(503e6, Q);
  assert.equal(sample(t, `hft_messages_received_total{${BTC}}`), 10);
  assert.equal(sample(t, `hft_frames_applied_total{${BTC}}`), 9);
  assert.equal(sample(t, `hft_received_bytes_total{${BTC}}`), 4096);
  assert.equal(sample(t, `hft_capture_written_bytes_total{${BTC}}`), 2048);
  assert.equal(sample(t, `hft_rest_weight_used_total{${BTC}}`), 50);
  assert.equal(sample(t, `hft_snapshots_applied_total{${BTC}}`), 1);
  assert.equal(sample(t, `hft_reconnects_total{${BTC}}`), 1);
  assert.equal(sample(t, `hft_sync_state{${BTC},state="synchronized"}`), 1);
  assert.equal(sample(t, `hft_sync_state{${BTC},state="never"}`), 0);
  assert.equal(sample(t, `hft_apply_latency_seconds_bucket{${BTC},le="0.000001"}`), 0);
  assert.equal(sample(t, `hft_apply_latency_seconds_bucket{${BTC},le="0.0000025"}`), 1);
  assert.equal(sample(t, `hft_wire_to_book_latency_seconds_bucket{${BTC},le="0.1"}`), 0);
  assert.equal(sample(t, `hft_wire_to_book_latency_seconds_bucket{${BTC},le="+Inf"}`), 1);
  assert.equal(sample(t, `hft_wire_to_book_latency_seconds_sum{${BTC}}`), 0.2);
  assert.equal(sample(t, "hft_log_records_dropped_total"), 2);
  assert.equal(sample(t, "hft_log_queue_depth"), 3);
  assert.ok(!t.includes("poll"), "only apply and wire_to_book are exported");

  feed(r, 1, "binance:BTCUSDT", EventKind.Resync, 6e6, { a: ResyncReason.Gap });
  feed(r, 1, "binance:BTCUSDT", EventKind.Resync, 6e6, { a: 99 }); // unknown reason: counted, not lost
  const t2 = r.render(7e6, Q);
  assert.equal(sample(t2, `hft_resyncs_total{${BTC},reason="gap"}`), 1);
  assert.equal(sample(t2, `hft_resyncs_total{${BTC},reason="unknown"}`), 1);
  assert.equal(sample(t2, `hft_sync_state{${BTC},state="resyncing"}`), 1);
});

Deno.test("healthz: 200 only while every instrument is synchronized, else 503 with the list", () => {
  const r = new MetricsRegistry();
  assert.equal(health(r.instruments(0)).status, 503, "no instrument yet");
  feed(r, 1, "binance:BTCUSDT", EventKind.Synchronized, 0);
  feed(r, 2, "hyperliquid:BTC", EventKind.EngineStarted, 0);
  feed(r, 3, "binance:ETHUSDT", EventKind.Synchronized, 0);
  feed(r, 3, "binance:ETHUSDT", EventKind.Resync, 0, { a: ResyncReason.Gap });
  feed(r, 4, "hyperliquid:ETH", EventKind.Synchronized, 0);
  feed(r, 4, "hyperliquid:ETH", EventKind.Disconnected, 0, { a: 1006 });
  const h = health(r.instruments(1e6));
  assert.equal(h.status, 503);
  assert.equal(
    h.body,
    "not synchronized (3 of 4):\nhyperliquid:BTC never synchronized\nbinance:ETHUSDT resyncing\nhyperliquid:ETH stale\n",
  );
  assert.equal(r.render(1e6, Q).match(/^hft_stale_instruments (\d+)$/m)?.[1], "1");
  for (const [id, n] of [[2, "hyperliquid:BTC"], [3, "binance:ETHUSDT"], [4, "hyperliquid:ETH"]] as const) {
    feed(r, id, n, EventKind.Synchronized, 1e6);
  }
  assert.deepEqual(health(r.instruments(2e6)), { status: 200, body: "ok: 4 synchronized\n" });
});

Deno.test({
  name: "promtool check metrics reports nothing on the exposition (200 instruments, odd label values)",
  ignore: PROMTOOL === null,
  fn: async () => {
    const r = new MetricsRegistry();
    for (let i = 1; i <= 200; i++) {
      const name = i === 7 ? 'weird:A"B\\C' : `binance:SYM${i}`;
      feed(r, i, name, EventKind.Synchronized, 0);
      feed(r, i, name, EventKind.Latency, 1e6, { label: "wire_to_book", a: 1000 * i });
      feed(r, i, name, EventKind.Latency, 1e6, { label: "apply", a: 500 * i });
      feed(r, i, name, EventKind.DiffStats, 1e6, { a: i, b: i });
    }
    const text = r.render(2e6, Q);
    assert.ok(text.includes('symbol="A\\"B\\\\C"'), "label values are escaped");
    const { code, output } = await promtoolCheck(text);
    assert.equal(output, "");
    assert.equal(code, 0);
  },
});
