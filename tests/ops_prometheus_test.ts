/**
 * End-to-end: `poc:binance --metrics-port 0` as a child process against the local simulator;
 * its `/metrics` passes `promtool check metrics`, and a real Prometheus server (own temp config
 * and storage, free port) scrapes it: the target goes up and a query returns the counter.
 * Skips with a message when the `prometheus` package is not installed.
 */
import assert from "node:assert/strict";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { installed, PROMTOOL, promtoolCheck } from "./_promtool.ts";
import { awaitLine, pollHttp } from "./_ops_rig.ts";

const PROMETHEUS = installed("/usr/bin/prometheus") ? "/usr/bin/prometheus" : null;
if (PROMETHEUS === null || PROMTOOL === null) {
  console.warn("SKIP: Prometheus end-to-end: the prometheus package is not installed");
}
const TASK = new URL("../tasks/poc_binance.ts", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test({
  name: "poc:binance --metrics-port: promtool-clean /metrics, scraped by a real Prometheus",
  ignore: PROMETHEUS === null || PROMTOOL === null,
  fn: async () => {
    const sim = await BinanceSimulator.start({ intervalMs: 50 });
    const dir = await Deno.makeTempDir({ prefix: "hft-prom-" });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-env",
        TASK,
        "--ws-url",
        sim.wsUrl(),
        "--rest-url",
        sim.restUrl,
        "--metrics-port",
        "0",
        "--duration",
        "120",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let prom: Deno.ChildProcess | undefined;
    try {
      const url = (await awaitLine(
        child.stderr,
        /metrics and live page on (http:\/\/127\.0\.0\.1:\d+\/)/,
        30_000,
      ))[1]!;
      await pollHttp(`${url}healthz`, "the child to synchronize", (s) => s === 200, 30_000);
      const metrics = await pollHttp(
        `${url}metrics`,
        "metrics with messages",
        (s, b) => s === 200 && /hft_messages_received_total\{[^}]*\} [1-9]/.test(b),
      );
      const check = await promtoolCheck(metrics.body);
      assert.equal(check.output, "", "promtool reports nothing");
      assert.equal(check.code, 0);

      const target = url.replace(/^http:\/\/|\/$/g, "");
      const port = freePort();
      await Deno.writeTextFile(
        `${dir}/prometheus.yml`,
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: hft\n    static_configs:\n      - targets: ["${target}"]\n`,
      );
      prom = new Deno.Command(PROMETHEUS!, {
        args: [
          `--config.file=${dir}/prometheus.yml`,
          `--storage.tsdb.path=${dir}/data`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      const api = `http://127.0.0.1:${port}/api/v1`;
      const end = Date.now() + 60_000;
      // deno-lint-ignore no-explicit-any -- Prometheus API JSON
      const get = async (path: string): Promise<any> => {
        try {
          const r = await fetch(`${api}${path}`);
          return r.ok ? await r.json() : null;
        } catch {
          return null; // not listening yet
        }
      };
      let up = false;
      while (!up) {
        if (Date.now() > end) throw new Error("Prometheus never reported the target up");
        const t = await get("/targets");
        up = t?.data?.activeTargets?.some((x: { health: string }) => x.health === "up") ?? false;
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      let value = 0;
      while (value <= 0) {
        if (Date.now() > end) throw new Error("Prometheus never returned hft_messages_received_total");
        const q = await get(
          `/query?query=${encodeURIComponent('hft_messages_received_total{symbol="BTCUSDT"}')}`,
        );
        value = Number(q?.data?.result?.[0]?.value?.[1] ?? 0);
        if (value <= 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(value > 0);
    } finally {
      if (prom) {
        prom.kill("SIGTERM");
        await prom.status;
      }
      child.kill("SIGTERM");
      const st = await child.status;
      await sim.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      assert.equal(st.code, 0, "the task stops cleanly on SIGTERM");
    }
  },
});
