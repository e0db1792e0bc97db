/**
 * Wall-clock times in the log: the first text line and every warning and error line carry the
 * ISO-8601 UTC time; every JSONL line carries `time`. Driven by a fake clock (no real time).
 */
import { equal, match } from "node:assert/strict";
import { createRingBuffer } from "../spsc/mod.ts";
import { FakeClock } from "./clock.ts";
import { RECORD_SIZE } from "./events.ts";
import { isoUtc } from "./format.ts";
import { Logger } from "./logger.ts";
import { LoggerConsumer } from "./logger_consumer.ts";
import type { LineSink } from "./sink.ts";

class CollectSink implements LineSink {
  lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
  }
  flush(): void {}
  close(): void {}
}

// 2026-01-02T03:04:05.678901234Z
const WALL0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678) * 1e6 + 901_234;

async function run(format: "text" | "jsonl"): Promise<string[]> {
  const clock = new FakeClock(5_000_000, WALL0);
  const sab = createRingBuffer({ capacity: 1024, recordSize: RECORD_SIZE });
  const logger = new Logger(sab, { clock });
  const src = logger.intern("binance:BTCUSDT");
  const startNs = clock.monoNs();
  const startWallNs = clock.wallNs();
  clock.advance(1_000);
  logger.info(0, "pinned with taskset to cpu 0");
  clock.advance(2_000_000);
  logger.info(src, "connected");
  clock.advance(3_000_000_000);
  logger.warning(src, "snapshot failed: request failed: timed out after 10000 ms");
  clock.advance(1_000);
  logger.error(src, "capture: disk full");
  await logger.shutdown();
  const sink = new CollectSink();
  new LoggerConsumer({ sab, format, startNs, startWallNs }, sink).run();
  return sink.lines;
}

Deno.test("isoUtc keeps microseconds", () => {
  equal(isoUtc(WALL0), "2026-01-02T03:04:05.678901Z");
  equal(isoUtc(0), "1970-01-01T00:00:00.000000Z");
});

Deno.test("text log: the first line and warning/error lines carry the UTC wall time", async () => {
  const lines = await run("text");
  equal(lines[0], "[engine] pinned with taskset to cpu 0 (+1us 2026-01-02T03:04:05.678902Z)");
  equal(lines[1], "[binance:BTCUSDT] connected (+2001us)", "info lines stay short");
  equal(
    lines[2],
    "[binance:BTCUSDT] warning: snapshot failed: request failed: timed out after 10000 ms " +
      "(+3002001us 2026-01-02T03:04:08.680902Z)",
  );
  match(
    lines[3]!,
    /^\[binance:BTCUSDT\] error: capture: disk full \(\+3002002us 2026-01-02T03:04:08\.680903Z\)$/,
  );
});

Deno.test("jsonl log: every line carries an absolute time field", async () => {
  const events = (await run("jsonl")).map((l) => JSON.parse(l));
  for (const e of events) match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, JSON.stringify(e));
  equal(events[0].time, "2026-01-02T03:04:05.678902Z");
  equal(events[2].kind, "warning");
  equal(events[2].time, "2026-01-02T03:04:08.680902Z");
});
