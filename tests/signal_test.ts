/**
 * SIGINT and SIGTERM stop a live task cleanly: the engine stops, the capture is flushed and marked
 * complete with every frame received, `--book-out` is written, and the logger drains to the end.
 */
import { equal, ok } from "node:assert/strict";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { spawnPocBinance } from "./_poc_child.ts";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal} stops poc:binance cleanly: capture complete, book written, log drained`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "hft-signal-" });
    const sim = await BinanceSimulator.start({ intervalMs: 5, market: { seed: 3 } });
    const child = spawnPocBinance(sim, {
      dir,
      session: "s",
      extraArgs: ["--book-out", `${dir}/book.json`],
      stderr: "piped",
      env: { NO_COLOR: "1" },
    });
    const log: string[] = [];
    let signalled = false;
    // Deadline on the whole read: a child that never logs its stats (or never exits) is killed,
    // which ends the stream below and fails the test with its log instead of hanging.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, 60_000);
    try {
      // Read the child's log as it comes; signal it once it has applied diffs for a while.
      const lines = child.stderr.pipeThrough(new TextDecoderStream());
      let buf = "";
      let statsLines = 0;
      for await (const chunk of lines) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          log.push(line);
          if (line.includes("] diffs received=") && ++statsLines === 2 && !signalled) {
            child.kill(signal);
            signalled = true;
          }
        }
      }
      if (buf !== "") log.push(buf);
    } finally {
      clearTimeout(deadline);
      if (!signalled && !timedOut) child.kill("SIGKILL");
      await sim.close();
    }
    const status = await child.status;
    ok(!timedOut, `the child did not finish within 60 s:\n${log.join("\n")}`);
    equal(status.code, 0, log.join("\n"));
    ok(signalled, "the child reached the point where it was signalled");
    ok(log.some((l) => l.startsWith("[engine] engine stopped: signal")), "the engine stopped on the signal");
    ok(log.some((l) => l.startsWith("[engine] binance:BTCUSDT stopped")));
    ok(log.some((l) => l.startsWith("[engine] shutdown")), "the logger drained up to the shutdown record");
    ok(/^\[log-queue\] depth=0 capacity=\d+ dropped=0/.test(log.at(-1)!), `last line: ${log.at(-1)}`);

    const session = `${dir}/BTCUSDT/s`;
    const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
    equal(meta.complete, true, "the capture was closed properly");
    const diffLines = (await Deno.readTextFile(`${session}/diffs.jsonl`)).split("\n").filter((l) => l !== "");
    const recvLines = (await Deno.readTextFile(`${session}/diffs.recv_ns`)).split("\n").filter((l) =>
      l !== ""
    );
    equal(diffLines.length, meta.messages, "every frame received is in the capture");
    equal(recvLines.length, diffLines.length, "one receive time per frame");
    const book = JSON.parse(await Deno.readTextFile(`${dir}/book.json`));
    equal(book.lastUpdateId, meta.lastAppliedUpdateId, "the book written is the last one applied");
    ok(book.bids.length > 0 && book.asks.length > 0);
    await Deno.remove(dir, { recursive: true });
  });
}
