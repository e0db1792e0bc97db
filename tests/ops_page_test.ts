/**
 * End-to-end: the live page in a real headless Chromium (DevTools protocol over Deno's
 * WebSocket) against the engine + simulator + ops server in this process. The ladder must show
 * the simulator's book and follow it when the simulator moves; `/healthz` must follow the sync
 * state. Skips with a message when Chromium is not installed.
 */
import assert from "node:assert/strict";
import { chromiumPath, openPage } from "./_cdp.ts";
import { pollHttp, startOpsRig, topLevels } from "./_ops_rig.ts";

const bin = chromiumPath();
if (bin === null) console.warn("SKIP: ops page tests: chromium is not installed (apt-get install chromium)");

const LADDER = `JSON.stringify({
  bids: [...document.querySelectorAll("#ladder tr.bid")].map((r) => [r.dataset.price, r.dataset.qty]),
  asks: [...document.querySelectorAll("#ladder tr.ask")].reverse().map((r) => [r.dataset.price, r.dataset.qty]),
  updateId: document.getElementById("update-id").textContent,
})`;

Deno.test({
  name: "live page: the ladder shows the simulator's book without a click, and follows it",
  ignore: bin === null,
  fn: async () => {
    const rig = await startOpsRig();
    let browser;
    try {
      const health = `${rig.ops.url}healthz`;
      const before = await pollHttp(health, "healthz before sync", (s) => s !== 0);
      assert.equal(before.status, 503);
      assert.match(before.body, /binance:BTCUSDT never synchronized/);

      await rig.syncUp();
      await pollHttp(health, "healthz 200 once synchronized", (s) => s === 200);

      const want = (): string =>
        JSON.stringify({
          bids: topLevels(rig.sim.truth, true),
          asks: topLevels(rig.sim.truth, false),
          updateId: String(rig.sim.truth.updateId),
        });
      const first = want();
      browser = await openPage(bin!, rig.ops.url);
      await browser.waitFor(
        `${LADDER} === ${JSON.stringify(first)}`,
        "the ladder to show the simulator's book",
      );
      assert.equal(JSON.parse(first).bids.length, 10);

      await rig.step(3);
      assert.equal(rig.handler.book.updateId, rig.sim.truth.updateId);
      const second = want();
      assert.notEqual(second, first);
      await browser.waitFor(`${LADDER} === ${JSON.stringify(second)}`, "the ladder to follow the simulator");
      await browser.waitFor(
        `document.getElementById("state").textContent === "synchronized"`,
        "sync state shown",
      );
      const png = await browser.screenshot();
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

      rig.sim.fault("drop");
      const after = await pollHttp(health, "healthz 503 after the connection dropped", (s) => s === 503);
      assert.match(after.body, /binance:BTCUSDT (resyncing|stale)/);
    } finally {
      await browser?.close();
      await rig.close();
    }
  },
});
