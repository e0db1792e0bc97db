/**
 * `replay --publish` against a real `nats-server` (JetStream, file storage): the real ETHUSDT and
 * Hyperliquid fixtures republished through the live publisher; a `NatsBookConsumer` rebuilds a book
 * equal to the replay's own book after every book message (compared by `seq`), every message is
 * acknowledged and none is dropped. The task: bad `--pace`/`--shard`/unreachable server are clear
 * errors (exit 2 / 1, one line).
 */
import assert from "node:assert/strict";
import { replayCapture } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import { NULL_SINK } from "../replay/summary.ts";
import { PublishHook } from "../replay/publish.ts";
import { NatsBookConsumer } from "../publish/consumer.ts";
import type { BookView } from "../market/book_view.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import type { MarketStream } from "../market/stream.ts";
import { freePort, startNatsServer } from "./_nats_server.ts";
import { replayTask } from "./_replay_helpers.ts";

const FIX = new URL("../../shared/fixtures/", import.meta.url).pathname;
const ETH = `${FIX}binance-spot-ethusdt-20240808`;
const HL = `${FIX}hyperliquid-btc-20250126`;
const SKIP = "nats-server is not installed (apt-get install nats-server): skipped";

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * A hash of the whole book (every level, both sides, and the update id), independent of the scale
 * the book is held at (a JSON consumer holds it at the finest decimals it saw): each integer over
 * its exact power of ten, a correctly rounded division, so equal decimals give equal numbers.
 */
function digest(v: BookView): string {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    f64[0] = x;
    h = Math.imul(h ^ u32[0]!, 16777619);
    h = Math.imul(h ^ u32[1]!, 16777619);
  };
  for (const isBid of [true, false]) {
    const n = v.depth(isBid);
    mix(n);
    for (let i = 0; i < n; i++) {
      mix(v.toPrice(v.priceAt(isBid, i)));
      mix(v.toQty(v.qtyAt(isBid, i)));
    }
  }
  mix(v.updateId);
  return (h >>> 0).toString(16);
}

/** Replay `dir` with `--publish` to `url`; the book's digest after every book message, by seq. */
async function publishReplay(dir: string, url: string, format: "json" | "binary") {
  const files = await resolveSession(dir);
  const digests = new Map<number, string>();
  let inst: MarketStream["instrument"] | undefined;
  const hook = new PublishHook({ servers: [url], format, snapshotEverySec: 0, onLog: () => {} });
  const stats = await replayCapture(files, {
    sink: NULL_SINK,
    onStream: async (s) => {
      inst = s.instrument;
      s.subscribe((b: RecordBatch, v: BookView) => {
        if (b.messageKind !== RecordKind.Trade) digests.set(b.seq, digest(v));
      });
      await hook.onStream(s);
    },
    beforeLine: hook.beforeLine,
  });
  const done = (await hook.close())!;
  return { stats, digests, inst: inst!, done };
}

/** Consume the instrument from the start; compare the book after every book message. */
async function consumeAndCompare(
  url: string,
  inst: MarketStream["instrument"],
  digests: Map<number, string>,
) {
  const consumer = await NatsBookConsumer.connect({
    servers: [url],
    instruments: [{ venue: inst.venue, market: inst.market, symbol: inst.symbol }],
    onLog: () => {},
  });
  try {
    const b = consumer.books[0]!;
    const bad: number[] = [];
    let checked = 0;
    let trades = 0;
    b.subscribe((batch, view) => {
      if (batch.messageKind === RecordKind.Trade) return void trades++;
      checked++;
      if (digests.get(batch.seq) !== digest(view)) bad.push(batch.seq);
    });
    await consumer.start();
    await consumer.until(() => b.caughtUp, 60_000);
    return { checked, bad, trades };
  } finally {
    await consumer.close();
  }
}

for (const [name, dir, format] of [["ETHUSDT", ETH, "json"], ["Hyperliquid BTC", HL, "binary"]] as const) {
  Deno.test({
    name:
      `replay --publish: the ${name} fixture through JetStream, a consumer's book equals the replay's after every message`,
    ignore: !exists(dir),
    async fn() {
      const srv = await startNatsServer();
      if (!srv) return void console.log(SKIP);
      try {
        const r = await publishReplay(dir, srv.url, format);
        assert.equal(r.stats.failure, undefined);
        assert.ok(r.digests.size > 40, `${r.digests.size} book messages`);
        assert.equal(r.done.unacked, 0);
        assert.equal(r.done.dropped + r.done.ringLost, 0, "nothing dropped");
        assert.equal(r.done.acked, r.digests.size + r.stats.trades, "every book and trade message stored");
        const c = await consumeAndCompare(srv.url, r.inst, r.digests);
        assert.deepEqual(c.bad, [], "books differ after these seqs");
        assert.equal(c.checked, r.digests.size, "every book message was checked");
        assert.equal(c.trades, r.stats.trades);
      } finally {
        await srv.close();
      }
    },
  });
}

Deno.test({
  name: "replay task --publish: the Hyperliquid fixture is stored whole; bad flags exit 2, no server exits 1",
  ignore: !exists(HL),
  async fn() {
    const dir = await Deno.makeTempDir();
    const srv = await startNatsServer();
    try {
      if (srv) {
        const r = await replayTask(["--session", HL, "--publish", srv.url, "--pace", "max"], dir);
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /\[publish\] run \w+: 110 acknowledged .* 0 unacknowledged, 0 dropped/);
        assert.match(r.err, /events inferred, not written \(--publish without --out\)/);
      } else console.log(SKIP);
      for (
        const [args, want] of [
          [["--pace", "fast", "--publish", "nats://127.0.0.1:4222"], /--pace must be recorded or max/],
          [["--pace", "recorded"], /--pace needs --publish/],
          [["--publish", "nats://127.0.0.1:4222", "--shard", "0/2"], /--shard applies to the live tasks/],
          [["--publish", "http://127.0.0.1:4222"], /--publish: want nats:\/\/host:port/],
        ] as const
      ) {
        const r = await replayTask(["--session", HL, ...args], dir);
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, want);
        assert.ok(!r.err.includes("    at "), "no stack trace");
      }
      // Nothing listens there: one line, exit 1.
      const r = await replayTask(["--session", HL, "--publish", `nats://127.0.0.1:${freePort()}`], dir);
      assert.equal(r.code, 1, r.err);
      assert.ok(!r.err.includes("    at "), "no stack trace");
      assert.match(r.err, /^replay: .*(connect|refused|ECONNREFUSED|timed out)/im);
    } finally {
      await srv?.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
