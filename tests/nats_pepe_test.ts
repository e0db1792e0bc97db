/**
 * A PEPE-sized instrument through NATS: prices like "0.00001234", whole quantities past
 * 2^53 / 10^8 (which no fixed 10^8 scale can hold). `poc:binance --symbol PEPEUSDT` on the
 * simulator's PEPE-like market publishes it as JSON and as binary; `consume` rebuilds the book:
 * every level equals the publisher's `--book-out` string for string (trailing fractional zeros
 * aside: the publisher prints Binance's 8 decimals, the consumer its own scale), and the
 * consumer's `--updates-out` equals the publisher's line for line.
 */
import assert from "node:assert/strict";
import { PEPE_MARKET } from "../sim/binance/market.ts";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { type BookJson, NATS_SKIP, readBook, runConsume } from "./_nats_consume.ts";
import { publishRun } from "./_poc_child.ts";

/** A decimal string without trailing fractional zeros ("1.2300" → "1.23", "5.000" → "5"). */
function trim(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

function levels(b: BookJson): string[][][] {
  return [b.bids, b.asks].map((side) => side.map(([p, q]) => [trim(p), trim(q)]));
}

for (const format of ["json", "binary"] as const) {
  Deno.test(`--publish-format ${format}: a PEPE-sized book through NATS is exact, update for update`, async () => {
    const srv = await startNatsServer();
    if (!srv) return void console.log(NATS_SKIP);
    const dir = await Deno.makeTempDir({ prefix: "hft-nats-pepe-" });
    const sim = await BinanceSimulator.start({ intervalMs: 2, market: { ...PEPE_MARKET, seed: 61 } });
    try {
      const st = await publishRun(sim, dir, {
        nats: srv.url,
        symbol: "pepeusdt",
        messages: 300,
        extraArgs: ["--publish-format", format, "--updates-out", `${dir}/publisher.jsonl`],
      });
      assert.equal(st.code, 0, "publisher");
      const c = await runConsume([
        "--nats",
        srv.url,
        "--symbols",
        "PEPEUSDT",
        "--to-end",
        "--duration",
        "60",
        "--book-out",
        `${dir}/consumer.json`,
        "--updates-out",
        `${dir}/consumer.jsonl`,
      ]);
      assert.equal(c.code, 0, c.err);
      assert.match(c.err, /0 book seqs missed, 0 foreign payloads skipped, valid\n/, c.err);
      const pub = readBook(`${dir}/publisher.json`);
      const got = readBook(`${dir}/consumer.json`);
      assert.ok(pub.bids.length > 0 && pub.asks.length > 0, "a book with levels");
      const qtys = [...pub.bids, ...pub.asks].map(([, q]) => BigInt(trim(q)));
      assert.ok(qtys.some((q) => q * 10n ** 8n > BigInt(Number.MAX_SAFE_INTEGER)), "PEPE-sized quantities");
      assert.ok(pub.bids.some(([p]) => p.startsWith("0.0000")), "PEPE-sized prices");
      assert.deepEqual(levels(got), levels(pub), "every level, string for string");
      assert.equal(got.lastUpdateId, pub.lastUpdateId, "update id");
      const want = Deno.readTextFileSync(`${dir}/publisher.jsonl`);
      assert.ok(want.split("\n").length > 100, "a run of messages");
      assert.equal(Deno.readTextFileSync(`${dir}/consumer.jsonl`), want, "--updates-out line for line");
    } finally {
      await sim.close();
      await srv.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
