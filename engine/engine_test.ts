import { equal, ok, rejects } from "node:assert/strict";
import { runEngine } from "./engine.ts";
import type { EngineHandler, HandlerContext } from "./handler.ts";
import type { Logger } from "./logger.ts";
import { startLogger } from "./logger_host.ts";

/** Emits `perPoll` warnings per poll for `polls` polls, then throws (or finishes). */
class ScriptedHandler implements EngineHandler {
  readonly name = "test:SCRIPT";
  polls = 0;
  stopped = false;
  #ctx: HandlerContext | undefined;
  constructor(readonly total: number, readonly perPoll: number, readonly throwAtEnd: boolean) {}
  start(ctx: HandlerContext): void {
    this.#ctx = ctx;
    ctx.wake();
  }
  pollOnce(logger: Logger): number | undefined {
    if (this.polls === this.total) {
      if (this.throwAtEnd) throw new Error("boom: handler bug");
      return undefined;
    }
    this.polls++;
    for (let i = 0; i < this.perPoll; i++) logger.warning(this.#ctx!.source, `event ${this.polls}-${i}`);
    // Ask to be polled again through the event loop, as an I/O callback would.
    queueMicrotask(() => this.#ctx!.wake());
    return 1000 + this.polls;
  }
  isDone(): boolean {
    return !this.throwAtEnd && this.polls === this.total;
  }
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

async function logFile(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hft-engine-" });
  return `${dir}/log.txt`;
}

Deno.test("a throwing handler still ends in a logged error and a complete logger drain", async () => {
  const file = await logFile();
  // A small ring, so the Worker must keep up with a producer that outruns it.
  const { logger, stats } = await startLogger({ file, capacity: 1024 });
  const h = new ScriptedHandler(500, 40, true);
  const report = await runEngine([h], { logger, metricsIntervalMs: 0 });
  await logger.shutdown();
  const s = await stats;
  equal(report.reason, "error");
  ok(h.stopped, "the handler was stopped");
  const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
  const warnings = lines.filter((l) => l.includes("warning: event "));
  // Every record published reached the Worker; every refused one was counted as dropped.
  equal(s.records, logger.ring.pushed());
  ok(warnings.length <= 500 * 40 && warnings.length + s.dropped >= 500 * 40);
  ok(lines.some((l) => l.includes("error: handler failed: Error: boom: handler bug")));
  ok(lines.some((l) => l.startsWith("[engine] test:SCRIPT stopped")));
  ok(lines.some((l) => l.startsWith("[engine] shutdown")));
  ok(s.sawShutdown);
  // The closing queue-depth line reports the drops the consumer saw.
  ok(lines.at(-1)!.startsWith(`[log-queue] depth=0 capacity=1024 dropped=${s.dropped}`));
  await Deno.remove(file.replace(/\/log.txt$/, ""), { recursive: true });
});

Deno.test("with room in the ring, every event of a throwing handler reaches the sink", async () => {
  const file = await logFile();
  const { logger, stats } = await startLogger({ file, capacity: 1 << 15 });
  const h = new ScriptedHandler(200, 50, true);
  const report = await runEngine([h], { logger, metricsIntervalMs: 0 });
  await logger.shutdown();
  const s = await stats;
  equal(report.reason, "error");
  const text = await Deno.readTextFile(file);
  equal(s.dropped, 0);
  equal(text.split("\n").filter((l) => l.includes("warning: event ")).length, 200 * 50);
  ok(text.includes("[latency] test:SCRIPT poll (run) n=200 "));
  await Deno.remove(file.replace(/\/log.txt$/, ""), { recursive: true });
});

Deno.test("an aborted signal stops the engine, stops handlers and drains in JSONL", async () => {
  const file = await logFile();
  const { logger } = await startLogger({ file, format: "jsonl" });
  const h = new ScriptedHandler(1_000_000, 1, false);
  const ac = new AbortController();
  const origPoll = h.pollOnce.bind(h);
  h.pollOnce = (l) => {
    if (h.polls === 100) ac.abort();
    return origPoll(l);
  };
  const report = await runEngine([h], { logger, signal: ac.signal, metricsIntervalMs: 0 });
  await logger.shutdown();
  equal(report.reason, "signal");
  ok(h.stopped);
  const events = (await Deno.readTextFile(file)).trimEnd().split("\n").map((l) => JSON.parse(l));
  ok(events.some((e) => e.kind === "engine_stopped" && e.source === "test:SCRIPT"));
  equal(events.filter((e) => e.kind === "warning").length, h.polls);
  equal(events.at(-1).kind, "queue_depth");
  await Deno.remove(file.replace(/\/log.txt$/, ""), { recursive: true });
});

Deno.test("a handler that finishes ends the engine with reason done", async () => {
  const file = await logFile();
  const { logger } = await startLogger({ file });
  const h = new ScriptedHandler(10, 1, false);
  const report = await runEngine([h], { logger, metricsIntervalMs: 0 });
  await logger.shutdown();
  equal(report.reason, "done");
  equal(report.busyPolls, 10);
  await Deno.remove(file.replace(/\/log.txt$/, ""), { recursive: true });
});

Deno.test("startLogger fails with a clear error when the log file cannot be opened", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-engine-" });
  await rejects(
    startLogger({ file: `${dir}/missing-dir/log.txt` }),
    /logger failed to start: .*No such file/,
  );
  await Deno.remove(dir, { recursive: true });
});
