import { equal, ok } from "node:assert/strict";
import { createRingBuffer } from "../spsc/mod.ts";
import { RECORD_SIZE } from "./events.ts";
import { Logger } from "./logger.ts";
import { LoggerConsumer } from "./logger_consumer.ts";
import type { LineSink } from "./sink.ts";

class BrokenSink implements LineSink {
  pushed = 0;
  push(_line: string): void {
    if (++this.pushed > 3) throw new Error("Broken pipe (os error 32)");
  }
  flush(): void {}
  close(): void {}
}

Deno.test("a sink that starts failing is counted, and the consumer still drains the whole ring", async () => {
  const sab = createRingBuffer({ capacity: 1024, recordSize: RECORD_SIZE });
  const logger = new Logger(sab);
  const src = logger.intern("s");
  for (let i = 0; i < 500; i++) ok(logger.counter(src, src, i));
  await logger.shutdown();
  const sink = new BrokenSink();
  const stats = new LoggerConsumer({ sab, format: "text", startNs: 0 }, sink).run();
  equal(stats.records, logger.ring.pushed());
  equal(stats.lines, 3);
  equal(stats.sinkErrors, 1);
  ok(stats.firstSinkError.includes("Broken pipe"));
  ok(stats.sawShutdown);
  equal(logger.ring.len(), 0, "the ring was drained to the end");
});

class CollectSink implements LineSink {
  lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
  }
  flush(): void {}
  close(): void {}
}

Deno.test("latency summaries never report a percentile above the maximum", async () => {
  const sab = createRingBuffer({ capacity: 1024, recordSize: RECORD_SIZE });
  const logger = new Logger(sab);
  const label = logger.intern("apply");
  for (const v of [1_000, 2_000, 2_801_000]) logger.latency(label, v);
  await logger.shutdown();
  const sink = new CollectSink();
  new LoggerConsumer({ sab, format: "jsonl", startNs: 0 }, sink).run();
  const summary = sink.lines.map((l) => JSON.parse(l)).find((e) => e.kind === "latency_summary");
  ok(summary, sink.lines.join("\n"));
  equal(summary.count, 3);
  equal(summary.max_ns, 2_801_000);
  for (const k of ["p50_ns", "p90_ns", "p99_ns", "p999_ns"]) {
    ok(summary[k] <= summary.max_ns, `${k} ${summary[k]}`);
  }
  equal(summary.p999_ns, 2_801_000);
});
