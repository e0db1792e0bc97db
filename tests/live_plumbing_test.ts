/**
 * The exit-code plumbing of `runLive` (in process, with a scripted handler): 0 only when the run
 * synchronized and lost no input; otherwise 1 with one error line saying which.
 */
import { equal, match, ok } from "node:assert/strict";
import type { HandlerContext } from "../engine/handler.ts";
import type { CommonFlags } from "../tasks/_cli.ts";
import { type LiveChecks, type LiveHandler, runLive } from "../tasks/_live.ts";
import { L2Book } from "../venues/book.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { MarketStream } from "../market/stream.ts";

/** Finishes at once, as a handler that reached --max-messages would. */
class DoneHandler implements LiveHandler {
  readonly name = "test:DONE";
  readonly book = new L2Book();
  readonly stream = new MarketStream(new InstrumentTable().add("test", "spot", "DONE", 8, 8), this.book);
  start(ctx: HandlerContext): void {
    ctx.wake();
  }
  pollOnce(): number | undefined {
    return undefined;
  }
  isDone(): boolean {
    return true;
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  writeBookOut(): Promise<void> {
    return Promise.resolve();
  }
}

async function run(checks: LiveChecks): Promise<{ code: number; log: string }> {
  const dir = await Deno.makeTempDir({ prefix: "hft-live-plumbing-" });
  const common: CommonFlags = { logFormat: "text", verbose: false, logFile: `${dir}/log.txt` };
  try {
    const code = await runLive(new DoneHandler(), common, checks);
    return { code, log: await Deno.readTextFile(common.logFile!) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runLive exits 0 when the run synchronized and lost nothing", async () => {
  const r = await run({ synchronized: () => true, inputLost: () => undefined });
  equal(r.code, 0, r.log);
  match(r.log, /\[engine\] engine stopped: done/);
  ok(!r.log.includes("error:"), r.log);
});

Deno.test("runLive exits 1 with one error line when the run never synchronized", async () => {
  const r = await run({ synchronized: () => false });
  equal(r.code, 1);
  equal(r.log.split("\n").filter((l) => l.includes("error:")).length, 1, r.log);
  match(r.log, /\[engine\] error: test:DONE never synchronized: no usable book in this run \(exit 1\)/);
});

Deno.test("runLive exits 1 when the handler reports lost input", async () => {
  const r = await run({ synchronized: () => true, inputLost: () => "3 capture writes failed" });
  equal(r.code, 1);
  match(r.log, /\[engine\] error: test:DONE lost input: 3 capture writes failed \(exit 1\)/);
});
