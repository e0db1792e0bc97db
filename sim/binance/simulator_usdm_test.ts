import assert from "node:assert/strict";
import { fixturePresent } from "../../engine/testing.ts";
import { FakeClock } from "../../engine/clock.ts";
import { FUTURES_ID_JUMP, SyntheticMarket } from "./market.ts";
import { BinanceSimulator } from "./simulator.ts";
import { payloadOf, ReplayDriver } from "./_sim_replay.ts";
import { FrameKind, ParsedFrame, parseFrame, parseSnapshot } from "../../venues/binance/parse.ts";
import { isParseError } from "../../venues/binance/types.ts";

Deno.test("futures synthetic market: frames carry T and pu == previous u; U jumps past previous u + 1", () => {
  const m = new SyntheticMarket({ seed: 3, futures: true });
  const out = new ParsedFrame();
  let prevU = -1;
  let frames = 0;
  for (let i = 0; i < 300; i++) {
    const b = m.step();
    if (b.depth === null) continue;
    assert.equal(parseFrame(b.depth, out), FrameKind.Depth, out.reason);
    assert.match(b.depth, /"T":\d+/);
    if (prevU >= 0) {
      assert.equal(out.diff.prevId, prevU);
      assert.equal(out.diff.firstId, prevU + 1 + FUTURES_ID_JUMP);
    }
    prevU = out.diff.lastId;
    frames++;
  }
  assert.ok(frames > 100);
  assert.equal(m.book.updateId, prevU, "a snapshot's id is always some frame's u");
  const snap = m.snapshotJson(10);
  assert.match(snap, /^\{"lastUpdateId":\d+,"E":\d+,"T":\d+,"bids":/);
  assert.ok(!isParseError(parseSnapshot(snap)));
});

Deno.test("spot synthetic market output is unchanged: no pu, no T, U == previous u + 1", () => {
  const m = new SyntheticMarket({ seed: 3 });
  const out = new ParsedFrame();
  let prevU = -1;
  for (let i = 0; i < 100; i++) {
    const b = m.step();
    if (b.depth === null) continue;
    parseFrame(b.depth, out);
    assert.equal(out.diff.prevId, -1);
    assert.doesNotMatch(b.depth, /"T"|"pu"/);
    if (prevU >= 0) assert.equal(out.diff.firstId, prevU + 1);
    prevU = out.diff.lastId;
  }
  assert.doesNotMatch(m.snapshotJson(5), /"E"|"T"/);
});

Deno.test("futures simulator: /fapi/v1/depth with USD-M weights, no /api/v3/depth, WS only under /public", async () => {
  // A fixed clock: every request falls in the same weight minute.
  const sim = await BinanceSimulator.start({
    intervalMs: 0,
    market: { futures: true },
    clock: new FakeClock(),
  });
  try {
    assert.equal(sim.depthPath, "/fapi/v1/depth");
    const get = (path: string) => fetch(`${sim.restUrl}${path}`);
    let before = 0;
    for (const [limit, weight] of [[1000, 20], [500, 10], [100, 5], [50, 2], [5, 2]] as const) {
      const r = await get(`/fapi/v1/depth?symbol=BTCUSDT&limit=${limit}`);
      const body = await r.text();
      assert.equal(r.status, 200);
      assert.match(body, /"E":\d+,"T":\d+/);
      const used = Number(r.headers.get("X-MBX-USED-WEIGHT-1M"));
      assert.equal(used - before, weight, `limit ${limit} weighs ${weight}`);
      before = used;
    }
    const spot = await get(`/api/v3/depth?symbol=BTCUSDT&limit=5`);
    await spot.body?.cancel();
    assert.equal(spot.status, 404);
    const ws = await get(`/ws/btcusdt@depth@100ms`);
    await ws.body?.cancel();
    assert.equal(ws.status, 404, "futures streams live under /public");
  } finally {
    await sim.close();
  }
});

const USDM = new URL("../../../shared/fixtures/binance-usdm-ethusdt-20240808/", import.meta.url);

Deno.test({
  name: "sim replay of the USD-M fixture: futures detected, frames sent as recorded",
  ignore: !fixturePresent(new URL("diffs.jsonl", USDM), "simulator_usdm_test"),
  fn() {
    const d = new ReplayDriver(USDM.pathname);
    assert.equal(d.futures, true);
    assert.equal(d.symbol, "ETHUSDT");
    const lines = Deno.readTextFileSync(new URL("diffs.jsonl", USDM)).split("\n");
    for (let i = 0; i < 10; i++) assert.equal(d.step()!.depth, payloadOf(lines[i]!));
    assert.match(d.snapshotJson(5), /^\{"lastUpdateId":\d+,"E":\d+,"T":\d+,/);
  },
});
