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

const CONSUME = new URL("../tasks/consume.ts", import.meta.url).pathname;

/** Poll `f` until it returns a value (deadline 30 s; each try bounded by fetch's own error). */
async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 30_000;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
    let err = "";
    const reader = dash.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const url = await until("the dashboard's URL", async () => {
      const { value, done } = await reader.read();
      if (done) throw new Error(`dashboard ended: ${err}`);
      err += value;
      return /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err)?.[1];
    });
    (async () => {
      for (;;) {
        const { done } = await reader.read().catch(() => ({ done: true }));
        if (done) return;
      }
    })();
    await until("/healthz 200", async () => {
      const r = await fetch(`${url}/healthz`);
      const body = await r.text();
      return r.status === 200 ? body : undefined;
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /symbol="BTCUSDT"/);
    if (PROMTOOL) {
      const pc = await promtoolCheck(metrics);
      assert.deepEqual([pc.code, pc.output], [0, ""], "promtool check metrics reports nothing");
    } else console.log("promtool not installed: the exposition check is skipped");
    // The page's event stream carries the ladder; its best levels are the publisher's.
    const book = JSON.parse(Deno.readTextFileSync(`${dir}/book.json`));
    const ladder = await until("a ladder with levels", async () => {
      const ac = new AbortController();
      const r = await fetch(`${url}/events`, { signal: ac.signal });
      const rd = r.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      try {
        for (let i = 0; i < 50; i++) {
          const { value, done } = await rd.read();
          if (done) break;
          text += value;
          const m = /"bids":\[\["([\d.]+)","([\d.]+)"\]/.exec(text);
          if (m) return { bid: m[1]!, qty: m[2]! };
        }
      } finally {
        ac.abort();
      }
      return undefined;
    });
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
