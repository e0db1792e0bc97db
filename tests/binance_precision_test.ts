/**
 * End-to-end precision (DESIGN.md "Instruments and precision"): `BinanceHandler` against a
 * scripted venue (REST `exchangeInfo` + depth, a WebSocket whose frames the test sends) with
 * PEPE-sized values — price "0.00000123", quantity "123456789012.00000000", a price above 10^6
 * with 8 decimals. The book, the normalized records and their JSON form, `--book-out` and the
 * capture's metadata are compared with a reference book kept as decimal strings (no floats).
 * Waits on conditions with a deadline, never on sleeps.
 */
import assert from "node:assert/strict";
import { runEngine } from "../engine/engine.ts";
import { EventKind, type LogEvent, RESYNC_NAMES } from "../engine/events.ts";
import { testLogger, waitUntil } from "../engine/testing.ts";
import { BinanceHandler } from "../venues/binance/handler.ts";
import { exchangeInfoJson } from "../sim/binance/_sim_rest.ts";
import { checkEveryMessage, exactDecimal } from "../testing/stream_check.ts";
import { RecordKind } from "../market/record.ts";
import type { L2Book } from "../venues/book.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import { TeeSink } from "../replay/summary.ts";
import { RebuildingSink } from "./_replay_helpers.ts";

type Lv = [string, string][];

/** Trailing fractional zeros trimmed: the exact value of a decimal string. */
function norm(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** A reference book of decimal strings (exact by construction). */
class RefBook {
  readonly sides = [new Map<string, string>(), new Map<string, string>()];
  updateId = 0;
  apply(bids: Lv, asks: Lv): void {
    for (const [i, lv] of [[0, bids], [1, asks]] as const) {
      for (const [p, q] of lv) {
        if (norm(q) === "0") this.sides[i]!.delete(norm(p));
        else this.sides[i]!.set(norm(p), norm(q));
      }
    }
  }
  levels(isBid: boolean): string[][] {
    const m = this.sides[isBid ? 0 : 1]!;
    const keys = [...m.keys()].sort((a, b) => (isBid ? -1 : 1) * (Number(a) - Number(b)));
    return keys.map((k) => [k, m.get(k)!]);
  }
  snapshotJson(): string {
    const eight = (s: string) => {
      const [i, f = ""] = s.split(".");
      return `${i}.${f.padEnd(8, "0")}`;
    };
    const side = (b: boolean) => JSON.stringify(this.levels(b).map(([p, q]) => [eight(p!), eight(q!)]));
    return `{"lastUpdateId":${this.updateId},"bids":${side(true)},"asks":${side(false)}}`;
  }
}

function bookLevels(book: L2Book, isBid: boolean, pd: number, qd: number): string[][] {
  const s = book.side(isBid);
  return Array.from(
    { length: s.size },
    (_, i) => [exactDecimal(s.priceAt(i), pd), exactDecimal(s.qtyAt(i), qd)],
  );
}

interface Venue {
  port: number;
  ref: RefBook;
  /** The REST snapshot served (the reference book unless a test freezes it). */
  snapshot: () => string;
  depthRequests: number;
  ws: WebSocket | null;
  send(U: number, u: number, b: Lv, a: Lv): void;
  close(): Promise<void>;
}

/** A scripted Binance venue for one symbol: exchangeInfo, depth (the reference book), one socket. */
function fakeVenue(symbol: string, tick: string, lot: string, onOpen: (v: Venue) => void): Venue {
  const v: Venue = {
    port: 0,
    ref: new RefBook(),
    snapshot: () => v.ref.snapshotJson(),
    depthRequests: 0,
    ws: null,
    send(U, u, b, a) {
      const frame = { e: "depthUpdate", E: 1, s: symbol, U, u, b, a };
      v.ref.apply(b, a);
      v.ref.updateId = u;
      v.ws!.send(JSON.stringify(frame));
    },
    close: () => Promise.resolve(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/api/v3/exchangeInfo") {
      return new Response(exchangeInfoJson(symbol, tick, lot, 6000), { status: 200 });
    }
    if (url.pathname === "/api/v3/depth") {
      v.depthRequests++;
      return new Response(v.snapshot(), { status: 200 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => {
      v.ws = socket;
      onOpen(v);
    };
    return response;
  });
  v.port = server.addr.port;
  v.close = async () => {
    try {
      v.ws?.close();
    } catch { /* closed */ }
    await server.shutdown();
  };
  return v;
}

async function withPepe(
  fn: (v: Venue, h: BinanceHandler, events: () => LogEvent[], dir: string) => Promise<void>,
  after?: (v: Venue, h: BinanceHandler, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const v = fakeVenue("PEPEUSDT", "0.00000001", "1", (v) => {
    // Buffered before the snapshot (taken at 101): a PEPE-sized quantity, then one finer than
    // the lot (0.5) that bridges the snapshot.
    v.send(101, 101, [["0.00000122", "9876543210.00000000"]], []);
    const at101 = v.ref.snapshotJson();
    v.snapshot = () => at101;
    v.send(102, 102, [], [["0.00000125", "0.50000000"]]);
  });
  v.ref.apply(
    [["0.00000123", "123456789012.00000000"], ["0.00000121", "7.00000000"]],
    [["0.00000125", "5.00000000"], ["1234567.12345678", "3.00000000"]],
  );
  v.ref.updateId = 100;
  const h = new BinanceHandler({
    symbol: "PEPEUSDT",
    wsUrl: `ws://127.0.0.1:${v.port}/ws/pepeusdt@depth@100ms`,
    restUrl: `http://127.0.0.1:${v.port}`,
    backoff: { baseMs: 5, maxMs: 50 },
    scheduler: { minIntervalMs: 5, retryBaseMs: 5 },
    captureDir: dir,
    captureSession: "p",
  });
  const tl = testLogger();
  const events: LogEvent[] = [];
  const ac = new AbortController();
  const engine = runEngine([h], { logger: tl.logger, signal: ac.signal, metricsIntervalMs: 0 });
  const pump = setInterval(() => events.push(...tl.drain()), 2);
  try {
    await fn(v, h, () => events, dir);
  } finally {
    ac.abort();
    const report = await engine;
    clearInterval(pump);
    await v.close();
    try {
      assert.notEqual(report.reason, "error", String(report.error));
      await after?.(v, h, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
}

function assertMatchesRef(h: BinanceHandler, ref: RefBook, what: string): void {
  const { priceDecimals: pd, qtyDecimals: qd } = h.stream.instrument;
  assert.deepEqual(bookLevels(h.book, true, pd, qd), ref.levels(true), `${what}: bids`);
  assert.deepEqual(bookLevels(h.book, false, pd, qd), ref.levels(false), `${what}: asks`);
  assert.equal(h.book.updateId, ref.updateId, `${what}: update id`);
}

Deno.test("PEPE-sized values are exact through the handler, its records, JSON, --book-out and capture; a finer diff rescales in place", async () => {
  await withPepe(async (v, h, events, dir) => {
    const checked = checkEveryMessage(h);
    const trades: number[][] = [];
    h.stream.subscribe((b) => {
      if (b.messageKind === RecordKind.Trade) trades.push([b.price(0), b.qty(0), b.bytes[4]!, b.bytes[5]!]);
    });
    await waitUntil("synced at 102", () => h.sync.isSynced && h.book.updateId === 102);
    // exchangeInfo (8 / 0) and the wire ("0.5": one decimal) together: 8 / 1.
    assert.deepEqual([h.stream.instrument.priceDecimals, h.stream.instrument.qtyDecimals], [8, 1]);
    assertMatchesRef(h, v.ref, "after the snapshot");
    const snapshotsBefore = checked.snapshots;
    // Live: a finer quantity (2 decimals) rescales the synced book in place and re-sends it whole.
    v.send(103, 103, [["0.00000120", "0.05000000"]], []);
    v.ws!.send(
      `{"e":"trade","E":2,"s":"PEPEUSDT","t":7,"p":"0.00000123","q":"123456789012.00000000","T":2,"m":false}`,
    );
    await waitUntil("applied 103 and the trade", () => h.book.updateId === 103 && trades.length === 1);
    assert.deepEqual([h.stream.instrument.priceDecimals, h.stream.instrument.qtyDecimals], [8, 2]);
    assertMatchesRef(h, v.ref, "after the rescale");
    assert.equal(h.sync.resyncs, 0, "a rescale is not a resync");
    assert.ok(checked.snapshots > snapshotsBefore, "the rescaled book went out as a snapshot message");
    assert.deepEqual(trades[0], [123, 12345678901200, 8, 2], "the trade at the instrument's scale");
    assert.deepEqual(checked.failures, [], "records and JSON agree with the book after every message");
    const out = `${dir}/book.json`;
    await h.writeBookOut(out);
    const bo = JSON.parse(await Deno.readTextFile(out));
    assert.deepEqual(bo.bids, [
      ["0.00000123", "123456789012.00000000"],
      ["0.00000122", "9876543210.00000000"],
      ["0.00000121", "7.00000000"],
      ["0.00000120", "0.05000000"],
    ]);
    assert.deepEqual(bo.asks, [["0.00000125", "0.50000000"], ["1234567.12345678", "3.00000000"]]);
    assert.ok(!events().some((e) => e.kind === EventKind.Warning && e.text.includes("malformed")));
    // metadata.json is rewritten every second: wait for the one with the latest scale.
    await waitUntil("metadata carries the scale and exchangeInfo's", () => {
      const m = JSON.parse(Deno.readTextFileSync(`${h.capture!.path}/metadata.json`));
      return m.priceDecimals === 8 && m.qtyDecimals === 2 && m.exchangeInfo?.qtyDecimals === 0 &&
        m.exchangeInfo?.priceDecimals === 8;
    });
  }, async (v, h) => {
    // Replay of the capture: at the recorded scale, every event exact and stating it.
    const files = await resolveSession(h.capture!.path);
    const rebuilt = new RebuildingSink();
    const scales = new Set<string>();
    const stats = await replayCapture(files, {
      sink: new TeeSink(rebuilt, { write: (ev) => scales.add(`${ev.priceDecimals}/${ev.qtyDecimals}`) }),
    });
    assert.equal(stats.failure, undefined);
    assert.deepEqual([stats.priceDecimals, stats.qtyDecimals, [...scales]], [8, 2, ["8/2"]]);
    assert.deepEqual(bookLevels(rebuilt.book, true, 8, 2), v.ref.levels(true));
    assert.deepEqual(bookLevels(rebuilt.book, false, 8, 2), v.ref.levels(false));
  });
});

Deno.test("a value beyond 2^53 at the scale it needs is an error and a resync, never a rounded book", async () => {
  await withPepe(async (v, h, events) => {
    await waitUntil("synced at 102", () => h.sync.isSynced && h.book.updateId === 102);
    const clears: number[] = [];
    h.stream.subscribe((b) => {
      if (b.messageKind === RecordKind.Clear) clears.push(b.view.getUint16(6, true));
    });
    // 5 decimals: 123456789012 × 10^5 passes 2^53, so the book cannot be held at that scale.
    v.snapshot = () => v.ref.snapshotJson(); // the venue's book as it is now (still with the big level)
    v.send(103, 103, [["0.00000119", "7.00001000"]], []);
    await waitUntil(
      "precision resync",
      () => events().some((e) => e.kind === EventKind.Resync && RESYNC_NAMES[e.a] === "precision"),
    );
    assert.ok(events().some((e) => e.kind === EventKind.Error && e.text.includes("2^53")), "an error event");
    assert.equal(h.sync.isSynced, false);
    assert.equal(h.book.bids.size + h.book.asks.size, 0, "no rounded book is kept");
    assert.deepEqual(clears.length, 1, "consumers were told to drop the book");
    // Snapshots holding the big level cannot be read at 10^-5 either: they fail, the book stays empty.
    const failedBefore = events().filter((e) =>
      e.kind === EventKind.Warning && e.text.includes("2^53")
    ).length;
    const requests = v.depthRequests;
    await waitUntil("a snapshot refused", () => v.depthRequests > requests + 1);
    assert.ok(
      events().filter((e) => e.kind === EventKind.Warning && e.text.includes("2^53")).length > failedBefore,
    );
    assert.equal(h.book.bids.size + h.book.asks.size, 0, "still nothing rounded");
    // The big level goes away: the next snapshot holds and the book resyncs at 10^-5, exact.
    v.send(104, 104, [["0.00000123", "0.00000000"]], []);
    await waitUntil("snapshot at 104 applied", () => h.sync.snapshots >= 2 && h.book.updateId >= 104);
    v.send(105, 105, [], [["0.00000126", "1.23456000"]]);
    await waitUntil("synced at 105", () => h.sync.isSynced && h.book.updateId === 105);
    assert.deepEqual([h.stream.instrument.priceDecimals, h.stream.instrument.qtyDecimals], [8, 5]);
    assertMatchesRef(h, v.ref, "after the resync");
  });
});
