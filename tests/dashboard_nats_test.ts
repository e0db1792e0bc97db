/**
 * `deno task dashboard` (consume --dashboard): the live page, /metrics and /healthz of books
 * consumed from NATS. A publisher run fills JetStream; the dashboard's /healthz turns 200 once
 * the book is rebuilt, /metrics names the instrument and passes promtool (when installed), and
 * the page's event stream carries the book's ladder, equal to the publisher's --book-out top.
 */
import assert from "node:assert/strict";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { PROMTOOL, promtoolCheck } from "./_promtool.ts";
import { awaitLine, eventually, pollHttp, readEvents } from "./_ops_rig.ts";

const CONSUME = new URL("../tasks/consume.ts", import.meta.url).pathname;

Deno.test("dashboard from NATS: /healthz 200 once rebuilt, /metrics names the symbol, the ladder equals the publisher's book", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log("nats-server is not installed (.ci/run installs it): skipped");
  const dir = await Deno.makeTempDir({ prefix: "hft-dashboard-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 41 } });
  let dash: Deno.ChildProcess | undefined;
  try {
    const st = await spawnPocBinance(sim, {
      dir,
      session: "p",
      extraArgs: ["--max-messages", "200", "--publish", srv.url, "--book-out", `${dir}/book.json`],
    }).status;
    assert.equal(st.code, 0, "the publisher run");
    dash = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        CONSUME,
        "--dashboard",
        "--nats",
        srv.url,
        "--symbols",
        "BTCUSDT",
        "--metrics-port",
        "0",
        "--duration",
        "120",
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    // The URL is logged once the server is up.
    const url = (await awaitLine(dash.stderr, /on (http:\/\/127\.0\.0\.1:\d+)\//, 30_000))[1]!;
    await pollHttp(`${url}/healthz`, "/healthz 200", (status) => status === 200, 30_000);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /symbol="BTCUSDT"/);
    if (PROMTOOL) {
      const pc = await promtoolCheck(metrics);
      assert.deepEqual([pc.code, pc.output], [0, ""], "promtool check metrics reports nothing");
    } else console.log("promtool not installed: the exposition check is skipped");
    // The page's event stream carries the ladder; its best levels are the publisher's.
    const book = JSON.parse(Deno.readTextFileSync(`${dir}/book.json`));
    const m = await eventually(
      "a ladder with levels",
      () => readEvents(`${url}/events`, /"bids":\[\["([\d.]+)","([\d.]+)"\]/, 50),
    );
    const ladder = { bid: m[1]!, qty: m[2]! };
    assert.equal(Number(ladder.bid), Number(book.bids[0][0]), "best bid");
    assert.equal(Number(ladder.qty), Number(book.bids[0][1]), "best bid quantity");
  } finally {
    try {
      dash?.kill("SIGINT");
      await dash?.status;
    } catch { /* gone */ }
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
