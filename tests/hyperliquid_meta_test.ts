/**
 * `loadHlDecimals` against the simulator's `POST /info`: meta and spotMeta for the coins it
 * serves, retries after 5xx, a clear error for an unlisted coin and for a host that never
 * answers, no retry where retrying cannot help.
 */
import assert from "node:assert/strict";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { HlMetaError, HlUnknownCoinError, loadHlDecimals } from "../venues/hyperliquid/meta_fetch.ts";

const FAST = { backoff: { baseMs: 1, maxMs: 2 } };

Deno.test("loadHlDecimals: every coin's base scale from the simulator's meta and spotMeta", async () => {
  const sim = await HyperliquidSimulator.start({
    coins: ["BTC", "PEPE", "PURR/USDC", "@107", "xyz:MSTR"],
    pepeCoins: ["PEPE"],
    szDecimals: { "@107": 2 },
  });
  try {
    const ds = await loadHlDecimals(sim.restUrl, ["@107", "BTC", "PEPE", "xyz:MSTR", "PURR/USDC"], FAST);
    assert.deepEqual(ds.map((d) => [d.priceDecimals, d.qtyDecimals]), [[6, 2], [1, 5], [6, 0], [1, 5], [
      3,
      5,
    ]]);
    assert.equal(sim.stats.infoRequests, 3, "meta, meta of dex xyz, spotMeta");
  } finally {
    await sim.close();
  }
});

Deno.test("loadHlDecimals retries a 500 with backoff and reports each retry", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["BTC"], infoFailures: 2 });
  const retries: string[] = [];
  try {
    const ds = await loadHlDecimals(sim.restUrl, ["BTC"], { ...FAST, onRetry: (p) => retries.push(p) });
    assert.deepEqual(ds[0], { szDecimals: 5, priceDecimals: 1, qtyDecimals: 5 });
    assert.equal(retries.length, 2);
    assert.match(retries[0]!, /HTTP 500 simulated server error/);
  } finally {
    await sim.close();
  }
});

Deno.test("loadHlDecimals: a coin the venue does not list is an HlUnknownCoinError naming every such coin", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["BTC"] });
  try {
    await assert.rejects(
      loadHlDecimals(sim.restUrl, ["NOPE", "BTC", "ZZZ/USDC"], FAST),
      (e: unknown) =>
        e instanceof HlUnknownCoinError && e.coins.join() === "NOPE,ZZZ/USDC" &&
        e.message === `coins not listed by Hyperliquid at ${sim.restUrl}: NOPE, ZZZ/USDC`,
    );
  } finally {
    await sim.close();
  }
});

Deno.test("loadHlDecimals gives up after its attempts on a host that refuses, and at once on a 4xx", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["BTC"], infoFailures: 100 });
  const dead = sim.restUrl;
  let tries = 0;
  try {
    await assert.rejects(
      loadHlDecimals(dead, ["BTC"], { ...FAST, attempts: 3, onRetry: () => tries++ }),
      (e: unknown) => e instanceof HlMetaError && /HTTP 500/.test(e.message),
    );
    assert.equal(tries, 2);
    assert.equal(sim.stats.infoRequests, 3);
  } finally {
    await sim.close();
  }
  await assert.rejects(
    loadHlDecimals(dead, ["BTC"], { ...FAST, attempts: 2 }),
    (e: unknown) =>
      e instanceof HlMetaError && e.message.startsWith(`cannot get {"type":"meta"} from ${dead}/info`),
    "the closed port refuses",
  );
  const wrong = await HyperliquidSimulator.start({ coins: ["BTC"] });
  tries = 0;
  try {
    // The simulator answers 426 to anything but POST /info: a 4xx is not retried.
    await assert.rejects(
      loadHlDecimals(`${wrong.restUrl}/api`, ["BTC"], { ...FAST, onRetry: () => tries++ }),
      (e: unknown) => e instanceof HlMetaError && /HTTP 426/.test(e.message),
    );
    assert.equal(tries, 0);
  } finally {
    await wrong.close();
  }
});
