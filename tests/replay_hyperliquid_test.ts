/**
 * Replay of Hyperliquid captures: the real BTC fixture (read in place) and small sessions built
 * from its lines in a temp dir. The book rebuilt from the EVENTS ALONE equals every l2Book window
 * (all 20 + 20 levels, decoded independently with JSON.parse) after every message, and the order
 * invariant holds after every event.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { L2Book } from "../venues/book.ts";
import { parseFixed } from "../venues/decimal.ts";
import { replayCapture, type ReplayOptions } from "../replay/replay.ts";
import { resolveSession } from "../replay/reader.ts";
import type { ReplayStats } from "../replay/summary.ts";
import {
  BINCODE_RECORD_SIZE,
  type EventSink,
  type InferredEvent,
  InferredKind,
  Side,
} from "../replay/schema.ts";
import type { CancelModel } from "../replay/l3.ts";
import { HyperliquidHandler } from "../venues/hyperliquid/handler.ts";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { Drive } from "../testing/drive.ts";
import { FIXTURE_DIR, fixtureExists, fixtureLines, fixtureRecvText } from "../testing/hl_fixture.ts";
import { EventKind } from "../engine/events.ts";

const HL_DIR = FIXTURE_DIR.pathname;
const present = fixtureExists();
const TASK = new URL("../tasks/replay.ts", import.meta.url).pathname;
const EXIT = 4, ENTER = 5; // venues/hyperliquid/diff.ts LevelChange codes

/** Rebuilds the book from the events, checking the order invariant after every event. */
class HlRebuildingSink implements EventSink {
  readonly book = new L2Book(256);
  readonly kinds = [0, 0, 0, 0, 0];
  readonly events: InferredEvent[] = [];
  /** `Clear` events of one order (a level that left the window), and those that emptied a level. */
  orderClears = 0;
  levelDrops = 0;
  readonly #orders = [new Map<number, Map<number, number>>(), new Map<number, Map<number, number>>()];

  write(ev: InferredEvent): void {
    equal(ev.seq, this.events.length, "seq is dense from 0");
    this.events.push(Object.assign(Object.create(Object.getPrototypeOf(ev)), ev));
    this.kinds[ev.kind]!++;
    const levels = this.#orders[ev.side]!;
    if (ev.kind === InferredKind.Clear && ev.orderId === 0) {
      equal(ev.price, 0, "a side Clear has price 0");
      levels.clear();
      this.book.side(ev.side === Side.Bid).clear();
      return;
    }
    ok(ev.qty > 0 && ev.price > 0, `event ${ev.seq} has a positive quantity and price`);
    let lvl = levels.get(ev.price);
    if (!lvl) levels.set(ev.price, lvl = new Map());
    const up = ev.kind === InferredKind.Add || ev.kind === InferredKind.Snapshot;
    if (up) ok(!lvl.has(ev.orderId), `order ${ev.orderId} is new`);
    const q = (lvl.get(ev.orderId) ?? 0) + (up ? ev.qty : -ev.qty);
    ok(q >= 0, `order ${ev.orderId} went negative at event ${ev.seq}`);
    if (q === 0) lvl.delete(ev.orderId);
    else lvl.set(ev.orderId, q);
    let sum = 0;
    for (const v of lvl.values()) sum += v;
    if (sum !== ev.levelQtyAfter) {
      equal(sum, ev.levelQtyAfter, `orders sum to the level after event ${ev.seq}`);
    }
    if (sum === 0) levels.delete(ev.price);
    if (ev.kind === InferredKind.Clear) {
      this.orderClears++;
      if (sum === 0) this.levelDrops++;
    }
    this.book.side(ev.side === Side.Bid).set(ev.price, ev.levelQtyAfter);
  }
}

interface Window {
  time: number;
  bids: [number, number][];
  asks: [number, number][];
}

function windowOf(line: string): Window | undefined {
  try {
    const m = JSON.parse(line);
    if (m.channel !== "l2Book") return undefined;
    const side = (lv: { px: string; sz: string }[]) =>
      lv.map((l) => [parseFixed(l.px, 8), parseFixed(l.sz, 8)] as [number, number]);
    return { time: m.data.time, bids: side(m.data.levels[0]), asks: side(m.data.levels[1]) };
  } catch {
    return undefined;
  }
}

function sideOf(book: L2Book, bid: boolean): [number, number][] {
  const s = book.side(bid);
  const out: [number, number][] = [];
  for (let i = 0; i < s.size; i++) out.push([s.priceAt(i), s.qtyAt(i)]);
  return out;
}

/** Replay `dir`, checking the rebuilt book against every expected window in order. */
async function run(dir: string, expect: Window[], opts: Partial<ReplayOptions> = {}) {
  const sink = new HlRebuildingSink();
  const warned: string[] = [];
  let k = 0;
  const stats: ReplayStats = await replayCapture(await resolveSession(dir), {
    sink,
    onWarning: (m) => warned.push(m),
    onApplied: (a, b) => {
      const w = expect[k++];
      ok(w !== undefined, `more books replayed than expected (${k})`);
      equal(a, w.time);
      equal(b, w.time);
      deepEqual(sideOf(sink.book, true), w.bids, `bids after book ${k - 1} (time ${w.time})`);
      deepEqual(sideOf(sink.book, false), w.asks, `asks after book ${k - 1} (time ${w.time})`);
    },
    ...opts,
  });
  equal(k, expect.length, "every expected book was replayed");
  equal(stats.totalEvents, sink.events.length);
  return { stats, sink, warned };
}

async function writeSession(lines: string[], recv: string[], meta?: unknown, tail = "\n"): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/messages.jsonl`, lines.join("\n") + tail);
  await Deno.writeTextFile(`${dir}/messages.recv_ns`, recv.join("\n") + "\n");
  if (meta !== undefined) await Deno.writeTextFile(`${dir}/metadata.json`, JSON.stringify(meta));
  return dir;
}

Deno.test({
  name: "HL replay of the fixture: the rebuilt book equals every l2Book window, invariant holds (all models)",
  ignore: !present,
  async fn() {
    const files = await resolveSession(HL_DIR);
    equal(files.venue, "hyperliquid", "detected by messages.jsonl without metadata.json");
    const expect = fixtureLines().map(windowOf).filter((w) => w !== undefined);
    equal(expect.length, 46);
    for (const model of ["tail", "head", "proportional"] as CancelModel[]) {
      for (const useTrades of [true, false]) {
        const { stats, sink, warned } = await run(HL_DIR, expect, { cancelModel: model, useTrades });
        deepEqual(warned, []);
        equal(stats.snapshotsApplied, 1);
        equal(stats.applied, 45);
        equal(stats.diffLines, 55);
        equal(stats.tradeLines, 9);
        equal(sink.kinds[InferredKind.Clear], sink.orderClears, "no side Clear without a reconnect");
        equal(sink.levelDrops, stats.levelChanges[EXIT], "each Exit drops its level with Clear events");
        ok(stats.levelChanges[EXIT]! > 0 && stats.levelChanges[ENTER]! > 0);
        equal(sink.kinds[InferredKind.Snapshot], 40 + stats.levelChanges[ENTER]!, "Enter seeds a Snapshot");
        ok(sink.kinds[InferredKind.Fill]! > 0 && sink.kinds[InferredKind.Cancel]! > 0);
        if (useTrades) {
          equal(stats.trades, 64);
          ok(stats.tradesBeforeBook > 0, "the subscribe backlog precedes the first book");
          ok(stats.tradeQtyMatched > 0);
        } else equal(stats.trades, 0);
        // Update id and event time are the book time; recv time is the line's.
        const recv = fixtureRecvText();
        const first = sink.events[0]!;
        equal(first.updateId, expect[0]!.time);
        equal(first.eventTimeMs, expect[0]!.time);
        equal(`${first.recvSec}${String(first.recvSubNs).padStart(9, "0")}`, recv[0]);
      }
    }
  },
});

Deno.test({
  name: "HL replay: the sweep at 105055..105051 (aggressor A) becomes bid fills of exactly the traded size",
  ignore: !present,
  async fn() {
    const expect = fixtureLines().map(windowOf).filter((w) => w !== undefined);
    const { sink } = await run(HL_DIR, expect);
    const fills = sink.events.filter((e) =>
      e.kind === InferredKind.Fill && e.updateId === 1737918865847 && e.side === Side.Bid
    );
    const at = (px: number) => fills.filter((e) => e.price === px * 1e8).reduce((s, e) => s + e.qty, 0);
    equal(at(105054), 14280000); // trade 0.1428 @105054 side A
    equal(at(105053), 14280000);
    ok(at(105055) > 0);
    ok(fills.every((e) => e.price >= 105051e8 && e.price <= 105055e8), "fills only where trades printed");
    const { sink: h } = await run(HL_DIR, expect, { useTrades: false });
    ok(h.kinds[InferredKind.Fill]! > 0, "the heuristic finds fills without trades");
  },
});

Deno.test({
  name: "HL replay: a decrease is a fill up to a trade between the two book times, the rest a cancel",
  async fn() {
    const book = (time: number, askSz: string) =>
      JSON.stringify({
        channel: "l2Book",
        data: {
          coin: "BTC",
          time,
          levels: [[{ px: "100.0", sz: "1.0", n: 1 }], [{ px: "101.0", sz: askSz, n: 2 }]],
        },
      });
    const trade = (time: number, side: string, px: string, sz: string) =>
      JSON.stringify({
        channel: "trades",
        data: [{ coin: "BTC", side, px, sz, time, tid: time, hash: "0x0" }],
      });
    const lines = [
      trade(999, "B", "101.0", "0.5"), // before the snapshot: already in it
      book(1000, "2.0"),
      book(2000, "1.5"), // 0.5 left: 0.2 traded (B takes the ask), 0.3 cancelled
      trade(1500, "B", "101.0", "0.2"), // arrives after the book, but its time is inside the window
      trade(1600, "A", "101.0", "0.1"), // wrong side: a seller hits bids, not this ask
      trade(2500, "B", "101.0", "0.4"), // after the book: belongs to the next window
      book(3000, "1.5"),
    ];
    const recv = lines.map((_, i) => String(1_700_000_000_000_000_000 + i * 1000));
    const dir = await writeSession(lines, recv);
    try {
      const expect = lines.map(windowOf).filter((w) => w !== undefined);
      const { stats, sink, warned } = await run(dir, expect);
      deepEqual(warned, []);
      const at2000 = sink.events.filter((e) => e.updateId === 2000).map((e) => [e.kind, e.qty]);
      deepEqual(at2000, [[InferredKind.Fill, 20000000], [InferredKind.Cancel, 30000000]]);
      equal(stats.tradesBeforeBook, 1);
      equal(stats.trades, 4);
      equal(stats.tradeQtyMatched, 20000000);
      equal(stats.tradeQtyUnmatched, 50000000);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "HL replay: a truncated last line and malformed lines give warnings and are skipped",
  ignore: !present,
  async fn() {
    const src = fixtureLines().slice(0, 12);
    const rec = fixtureRecvText().slice(0, 12);
    const bad = [
      '{"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[{"px":"x","sz":"1","n":1}],[]]}}',
      '{"channel":"l2Book","data":{"coin":',
    ];
    const lines = [...src.slice(0, 5), bad[0]!, ...src.slice(5, 8), bad[1]!, ...src.slice(8, 11)];
    const recv = [...rec.slice(0, 5), rec[5]!, ...rec.slice(5, 8), rec[8]!, ...rec.slice(8, 11)];
    const dir = await writeSession(lines, recv, undefined, "\n" + src[11]!.slice(0, 300));
    try {
      const expect = src.slice(0, 11).map(windowOf).filter((w) => w !== undefined);
      const { stats, warned } = await run(dir, expect);
      equal(stats.malformed, 2);
      equal(stats.diffLines, 13);
      ok(warned.some((w) => w.includes(":6: malformed frame")), warned.join("\n"));
      ok(warned.some((w) => w.includes(":10: malformed frame")), warned.join("\n"));
      ok(warned.some((w) => w.includes("last line truncated (300 bytes")), warned.join("\n"));
      equal(warned.length, 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "HL replay: the second connection's first book is a fresh snapshot (metadata or subscription ack)",
  ignore: !present,
  async fn() {
    const src = fixtureLines();
    const rec = fixtureRecvText();
    const lines = [...src.slice(0, 10), ...src.slice(30, 40)];
    const recv = [...rec.slice(0, 10), ...rec.slice(30, 40)];
    const expect = lines.map(windowOf).filter((w) => w !== undefined);
    const meta = {
      format: "hft-ts/hyperliquid-capture/1",
      venue: "hyperliquid",
      coin: "BTC",
      connections: [{ line: 0, wallNs: 1 }, { line: 10, wallNs: 2 }],
      complete: true,
    };
    const dirs: string[] = [];
    try {
      dirs.push(await writeSession(lines, recv, meta));
      const a = await run(dirs[0]!, expect);
      deepEqual(a.warned, []);
      equal(a.stats.snapshotsApplied, 2);
      equal(a.stats.connections, 2);
      equal(a.sink.kinds[InferredKind.Clear]! - a.sink.orderClears, 2, "one side Clear per side");
      const t2 = windowOf(src[30]!)!.time;
      const second = a.sink.events.filter((e) => e.updateId === t2);
      equal(second.length, 2 + 40);
      ok(second.slice(2).every((e) => e.kind === InferredKind.Snapshot));
      // The same lines without the connection mark are diffed across the jump: no second snapshot.
      dirs.push(await writeSession(lines, recv, { ...meta, connections: [{ line: 0, wallNs: 1 }] }));
      equal((await run(dirs[1]!, expect)).stats.snapshotsApplied, 1);
      // Without metadata, an l2Book subscription ack after a book marks the new connection.
      const ack = '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":' +
        '{"type":"l2Book","coin":"BTC"}}}';
      dirs.push(await writeSession([...lines.slice(0, 10), ack, ...lines.slice(10)], [...recv, recv[19]!]));
      const c = await run(dirs[2]!, expect);
      equal(c.stats.snapshotsApplied, 2);
      equal(c.stats.unknown, 1);
    } finally {
      for (const d of dirs) await Deno.remove(d, { recursive: true });
    }
  },
});

Deno.test({
  name: "HL replay task: the fixture session to jsonl and bincode, summary on stderr",
  ignore: !present,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const counts: number[] = [];
      for (const [fmt, extra] of [["jsonl", []], ["bincode", []], ["jsonl", ["--no-trades"]]] as const) {
        const out = `${dir}/events.${fmt}`;
        const cmd = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--allow-read",
            `--allow-write=${dir}`,
            TASK,
            "--session",
            HL_DIR,
            ...extra,
            "--out",
            out,
          ]
            .concat(["--out-format", fmt]),
          stdout: "piped",
          stderr: "piped",
        });
        const r = await cmd.output();
        const err = new TextDecoder().decode(r.stderr);
        equal(r.code, 0, err);
        ok(err.includes("replay: hyperliquid: 55 message lines (46 l2Book"), err);
        const n = Number(/wrote (\d+) events/.exec(err)?.[1]);
        if (fmt === "jsonl") {
          const rows = Deno.readTextFileSync(out).split("\n").filter((l) => l);
          equal(rows.length, n);
          ok(rows[0]!.includes('"update_id":1737918843542') && rows[0]!.includes('"kind":"snapshot"'));
        } else equal(Deno.statSync(out).size, n * BINCODE_RECORD_SIZE);
        ok(err.includes(extra.length ? "9 trade lines, 0 trades" : "9 trade lines, 64 trades"), err);
        counts.push(n);
      }
      equal(counts[0], counts[1]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "HL replay of a live capture (handler + simulator on the fixture) with a reconnect in the middle",
  ignore: !present,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hl_replay_" });
    const sim = await HyperliquidSimulator.start({ lines: fixtureLines() });
    const h = new HyperliquidHandler({
      wsUrl: sim.url,
      trades: true,
      captureDir: dir,
      captureSession: "s1",
      maxMessages: 10_000,
      backoff: { baseMs: 1, minMs: 0, maxMs: 5 },
    });
    const d = new Drive(h);
    try {
      await d.start();
      await d.until(
        () => d.count(EventKind.SnapshotApplied) === 1 && d.count(EventKind.Subscribed) === 2,
        "sub",
      );
      const step = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const t = JSON.parse(sim.step()).data.time;
          await d.until(() => h.book.updateId === t, `book ${t}`);
        }
      };
      await step(12);
      sim.fault("disconnect");
      await d.until(
        () => d.count(EventKind.SnapshotApplied) === 2 && d.count(EventKind.Subscribed) === 4,
        "re",
      );
      await step(15);
    } finally {
      await d.stop();
      await sim.close();
    }
    try {
      const sdir = `${dir}/BTC/s1`;
      const meta = JSON.parse(await Deno.readTextFile(`${sdir}/metadata.json`));
      equal(meta.connections.length, 2);
      const captured = Deno.readTextFileSync(`${sdir}/messages.jsonl`).split("\n").filter((l) => l);
      const expect = captured.map(windowOf).filter((w) => w !== undefined);
      const files = await resolveSession(sdir);
      equal(files.venue, "hyperliquid");
      deepEqual(files.connections, meta.connections.map((c: { line: number }) => c.line));
      const { stats, sink, warned } = await run(sdir, expect);
      deepEqual(warned, []);
      equal(stats.snapshotsApplied, 2);
      equal(stats.connections, 2);
      equal(sink.kinds[InferredKind.Clear]! - sink.orderClears, 2, "the reconnect clears both sides");
      deepEqual(sideOf(sink.book, true), sideOf(h.book, true), "the replayed book ends as live did");
      deepEqual(sideOf(sink.book, false), sideOf(h.book, false));
      ok(stats.trades > 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
