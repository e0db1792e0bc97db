/**
 * `--publish` end to end against a real `nats-server` (JetStream, file storage) and the Binance
 * simulator: the consumer's book equals the publisher's `--book-out`; a late consumer starts from
 * the last snapshot copy; a foreign payload is skipped with a warning; a second run adds its own
 * messages and duplicates none; the server killed and restarted mid-run loses nothing.
 */
import assert from "node:assert/strict";
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstream } from "npm:@nats-io/jetstream@3.4.0";
import { BinanceSimulator } from "../sim/binance/simulator.ts";
import { startNatsServer } from "./_nats_server.ts";
import { spawnPocBinance } from "./_poc_child.ts";
import { oneToN, seqsByRun, watchStderr } from "./_nats_consume.ts";

const CONSUME = new URL("../tasks/consume.ts", import.meta.url).pathname;
const SKIP = "nats-server is not installed (apt-get install nats-server; .ci/run does it): skipped";

function sameBookFiles(a: string, b: string): void {
  const x = JSON.parse(Deno.readTextFileSync(a));
  const y = JSON.parse(Deno.readTextFileSync(b));
  const num = (l: [string, string][]) => l.map(([p, q]) => [Number(p), Number(q)]);
  assert.ok(x.bids.length > 0 && x.asks.length > 0, "a book with levels");
  assert.deepEqual(num(y.bids), num(x.bids), "bids");
  assert.deepEqual(num(y.asks), num(x.asks), "asks");
  assert.equal(y.lastUpdateId, x.lastUpdateId, "update id");
}

async function consume(url: string, bookOut: string): Promise<{ code: number; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-write=/tmp",
      CONSUME,
      "--nats",
      url,
      "--symbols",
      "BTCUSDT",
      "--to-end",
      "--duration",
      "60",
      "--book-out",
      bookOut,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr) };
}

Deno.test("--publish binary: late consumer from the snapshot equals --book-out; foreign payload skipped; a second run duplicates nothing", async (t) => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-e2e-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 31 } });
  try {
    const run = async (k: number) => {
      const st = await spawnPocBinance(sim, {
        dir,
        session: `s${k}`,
        wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
        extraArgs: [
          "--trades",
          "--max-messages",
          "300",
          "--publish",
          srv.url,
          "--publish-format",
          "binary",
          "--snapshot-every",
          "0.2",
          "--book-out",
          `${dir}/book${k}.json`,
        ],
      }).status;
      assert.equal(st.code, 0, `publisher run ${k}`);
    };
    await run(1);
    await t.step("a foreign payload on our subject is skipped with a warning", async () => {
      const nc = await connect({ servers: srv.url });
      await jetstream(nc).publish(
        "md.binance.spot.BTCUSDT.book",
        new TextEncoder().encode("hello, not market data"),
      );
      await nc.close();
    });
    const c1 = await consume(srv.url, `${dir}/c1.json`);
    assert.equal(c1.code, 0, c1.err);
    assert.match(
      c1.err,
      /starting from the snapshot at stream seq [1-9]\d*/,
      "a late consumer starts from a snapshot copy",
    );
    assert.match(c1.err, /skipped, not ours/);
    assert.match(c1.err, /0 book seqs missed, 1 foreign payloads skipped, valid/);
    sameBookFiles(`${dir}/book1.json`, `${dir}/c1.json`);

    await run(2);
    const runs = await seqsByRun(srv.url);
    assert.equal(runs.size, 2, "two runs, two run ids");
    for (const [id, r] of runs) {
      assert.deepEqual(r.b, oneToN(r.b), `run ${id}: book seqs 1..N once each`);
      assert.deepEqual(r.t, oneToN(r.t), `run ${id}: trade seqs 1..N once each`);
      assert.ok(r.b.length > 0 && r.t.length > 0 && r.s > 0, "book, trade and snapshot messages");
    }
    const c2 = await consume(srv.url, `${dir}/c2.json`);
    assert.equal(c2.code, 0, c2.err);
    sameBookFiles(`${dir}/book2.json`, `${dir}/c2.json`);
  } finally {
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--publish json: nats-server killed and restarted mid-run: the publisher reconnects and loses nothing", async () => {
  const srv = await startNatsServer();
  if (!srv) return void console.log(SKIP);
  const dir = await Deno.makeTempDir({ prefix: "hft-nats-restart-" });
  const sim = await BinanceSimulator.start({ intervalMs: 2, market: { seed: 32 } });
  try {
    const child = spawnPocBinance(sim, {
      dir,
      session: "r",
      stderr: "piped",
      wsUrl: sim.wsUrl("/stream?streams=btcusdt@depth@100ms/btcusdt@trade"),
      extraArgs: [
        "--trades",
        "--max-messages",
        "1500",
        "--publish",
        srv.url,
        "--snapshot-every",
        "0.5",
        "--book-out",
        `${dir}/book.json`,
      ],
    });
    const log = watchStderr(child);
    await log.until(/synchronized id=/);
    await srv.kill();
    await log.until(/disconnected from NATS/);
    await srv.restart();
    const st = await child.status;
    assert.equal(st.code, 0, log.text().slice(-1500));
    await log.until(/lost: \d+ unacknowledged/); // the exit line (stderr may be read after the exit)
    assert.match(log.text(), /reconnected to NATS/);
    assert.match(log.text(), /lost: 0 unacknowledged, 0 dropped/);
    const runs = await seqsByRun(srv.url);
    assert.equal(runs.size, 1);
    const r = [...runs.values()][0]!;
    assert.deepEqual(r.b, oneToN(r.b), "every book seq stored once, none missing");
    assert.deepEqual(r.t, oneToN(r.t), "every trade seq stored once, none missing");
    const c = await consume(srv.url, `${dir}/c.json`);
    assert.equal(c.code, 0, c.err);
    sameBookFiles(`${dir}/book.json`, `${dir}/c.json`);
  } finally {
    await sim.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
