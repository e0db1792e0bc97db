/**
 * Both venues write `metadata.json` with the same common keys (venues/capture_metadata.ts), and
 * replay still reads captures written with the older names (and the fixtures, which have no
 * metadata.json at all: see replay_fixture_test.ts).
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { normalizeMetadata, resolveSession } from "../replay/reader.ts";
import { BinanceCapture } from "../venues/binance/capture.ts";
import { ParsedFrame } from "../venues/binance/parse.ts";
import { HlCapture } from "../venues/hyperliquid/capture.ts";

const pf = new ParsedFrame();

const COMMON = [
  "format",
  "venue",
  "instrument",
  "folder",
  "session",
  "wsUrl",
  "startedNs",
  "startedAt",
  "messages",
  "trades",
  "sanitizedLines",
  "binaryFrames",
  "complete",
  "parts",
  "stopped",
];
const OLD = ["messageCount", "tradeMessages", "startedAtNs", "coin", "symbol"];

Deno.test("Binance and Hyperliquid metadata.json share the common keys, with the same meanings", async () => {
  const root = await Deno.makeTempDir();
  try {
    const clock = new FakeClock(0, 1_700_000_000_000_000_000);
    const b = await BinanceCapture.open({
      dir: root,
      symbol: "ETHUSDT",
      session: "s",
      wsUrl: "ws://x",
      restUrl: "http://x",
      clock,
      onError: (m) => {
        throw new Error(m);
      },
    });
    b.parse('{"e":"depthUpdate","U":1,"u":2}', pf);
    b.commitDiff(1, 1, 2);
    b.parse('{"e":"trade"}', pf);
    b.commitTrade(2);
    await b.close();
    const h = await HlCapture.open({
      captureDir: root,
      coin: "@107",
      session: "s",
      wsUrl: "ws://x",
      subscription: {},
      clock,
      onError: (m) => {
        throw new Error(m);
      },
    });
    h.append('{"channel":"trades","data":[]}', 1);
    h.meta.trades++;
    await h.close();
    const mb = JSON.parse(Deno.readTextFileSync(`${b.path}/metadata.json`));
    const mh = JSON.parse(Deno.readTextFileSync(`${h.dir}/metadata.json`));
    equal(h.dir, `${root}/_107/s`);
    for (const m of [mb, mh]) {
      for (const k of COMMON) ok(k in m, `${m.venue}: ${k}`);
      for (const k of OLD) ok(!(k in m), `${m.venue}: no ${k}`);
      equal(m.startedNs, 1_700_000_000_000_000_000);
      equal(m.startedAt, "2023-11-14T22:13:20.000Z");
      equal(m.trades, 1);
      equal(m.complete, true);
      equal(m.stopped, null);
    }
    deepEqual([mb.instrument, mb.folder, mb.messages, mb.format], [
      "ETHUSDT",
      "ETHUSDT",
      1,
      "hft-ts/binance-capture/2",
    ]);
    deepEqual([mh.instrument, mh.folder, mh.messages, mh.format], [
      "@107",
      "_107",
      1,
      "hft-ts/hyperliquid-capture/2",
    ]);
    equal((await resolveSession(h.dir)).coin, "@107", "replay takes the coin from instrument");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("replay reads metadata.json written with the older key names", async () => {
  const old = normalizeMetadata({
    format: "hft-ts/hyperliquid-capture/1",
    venue: "hyperliquid",
    coin: "BTC",
    messageCount: 5,
    tradeMessages: 2,
  });
  deepEqual([old.instrument, old.messages, old.trades, old.coin], ["BTC", 5, 2, "BTC"]);
  const oldB = normalizeMetadata({ venue: "binance", symbol: "ETHUSDT", startedAtNs: 7, messages: 3 });
  deepEqual([oldB.instrument, oldB.startedNs, oldB.messages, oldB.symbol], ["ETHUSDT", 7, 3, "ETHUSDT"]);
  const kept = normalizeMetadata({ instrument: "A", coin: "B", messages: 1, messageCount: 2 });
  deepEqual([kept.instrument, kept.messages], ["A", 1], "new keys win");

  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/messages.jsonl`, '{"channel":"pong"}\n');
    Deno.writeTextFileSync(
      `${dir}/metadata.json`,
      JSON.stringify({
        format: "hft-ts/hyperliquid-capture/1",
        venue: "hyperliquid",
        coin: "ETH",
        messageCount: 1,
      }),
    );
    const f = await resolveSession(dir);
    deepEqual([f.venue, f.coin, f.metadata?.messages], ["hyperliquid", "ETH", 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
