/** `sim:binance --replay <capture>` serves the capture's trades on the trade stream, in capture order. */
import { deepEqual, equal } from "node:assert/strict";
import { fixturePresent, waitUntil } from "../../engine/testing.ts";
import { ReplayDriver } from "./_sim_replay.ts";
import { BinanceSimulator } from "./simulator.ts";

const diff = (U: number, u: number, E: number) =>
  `{"e":"depthUpdate","E":${E},"s":"ETHUSDT","U":${U},"u":${u},"b":[["100.00","1.0"]],"a":[]}`;
const trade = (t: number, E: number) =>
  `{"stream":"ethusdt@trade","data":{"e":"trade","E":${E},"s":"ETHUSDT","t":${t},"p":"100.00","q":"0.1","T":${E},"m":true,"M":true}}`;

/** A capture whose trades arrived before, between and after its three diffs. */
async function capture(withRecvNs: boolean): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hft-sim-replay-" });
  await Deno.writeTextFile(
    `${dir}/snapshot.json`,
    `{"lastUpdateId":10,"bids":[["99.00","1.0"]],"asks":[["101.00","1.0"]]}`,
  );
  await Deno.writeTextFile(
    `${dir}/diffs.jsonl`,
    [diff(11, 11, 1000), diff(12, 12, 1100), diff(13, 13, 1200)].join("\n") + "\n",
  );
  // Trade 1 before diff 1; 2 and 3 between diffs 1 and 2; 4 after diff 3; then a cut line.
  const trades = [trade(1, 990), trade(2, 1050), trade(3, 1060), trade(4, 1250)];
  await Deno.writeTextFile(`${dir}/trades.jsonl`, trades.join("\n") + "\n" + trade(5, 1300).slice(0, 40));
  if (withRecvNs) {
    await Deno.writeTextFile(`${dir}/diffs.recv_ns`, "1000\n1100\n1200\n");
    await Deno.writeTextFile(`${dir}/trades.recv_ns`, "990\n1050\n1060\n1250\n1300\n");
  }
  return dir;
}

for (const withRecvNs of [true, false]) {
  Deno.test(`sim replay serves trades after the diff they followed (${withRecvNs ? "recv_ns" : "event time"})`, async () => {
    const dir = await capture(withRecvNs);
    const sim = await BinanceSimulator.start({ replayDir: dir, intervalMs: 0 });
    const got: string[] = [];
    const ws = new WebSocket(sim.wsUrl("/stream?streams=ethusdt@depth@100ms/ethusdt@trade"));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data as string);
      got.push(m.data.e === "trade" ? `trade ${m.data.t}` : `depth ${m.data.u}`);
    };
    const closed = new Promise((r) => (ws.onclose = r));
    try {
      await waitUntil("the client is connected", () => sim.stats.connections >= 1, 10_000);
      sim.step(3);
      await waitUntil("3 diffs and 4 trades", () => got.length >= 7, 10_000);
      deepEqual(got, ["depth 11", "trade 1", "trade 2", "trade 3", "depth 12", "depth 13", "trade 4"]);
    } finally {
      ws.close();
      await closed;
      await sim.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

const FIXTURE = new URL("../../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
Deno.test({
  name: "sim replay of the real ETHUSDT fixture loads every trade line",
  ignore: !fixturePresent(new URL("trades.jsonl", FIXTURE), "sim replay trades"),
  fn: async () => {
    const lines = (await Deno.readTextFile(new URL("trades.jsonl", FIXTURE))).split("\n").filter((l) =>
      l !== ""
    );
    equal(new ReplayDriver(FIXTURE.pathname).tradeCount, lines.length);
  },
});
