import assert from "node:assert/strict";
import { hlCoinDecimals, hlMetaRequests, type HlMetaSet, hlRestUrlFor } from "./meta.ts";

const META: HlMetaSet = {
  perps: new Map([
    ["", {
      universe: [
        { name: "BTC", szDecimals: 5 },
        { name: "kPEPE", szDecimals: 0 },
        { name: "OLD", szDecimals: 2, isDelisted: true },
      ],
    }],
    ["xyz", { universe: [{ name: "xyz:MSTR", szDecimals: 3 }] }],
  ]),
  spot: {
    universe: [
      { name: "PURR/USDC", tokens: [1, 0], index: 0 },
      { name: "@107", tokens: [150, 0], index: 107 },
    ],
    tokens: [
      { name: "USDC", szDecimals: 8, index: 0 },
      { name: "PURR", szDecimals: 0, index: 1 },
      { name: "HYPE", szDecimals: 2, index: 150 },
    ],
  },
};

Deno.test("hlCoinDecimals: perps at 6 - szDecimals, spot at 8 - the base token's szDecimals", () => {
  assert.deepEqual(hlCoinDecimals("BTC", META), { szDecimals: 5, priceDecimals: 1, qtyDecimals: 5 });
  assert.deepEqual(hlCoinDecimals("kPEPE", META), { szDecimals: 0, priceDecimals: 6, qtyDecimals: 0 });
  assert.deepEqual(hlCoinDecimals("xyz:MSTR", META), { szDecimals: 3, priceDecimals: 3, qtyDecimals: 3 });
  assert.deepEqual(hlCoinDecimals("PURR/USDC", META), { szDecimals: 0, priceDecimals: 8, qtyDecimals: 0 });
  assert.deepEqual(hlCoinDecimals("@107", META), { szDecimals: 2, priceDecimals: 6, qtyDecimals: 2 });
});

Deno.test("hlCoinDecimals: a coin not listed, delisted, of another dex or with a bad szDecimals is undefined", () => {
  for (const c of ["ETH", "OLD", "abc:MSTR", "MSTR", "@108", "HYPE/USDC"]) {
    assert.equal(hlCoinDecimals(c, META), undefined, c);
  }
  const bad: HlMetaSet = { perps: new Map([["", { universe: [{ name: "X", szDecimals: 7 }] }]]) };
  assert.equal(hlCoinDecimals("X", bad), undefined, "szDecimals above 6 cannot be a perp's");
  assert.equal(hlCoinDecimals("PURR/USDC", { perps: new Map() }), undefined, "no spotMeta");
});

Deno.test("hlMetaRequests asks only what the coins need, each dex once", () => {
  assert.deepEqual(hlMetaRequests(["BTC", "ETH"]), [{ type: "meta" }]);
  assert.deepEqual(hlMetaRequests(["@107", "PURR/USDC"]), [{ type: "spotMeta" }]);
  assert.deepEqual(hlMetaRequests(["xyz:MSTR", "BTC", "xyz:TSLA", "@1"]), [
    { type: "meta" },
    { type: "meta", dex: "xyz" },
    { type: "spotMeta" },
  ]);
});

Deno.test("hlRestUrlFor: the REST base of a WebSocket URL (same host and port)", () => {
  assert.equal(hlRestUrlFor("wss://api.hyperliquid.xyz/ws"), "https://api.hyperliquid.xyz");
  assert.equal(hlRestUrlFor("wss://api.hyperliquid-testnet.xyz/ws"), "https://api.hyperliquid-testnet.xyz");
  assert.equal(hlRestUrlFor("ws://127.0.0.1:9100/ws"), "http://127.0.0.1:9100");
});
